"""Retention: delete old footage by age and by disk budget, oldest unheld first.

Segments past their camera's `retention_days` go first; then, while the recordings exceed the
quota or the file system has less than `min_free_bytes` free, the oldest remaining segments of
any camera. A segment or clip overlapping an active hold is never deleted. Deletion marks the
rows `deleting` before unlinking, so a crash in between is finished at the next start.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vgateway.recording.clipstore import ClipStore
from vgateway.recording.index import SegmentIndex, SegmentRow
from vgateway.recording.paths import clip_files
from vgateway.recording.settings import RecordingSettings

log = logging.getLogger(__name__)

DAY = 86400.0
BATCH = 200
HEADROOM = 0.05  # free this much below the quota, so deletion does not run on every segment


@dataclass
class RetentionReport:
    deleted_segments: int = 0
    deleted_clips: int = 0
    freed_bytes: int = 0
    # the budget is exceeded but everything left is held (or in use): nothing more may go
    blocked: bool = False
    reasons: list[str] = field(default_factory=list)


class Retention:
    def __init__(
        self,
        root: Path,
        index: SegmentIndex,
        clips: ClipStore,
        settings: RecordingSettings,
        retention_days: Mapping[str, float],
        in_use: Callable[[], set[str]],
    ) -> None:
        self.root = root
        self.index = index
        self.clips = clips
        self.settings = settings
        self.retention_days = retention_days  # per camera; others use the default
        self.in_use = in_use

    def run(self, now: float) -> RetentionReport:
        report = RetentionReport()
        self._by_age(now, report)
        self._clips_by_age(now, report)
        self._by_budget(now, report)
        if report.deleted_segments or report.deleted_clips:
            log.info(
                "retention: deleted %d segments and %d clips, %.1f MiB freed (%s)",
                report.deleted_segments,
                report.deleted_clips,
                report.freed_bytes / 2**20,
                ", ".join(report.reasons),
            )
        return report

    def _by_age(self, now: float, report: RetentionReport) -> None:
        default = self.settings.retention_days
        cameras = {c: d for c, d in self.retention_days.items() if d != default}
        groups: list[tuple[str | None, float]] = [(None, default), *cameras.items()]
        for camera_id, days in groups:
            cutoff = now - days * DAY
            exclude = list(cameras) if camera_id is None else []
            while True:
                rows = self.index.deletable(
                    now, camera_id=camera_id, ended_before=cutoff, exclude=exclude
                )
                if not self._delete(rows, report, "age"):
                    break

    def _clips_by_age(self, now: float, report: RetentionReport) -> None:
        days = self.settings.clip_retention_days
        if days is None:
            return
        for clip in self.clips.expired(now - days * DAY, now):
            self.clips.set_status(clip.id, "deleting")
            for path in clip_files(self.root, clip.id):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            self.clips.delete(clip.id)
            report.deleted_clips += 1
            report.freed_bytes += clip.bytes

    def excess_bytes(self) -> int:
        """How much must go to get under the quota and above the free-space floor."""
        used = sum(self.index.usage_bytes().values())
        excess = 0
        quota = self.settings.disk_quota_bytes
        if quota is not None and used > quota:
            excess = used - int(quota * (1 - HEADROOM))
        free = shutil.disk_usage(self.root).free
        if free < self.settings.min_free_bytes:
            excess = max(excess, self.settings.min_free_bytes - free)
        return excess

    def _by_budget(self, now: float, report: RetentionReport) -> None:
        excess = self.excess_bytes()
        while excess > 0:
            rows = self.index.deletable(now, limit=BATCH)
            chosen: list[SegmentRow] = []
            for row in rows:
                if excess <= 0:
                    break
                chosen.append(row)
                excess -= row.bytes
            if not self._delete(chosen, report, "disk budget"):
                report.blocked = True
                log.warning(
                    "recording disk budget exceeded but every remaining segment is held or in "
                    "use: nothing more can be deleted"
                )
                return

    def _delete(self, rows: list[SegmentRow], report: RetentionReport, reason: str) -> bool:
        busy = self.in_use()
        rows = [r for r in rows if r.path not in busy]
        if not rows:
            return False
        ids = [r.id for r in rows]
        self.index.mark_deleting(ids)
        for row in rows:
            with contextlib.suppress(FileNotFoundError):
                (self.root / row.path).unlink()
        self.index.forget(ids)
        report.deleted_segments += len(rows)
        report.freed_bytes += sum(r.bytes for r in rows)
        if reason not in report.reasons:
            report.reasons.append(reason)
        return True
