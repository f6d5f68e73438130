"""Analytics threads run at a lower scheduling priority than the rest of the process."""

from __future__ import annotations

import os
import threading

import pytest

from vgateway.analytics.niceness import lower_this_thread


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no per-thread priorities here")
def test_only_the_calling_thread_is_lowered() -> None:
    seen: dict[str, int] = {}

    def lowered() -> None:
        assert lower_this_thread(3)
        seen["thread"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen["thread"] == min(19, before + 3)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_zero_changes_nothing() -> None:
    assert not lower_this_thread(0)
