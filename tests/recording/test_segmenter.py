from __future__ import annotations

import errno
import io
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from tests.recording.media import Footage, ffprobe_errors, probe
from vgateway.evidence.files import file_digest
from vgateway.recording.index import SegmentIndex
from vgateway.recording.segmenter import SegmentRecorder


def _record(recorder: SegmentRecorder, packets: list[Any]) -> None:
    for packet in packets:
        recorder.feed(packet)


def test_segments_cut_at_first_keyframe_after_length(
    tmp_path: Path, engine: Engine, street: Footage
) -> None:
    index = SegmentIndex(engine)
    recorder = SegmentRecorder("cam001", "sub", tmp_path, index, 5, "run")
    packets = street.packets(21, start_wall=1000.0)
    _record(recorder, packets)
    recorder.close()
    rows = index.overlapping("cam001", 0, 2000)
    expected = [packets[0].wallclock]
    for p in packets:
        if p.keyframe and p.wallclock - expected[-1] >= 5 - 1e-6:
            expected.append(p.wallclock)
    assert [r.start_at for r in rows] == expected
    for row in rows:
        path = tmp_path / row.path
        assert row.status == "complete" and row.timeline == "run:1"
        assert (row.sha256, row.bytes) == file_digest(path)
        assert ffprobe_errors(path) == ""
        assert int(probe(path)["streams"][0]["nb_read_packets"]) == row.frames
    assert rows[0].end_at is not None and abs(rows[0].end_at - rows[1].start_at) < 0.05


def test_reconnect_ends_the_segment(tmp_path: Path, engine: Engine, street: Footage) -> None:
    index = SegmentIndex(engine)
    recorder = SegmentRecorder("cam001", "sub", tmp_path, index, 60, "run")
    _record(recorder, street.packets(5, start_wall=1000.0, epoch=1))
    _record(recorder, street.packets(5, start_wall=1010.0, epoch=2))
    recorder.close()
    rows = index.overlapping("cam001", 0, 2000)
    assert [r.timeline for r in rows] == ["run:1", "run:2"]
    assert all(ffprobe_errors(tmp_path / r.path) == "" for r in rows)


class FullDisk(io.RawIOBase):
    """A file that reports ENOSPC once `room` bytes are written (a full file system)."""

    def __init__(self, path: Path, room: int) -> None:
        self._file = path.open("xb", buffering=0)
        self._room = room

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(data) > self._room:
            self._file.write(bytes(data)[: self._room])  # a partial write, as the kernel does
            self._room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._file.write(data) or 0

    def fileno(self) -> int:
        return self._file.fileno()

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        super().close()
        self._file.close()


def test_full_disk_keeps_the_readable_prefix_and_pauses(
    tmp_path: Path, engine: Engine, street: Footage
) -> None:
    index = SegmentIndex(engine)
    alarms: list[str] = []
    recorder = SegmentRecorder(
        "cam001",
        "sub",
        tmp_path,
        index,
        60,
        "run",
        on_disk_full=lambda: alarms.append("full"),
        opener=lambda path: FullDisk(path, 400_000),  # type: ignore[arg-type,return-value]
    )
    _record(recorder, street.packets(12, start_wall=1000.0))
    assert alarms == ["full"] and recorder.stats.disk_full
    assert recorder.current_id is None  # paused: no new segment while the disk is full
    rows = index.overlapping("cam001", 0, 2000)
    assert len(rows) == 1 and rows[0].status == "recovered" and rows[0].error == "disk full"
    path = tmp_path / rows[0].path
    assert ffprobe_errors(path) == ""
    assert (rows[0].sha256, rows[0].bytes) == file_digest(path)
    assert 0 < rows[0].frames < 12 * 24
    assert index.in_state("writing") == []
