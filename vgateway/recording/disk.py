"""How full the recordings disk is, and whether an operator should be warned."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from vgateway.recording.settings import RecordingSettings


@dataclass(frozen=True)
class DiskStatus:
    path: str
    fs_total_bytes: int
    fs_free_bytes: int
    recordings_bytes: int
    quota_bytes: int | None
    level: str  # ok | warning | critical
    warnings: list[str] = field(default_factory=list)

    @property
    def quota_fraction(self) -> float | None:
        return self.recordings_bytes / self.quota_bytes if self.quota_bytes else None

    @property
    def fs_used_fraction(self) -> float:
        total = self.fs_total_bytes
        return (total - self.fs_free_bytes) / total if total else 0.0


def _gib(value: int) -> str:
    return f"{value / 2**30:.1f} GiB"


def disk_status(
    root: Path,
    recordings_bytes: int,
    settings: RecordingSettings,
    *,
    paused_cameras: int = 0,
    blocked: bool = False,
) -> DiskStatus:
    usage = shutil.disk_usage(root)
    warnings: list[str] = []
    critical = False
    quota = settings.disk_quota_bytes
    if quota:
        fraction = recordings_bytes / quota
        if fraction >= 1:
            critical = True
            warnings.append(
                f"recordings use {_gib(recordings_bytes)}, over the quota {_gib(quota)}"
            )
        elif fraction >= settings.warn_fraction:
            warnings.append(f"recordings use {fraction:.0%} of the quota {_gib(quota)}")
    used = (usage.total - usage.free) / usage.total if usage.total else 0.0
    if usage.free < settings.min_free_bytes:
        critical = True
        warnings.append(
            f"disk nearly full: {_gib(usage.free)} free, below the floor "
            f"{_gib(settings.min_free_bytes)}; oldest unheld footage is being deleted"
        )
    elif used >= settings.warn_fraction:
        warnings.append(f"disk {used:.0%} full ({_gib(usage.free)} free)")
    if paused_cameras:
        critical = True
        warnings.append(f"disk full: recording paused on {paused_cameras} camera(s)")
    if blocked:
        critical = True
        warnings.append("the disk budget is exceeded and all remaining footage is on hold")
    level = "critical" if critical else "warning" if warnings else "ok"
    return DiskStatus(
        path=str(root),
        fs_total_bytes=usage.total,
        fs_free_bytes=usage.free,
        recordings_bytes=recordings_bytes,
        quota_bytes=quota,
        level=level,
        warnings=warnings,
    )
