"""Start-up recovery on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.recording.media import Footage, ffprobe_errors
from vgateway.evidence.files import file_digest
from vgateway.recording.clipstore import ClipStore, NewClip
from vgateway.recording.index import SegmentIndex
from vgateway.recording.paths import clip_file, clip_temp
from vgateway.recording.recovery import recover
from vgateway.recording.segmenter import SegmentRecorder


def _abandon(recorder: SegmentRecorder) -> None:
    """What a SIGKILL leaves: the open file and a `writing` row, nothing closed."""
    recorder._current = None


def test_interrupted_segments_are_trimmed_or_deleted(
    tmp_path: Path, any_engine: Engine, street: Footage
) -> None:
    index, clips = SegmentIndex(any_engine), ClipStore(any_engine)
    torn = SegmentRecorder("cam001", "sub", tmp_path, index, 60, "run")
    for packet in street.packets(9, start_wall=1000.0):
        torn.feed(packet)
    torn_id = torn.current_id
    _abandon(torn)
    empty = SegmentRecorder("cam002", "sub", tmp_path, index, 60, "run")
    for packet in street.packets(1, start_wall=1000.0):
        empty.feed(packet)  # only the header reached the disk
    empty_id = empty.current_id
    _abandon(empty)
    torn_row = next(r for r in index.in_state("writing") if r.id == torn_id)
    torn_path = tmp_path / torn_row.path
    torn_path.write_bytes(torn_path.read_bytes()[:-500])  # torn mid-fragment

    report = recover(tmp_path, index, clips)

    assert index.in_state("writing") == []
    (row,) = index.overlapping("cam001", 0, 2000)
    assert row.id == torn_id and row.status == "recovered"
    assert ffprobe_errors(torn_path) == ""
    assert (row.sha256, row.bytes) == file_digest(torn_path)
    assert row.end_at is not None and 5.9 < row.end_at - row.start_at < 8.1
    assert index.overlapping("cam002", 0, 2000) == []
    assert report.deleted_segments and empty_id is not None
    assert not list((tmp_path / "segments" / "cam002").rglob("*.mp4"))


def test_unfinished_clips_are_failed_and_their_files_removed(
    tmp_path: Path, any_engine: Engine
) -> None:
    clips = ClipStore(any_engine)
    clips.create(NewClip("c1", "cam001", "sub", 1.0, 2.0, "clips/c1.mp4", "r", None, None, "me"))
    clip_temp(tmp_path, "c1").parent.mkdir(parents=True)
    clip_temp(tmp_path, "c1").write_bytes(b"half a clip")
    clip_file(tmp_path, "c1").write_bytes(b"renamed but not registered")
    (tmp_path / "clips" / ".stray.mp4.part").write_bytes(b"x")

    recover(tmp_path, SegmentIndex(any_engine), clips)

    row = clips.get("c1")
    assert row is not None and row.status == "failed" and "restart" in (row.error or "")
    assert clips.listed() == []
    assert sorted(p.name for p in (tmp_path / "clips").iterdir()) == []
