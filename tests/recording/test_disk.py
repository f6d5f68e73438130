from __future__ import annotations

from pathlib import Path

from vgateway.recording.disk import disk_status
from vgateway.recording.settings import RecordingSettings


def test_levels_and_warnings(tmp_path: Path) -> None:
    quiet = RecordingSettings(min_free_bytes=0, disk_quota_bytes=1000)
    assert disk_status(tmp_path, 100, quiet).level == "ok"
    nearly = disk_status(tmp_path, 950, quiet)
    assert nearly.level == "warning" and "95% of the quota" in nearly.warnings[0]
    assert nearly.quota_fraction == 0.95
    over = disk_status(tmp_path, 1200, quiet)
    assert over.level == "critical" and "over the quota" in over.warnings[0]
    floor = RecordingSettings(min_free_bytes=2**62)  # more than any disk has free
    full = disk_status(tmp_path, 0, floor)
    assert full.level == "critical" and full.warnings[0].startswith("disk nearly full")
    paused = disk_status(tmp_path, 0, RecordingSettings(min_free_bytes=0), paused_cameras=3)
    assert paused.level == "critical" and "paused on 3 camera(s)" in paused.warnings[-1]
