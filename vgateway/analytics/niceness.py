"""Analytics threads yield the CPU to ingest when the machine is short.

Ingest must never stall: a camera whose packets are not read in time is dropped by its server
and goes offline. Analytics can wait: the governor and the fair scheduler lower its rate evenly.
So the analytics threads (decode and motion checks, the bulk of the work, which the governor
scales down) run at a lower scheduling priority (a higher nice value, per thread on Linux) than
the rest of the process. Nothing changes while there is CPU to spare; under contention the
kernel serves the ingest threads first. They hold the GIL only between native calls (decode and
OpenCV release it), so ingest does not wait on them. The inference thread keeps the normal
priority: a frame with motion in a zone must reach the detector within a second, and at +5 it
answered fewer of them in the 119-camera bench (17.8 against 24.4 runs/s, one run each).
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)
ANALYTICS_NICE = 5  # CFS weight 335 against 1024 for nice 0: about a third of the share


def lower_this_thread(by: int = ANALYTICS_NICE) -> bool:
    """Raise the calling thread's nice value by `by`; False where the OS does not allow it."""
    if by <= 0 or not hasattr(os, "setpriority"):
        return False
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + by))
    except OSError as exc:
        log.debug("could not lower the priority of thread %d: %s", tid, exc)
        return False
    return True
