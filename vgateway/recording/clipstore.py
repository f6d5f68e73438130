"""Clip rows: a clip is `writing` while its job runs and `ready` only once its files are final."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from vgateway.recording.index import held
from vgateway.recording.tables import recording_clips

clips = recording_clips


@dataclass(frozen=True)
class ClipRow:
    id: str
    camera_id: str
    role: str
    status: str
    requested_start: float
    requested_end: float
    start_at: float | None
    end_at: float | None
    path: str
    bytes: int
    frames: int
    sha256: str | None
    manifest_sha256: str | None
    reason: str
    ticket_id: str | None
    event_id: str | None
    created_by: str
    created_at: float
    completed_at: float | None
    error: str | None


@dataclass(frozen=True)
class NewClip:
    id: str
    camera_id: str
    role: str
    requested_start: float
    requested_end: float
    path: str
    reason: str
    ticket_id: str | None
    event_id: str | None
    created_by: str


@dataclass(frozen=True)
class FinishedClip:
    start_at: float
    end_at: float
    size: int
    frames: int
    sha256: str
    manifest_sha256: str


def _clip(row: Any) -> ClipRow:
    return ClipRow(**{name: row._mapping[name] for name in ClipRow.__dataclass_fields__})


class ClipStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, new: NewClip) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(clips).values(**new.__dict__, status="writing", created_at=time.time())
            )

    def ready(self, clip_id: str, done: FinishedClip) -> None:
        """The one step that lists a clip: called after its files were renamed and synced."""
        with self.engine.begin() as conn:
            conn.execute(
                update(clips)
                .where(clips.c.id == clip_id)
                .values(
                    status="ready",
                    start_at=done.start_at,
                    end_at=done.end_at,
                    bytes=done.size,
                    frames=done.frames,
                    sha256=done.sha256,
                    manifest_sha256=done.manifest_sha256,
                    completed_at=time.time(),
                )
            )

    def fail(self, clip_id: str, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(clips)
                .where(clips.c.id == clip_id)
                .values(status="failed", error=error, completed_at=time.time())
            )

    def set_status(self, clip_id: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(clips).where(clips.c.id == clip_id).values(status=status))

    def get(self, clip_id: str) -> ClipRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(clips).where(clips.c.id == clip_id)).first()
            return _clip(row) if row is not None else None

    def in_state(self, status: str) -> list[ClipRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(clips).where(clips.c.status == status))
            return [_clip(r) for r in rows]

    def listed(
        self,
        *,
        camera_id: str | None = None,
        ticket_id: str | None = None,
        event_id: str | None = None,
        limit: int = 100,
    ) -> list[ClipRow]:
        query = select(clips).where(clips.c.status == "ready")
        if camera_id is not None:
            query = query.where(clips.c.camera_id == camera_id)
        if ticket_id is not None:
            query = query.where(clips.c.ticket_id == ticket_id)
        if event_id is not None:
            query = query.where(clips.c.event_id == event_id)
        query = query.order_by(clips.c.created_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_clip(r) for r in conn.execute(query)]

    def expired(self, created_before: float, now: float, limit: int = 100) -> list[ClipRow]:
        """Ready clips older than a cutoff that no active hold protects."""
        query = (
            select(clips)
            .where(
                clips.c.status == "ready",
                clips.c.created_at < created_before,
                ~held(clips.c.camera_id, clips.c.requested_start, clips.c.requested_end, now),
            )
            .order_by(clips.c.created_at)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_clip(r) for r in conn.execute(query)]

    def delete(self, clip_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(clips).where(clips.c.id == clip_id))
