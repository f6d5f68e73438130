"""Request and response models of the recording API. Times are unix seconds (UTC) unless the
field name ends in `_utc`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from vgateway.recording.clipstore import ClipRow
from vgateway.recording.jobs import ClipJob


def parse_instant(value: object) -> float:
    """Unix seconds, or ISO 8601 (a time without zone is the gateway's local time, as in the
    events API)."""
    if isinstance(value, bool):
        raise ValueError("expected unix seconds or an ISO 8601 time")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise ValueError(f"expected unix seconds or an ISO 8601 time, got {value!r}")


Instant = Annotated[float, BeforeValidator(parse_instant)]


class ClipIn(BaseModel):
    camera_id: str = Field(description="Camera id, e.g. cam001.")
    start: Instant = Field(description="Start of the range: ISO 8601 or unix seconds.")
    end: Instant = Field(description="End of the range: ISO 8601 or unix seconds.")
    reason: str = Field(min_length=1, max_length=2000, description="Why the clip is made.")
    ticket_id: str | None = Field(default=None, max_length=64)
    event_id: str | None = Field(default=None, max_length=64)
    pre_roll_s: float = Field(default=0, ge=0, le=300, description="Added before start.")
    post_roll_s: float = Field(default=0, ge=0, le=600, description="Added after end.")


class JobOut(BaseModel):
    job_id: str
    clip_id: str
    camera_id: str
    status: str = Field(description="waiting (for the post-roll), writing, ready or failed")
    progress: float = Field(description="0..1 within the current status")
    start: float
    end: float
    error: str | None = None
    note: str | None = None
    clip_url: str | None = Field(description="metadata of the finished clip")

    @classmethod
    def of(cls, job: ClipJob) -> JobOut:
        ready = job.status == "ready"
        return cls(
            job_id=job.id,
            clip_id=job.id,
            camera_id=job.camera_id,
            status=job.status.value,
            progress=round(job.progress, 3),
            start=job.start,
            end=job.end,
            error=job.error,
            note=job.note,
            clip_url=f"/api/recording/clips/{job.id}" if ready else None,
        )


class ClipOut(BaseModel):
    id: str
    camera_id: str
    stream: str
    status: str
    requested_start: float
    requested_end: float
    first_frame: float | None
    last_frame: float | None
    bytes: int
    frames: int
    sha256: str | None
    reason: str
    ticket_id: str | None
    event_id: str | None
    created_by: str
    created_at: float
    error: str | None
    file_url: str
    manifest_url: str
    signature_url: str

    @classmethod
    def of(cls, row: ClipRow) -> ClipOut:
        base = f"/api/recording/clips/{row.id}"
        return cls(
            id=row.id,
            camera_id=row.camera_id,
            stream=row.role,
            status=row.status,
            requested_start=row.requested_start,
            requested_end=row.requested_end,
            first_frame=row.start_at,
            last_frame=row.end_at,
            bytes=row.bytes,
            frames=row.frames,
            sha256=row.sha256,
            reason=row.reason,
            ticket_id=row.ticket_id,
            event_id=row.event_id,
            created_by=row.created_by,
            created_at=row.created_at,
            error=row.error,
            file_url=f"{base}/file",
            manifest_url=f"{base}/manifest",
            signature_url=f"{base}/manifest.sig",
        )


class RangeOut(BaseModel):
    start: float
    end: float


class SegmentOut(BaseModel):
    id: int
    start: float
    end: float | None
    bytes: int
    status: str


class TimelineOut(BaseModel):
    camera_id: str
    start: float
    end: float
    recorded: list[RangeOut] = Field(description="Contiguous recorded ranges, merged")
    gaps: list[RangeOut] = Field(description="Parts of [start, end] with no footage on disk")
    buffered: RangeOut | None = Field(description="What the in-memory pre-roll buffer holds")
    segments: list[SegmentOut]


class DiskOut(BaseModel):
    path: str
    level: str = Field(description="ok, warning or critical")
    warnings: list[str]
    fs_total_bytes: int
    fs_free_bytes: int
    fs_used_fraction: float
    recordings_bytes: int
    quota_bytes: int | None
    quota_used_fraction: float | None


class CameraRecordingOut(BaseModel):
    camera_id: str
    mode: str
    stream: str
    writing: bool = Field(description="a segment is open right now")
    segments_written: int
    bytes_written: int
    errors: int
    last_error: str | None
    disk_full: bool
    buffer_seconds: float
    buffer_bytes: int
    last_packet_at: float | None


class RecordingStatusOut(BaseModel):
    level: str
    warnings: list[str]
    disk: DiskOut
    checked_at: float
    clip_jobs_running: int
    last_retention: dict[str, int | bool]
    cameras: list[CameraRecordingOut]
