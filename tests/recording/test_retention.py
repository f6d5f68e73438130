"""Retention on the real index, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.recording.media import Footage
from vgateway.recording.clipstore import ClipStore
from vgateway.recording.index import SegmentIndex
from vgateway.recording.retention import DAY, Retention
from vgateway.recording.segmenter import SegmentRecorder
from vgateway.recording.settings import RecordingSettings

NOW = 1_900_000_000.0


def _record(root: Path, index: SegmentIndex, street: Footage, camera: str, start: float) -> None:
    recorder = SegmentRecorder(camera, "sub", root, index, 4, "run")
    for packet in street.packets(20, start_wall=start):
        recorder.feed(packet)
    recorder.close()


def _retention(root: Path, engine: Engine, **settings: object) -> Retention:
    values = {"min_free_bytes": 0, **settings}
    return Retention(
        root,
        SegmentIndex(engine),
        ClipStore(engine),
        RecordingSettings.model_validate(values),
        {"cam001": 7.0, "cam002": 30.0},
        set,
    )


def test_tiny_quota_deletes_oldest_unheld_and_keeps_held(
    tmp_path: Path, any_engine: Engine, street: Footage
) -> None:
    index = SegmentIndex(any_engine)
    _record(tmp_path, index, street, "cam001", NOW - 3600)
    _record(tmp_path, index, street, "cam002", NOW - 1800)
    rows = index.overlapping("cam001", 0, NOW) + index.overlapping("cam002", 0, NOW)
    total = sum(r.bytes for r in rows)
    held_row = rows[1]  # the second-oldest segment of cam001: under investigation
    index.add_hold(
        "cam001",
        held_row.start_at + 0.5,
        held_row.start_at + 1.0,
        reason="事故",
        created_by="me",
        ticket_id="T-1",
    )
    expired = index.add_hold("cam001", 0, NOW, reason="old case", created_by="me", until=NOW - 60)
    assert expired

    report = _retention(tmp_path, any_engine, disk_quota_bytes=total // 3).run(NOW)

    left = index.overlapping("cam001", 0, NOW) + index.overlapping("cam002", 0, NOW)
    assert held_row in left
    assert sum(r.bytes for r in left) <= total // 3 + held_row.bytes
    assert report.deleted_segments == len(rows) - len(left) and report.freed_bytes > 0
    # deleted oldest first: apart from the held one, what is left is newer than what went
    gone = [r for r in rows if r not in left]
    kept = [r for r in left if r != held_row]
    assert max(r.start_at for r in gone) <= min(r.start_at for r in kept)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.mp4")}
    assert on_disk == {r.path for r in left}
    assert index.in_state("deleting") == []


def test_age_uses_each_cameras_retention(
    tmp_path: Path, any_engine: Engine, street: Footage
) -> None:
    index = SegmentIndex(any_engine)
    _record(tmp_path, index, street, "cam001", NOW - 10 * DAY)
    _record(tmp_path, index, street, "cam002", NOW - 10 * DAY)
    _record(tmp_path, index, street, "cam003", NOW - 10 * DAY)  # default: 7 days
    _retention(tmp_path, any_engine).run(NOW)
    assert index.overlapping("cam001", 0, NOW) == []  # 7 days
    assert index.overlapping("cam002", 0, NOW) != []  # 30 days
    assert index.overlapping("cam003", 0, NOW) == []


def test_all_held_reports_blocked(tmp_path: Path, any_engine: Engine, street: Footage) -> None:
    index = SegmentIndex(any_engine)
    _record(tmp_path, index, street, "cam001", NOW - 3600)
    index.add_hold("cam001", 0, NOW, reason="案件", created_by="me")
    report = _retention(tmp_path, any_engine, disk_quota_bytes=1000).run(NOW)
    assert report.blocked and report.deleted_segments == 0
