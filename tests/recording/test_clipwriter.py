from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.recording.media import Footage
from vgateway.evidence import SigningKey
from vgateway.recording.assemble import Sourced
from vgateway.recording.clipstore import ClipStore, NewClip
from vgateway.recording.clipwriter import ClipRequest, NoFootage, write_clip


def _request(store: ClipStore, start: float, end: float) -> ClipRequest:
    store.create(NewClip("c1", "cam001", "sub", start, end, "clips/c1.mp4", "r", None, None, "me"))
    row = store.get("c1")
    assert row is not None
    return ClipRequest(row, "测试路口")


def test_a_failed_write_leaves_no_file(tmp_path: Path, engine: Engine, street: Footage) -> None:
    store = ClipStore(engine)
    request = _request(store, 1002.0, 1008.0)

    def disk_fills() -> Iterator[Sourced]:
        for count, packet in enumerate(street.packets(10, start_wall=1000.0)):
            if count == 100:
                raise OSError(errno.ENOSPC, "No space left on device")
            yield "run:1", packet

    key = SigningKey.load_or_create(tmp_path / "keys")
    with pytest.raises(OSError, match="No space left"):
        write_clip(tmp_path, store, key, request, disk_fills(), lambda _: None)
    assert list((tmp_path / "clips").iterdir()) == []
    assert store.listed() == []


def test_no_footage_in_range(tmp_path: Path, engine: Engine, street: Footage) -> None:
    store = ClipStore(engine)
    request = _request(store, 2000.0, 2010.0)
    sources = (("run:1", p) for p in street.packets(5, start_wall=1000.0))
    key = SigningKey.load_or_create(tmp_path / "keys")
    with pytest.raises(NoFootage):
        write_clip(tmp_path, store, key, request, sources, lambda _: None)
    assert list((tmp_path / "clips").iterdir()) == []
