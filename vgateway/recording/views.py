"""Read models for the API: the recording status and a camera's recorded timeline."""

from __future__ import annotations

import time

from vgateway.recording.schemas import (
    CameraRecordingOut,
    DiskOut,
    RangeOut,
    RecordingStatusOut,
    SegmentOut,
    TimelineOut,
)
from vgateway.recording.service import RecordingService

MERGE_GAP_S = 1.5  # segments closer than this are one recorded range (cut at keyframes)


def recording_status(service: RecordingService) -> RecordingStatusOut:
    last = service.last
    if last is None:
        raise RuntimeError("recording has not started")
    disk = last.disk
    cameras = []
    warnings = list(disk.warnings)
    for camera_id, plan in service.plans.items():
        recorder = service.recorders.get(camera_id)
        stats = recorder.segments.stats if recorder and recorder.segments else None
        buffer = recorder.buffer.stats() if recorder else None
        if stats and stats.last_error and stats.errors:
            warnings.append(f"camera {camera_id}: {stats.last_error}")
        cameras.append(
            CameraRecordingOut(
                camera_id=camera_id,
                mode=plan.mode.value,
                stream=plan.role,
                writing=bool(stats and stats.current_start is not None),
                segments_written=stats.segments if stats else 0,
                bytes_written=stats.bytes if stats else 0,
                errors=stats.errors if stats else 0,
                last_error=stats.last_error if stats else None,
                disk_full=bool(stats and stats.disk_full),
                buffer_seconds=round(buffer.seconds, 2) if buffer else 0.0,
                buffer_bytes=buffer.bytes if buffer else 0,
                last_packet_at=buffer.newest if buffer else None,
            )
        )
    level = disk.level if disk.level != "ok" or len(warnings) == len(disk.warnings) else "warning"
    report = last.retention
    return RecordingStatusOut(
        level=level,
        warnings=warnings,
        disk=DiskOut(
            path=disk.path,
            level=disk.level,
            warnings=disk.warnings,
            fs_total_bytes=disk.fs_total_bytes,
            fs_free_bytes=disk.fs_free_bytes,
            fs_used_fraction=round(disk.fs_used_fraction, 4),
            recordings_bytes=disk.recordings_bytes,
            quota_bytes=disk.quota_bytes,
            quota_used_fraction=(
                round(disk.quota_fraction, 4) if disk.quota_fraction is not None else None
            ),
        ),
        checked_at=last.at,
        clip_jobs_running=len(service.clips.jobs.running()),
        last_retention={
            "deleted_segments": report.deleted_segments,
            "deleted_clips": report.deleted_clips,
            "freed_bytes": report.freed_bytes,
            "blocked": report.blocked,
        },
        cameras=cameras,
    )


def camera_timeline(
    service: RecordingService, camera_id: str, start: float, end: float
) -> TimelineOut:
    """Recorded ranges and gaps of one camera in [start, end] (blocking: one query)."""
    rows = service.index.overlapping(camera_id, start, end, include_writing=True)
    recorder = service.recorders.get(camera_id)
    live_end = None
    if recorder and recorder.segments and recorder.segments.stats.last_packet_at:
        live_end = recorder.segments.stats.last_packet_at
    segments = []
    ranges: list[list[float]] = []
    for row in rows:
        row_end = row.end_at
        if row_end is None:
            current = recorder.segments.current_id if recorder and recorder.segments else None
            row_end = live_end if row.id == current and live_end else row.start_at
        segments.append(
            SegmentOut(
                id=row.id, start=row.start_at, end=row.end_at, bytes=row.bytes, status=row.status
            )
        )
        lo, hi = max(row.start_at, start), min(row_end, end)
        if hi <= lo:
            continue
        if ranges and lo - ranges[-1][1] <= MERGE_GAP_S:
            ranges[-1][1] = max(ranges[-1][1], hi)
        else:
            ranges.append([lo, hi])
    gaps = []
    cursor = start
    for lo, hi in ranges:
        if lo - cursor > MERGE_GAP_S:
            gaps.append(RangeOut(start=cursor, end=lo))
        cursor = max(cursor, hi)
    horizon = min(end, time.time())
    if horizon - cursor > MERGE_GAP_S:
        gaps.append(RangeOut(start=cursor, end=horizon))
    buffered = None
    if recorder is not None:
        stats = recorder.buffer.stats()
        if stats.oldest is not None and stats.newest is not None:
            buffered = RangeOut(start=stats.oldest, end=stats.newest)
    return TimelineOut(
        camera_id=camera_id,
        start=start,
        end=end,
        recorded=[RangeOut(start=lo, end=hi) for lo, hi in ranges],
        gaps=gaps,
        buffered=buffered,
        segments=segments,
    )
