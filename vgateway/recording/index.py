"""The segment index and holds: every query recording makes about footage on disk."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from vgateway.recording.tables import recording_clips, recording_holds, recording_segments

seg = recording_segments
hold = recording_holds
LISTED = ("complete", "recovered")  # segments whose file is whole and may be read


@dataclass(frozen=True)
class SegmentRow:
    id: int
    camera_id: str
    role: str
    status: str
    start_at: float
    end_at: float | None
    path: str
    bytes: int
    frames: int
    sha256: str | None
    timeline: str
    ts_origin: int
    time_base: str
    codec: str
    width: int
    height: int
    error: str | None


@dataclass(frozen=True)
class NewSegment:
    camera_id: str
    role: str
    start_at: float
    path: str
    timeline: str
    ts_origin: int
    time_base: str
    codec: str
    width: int
    height: int


@dataclass(frozen=True)
class Hold:
    id: int
    camera_id: str
    start_at: float
    end_at: float
    reason: str
    ticket_id: str | None
    until: float | None
    created_by: str
    created_at: float


def _segment(row: Any) -> SegmentRow:
    return SegmentRow(**{name: row._mapping[name] for name in SegmentRow.__dataclass_fields__})


def held(camera: Any, start: Any, end: Any, now: float) -> ColumnElement[bool]:
    """SQL condition: an active hold of the same camera overlaps [start, end]."""
    return exists().where(
        hold.c.camera_id == camera,
        hold.c.start_at < end,
        hold.c.end_at > start,
        or_(hold.c.until.is_(None), hold.c.until > now),
    )


class SegmentIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- the writer's side ---------------------------------------------------------------------
    def begin(self, new: NewSegment) -> int:
        """Register a segment about to be written (status `writing`); returns its id."""
        values = {**new.__dict__, "status": "writing", "created_at": time.time()}
        with self.engine.begin() as conn:
            result = conn.execute(insert(seg).values(**values))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish(
        self,
        segment_id: int,
        *,
        end_at: float,
        size: int,
        frames: int,
        sha256: str,
        status: str = "complete",
        error: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(seg)
                .where(seg.c.id == segment_id)
                .values(
                    status=status,
                    end_at=end_at,
                    bytes=size,
                    frames=frames,
                    sha256=sha256,
                    error=error,
                )
            )

    def forget(self, segment_ids: Sequence[int]) -> None:
        """Remove rows (after their files are gone)."""
        if segment_ids:
            with self.engine.begin() as conn:
                conn.execute(delete(seg).where(seg.c.id.in_(list(segment_ids))))

    def mark_deleting(self, segment_ids: Sequence[int]) -> None:
        """First step of deletion: a crash after it finishes the deletion at start-up."""
        if segment_ids:
            with self.engine.begin() as conn:
                conn.execute(
                    update(seg).where(seg.c.id.in_(list(segment_ids))).values(status="deleting")
                )

    # -- readers -------------------------------------------------------------------------------
    def in_state(self, status: str) -> list[SegmentRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(seg).where(seg.c.status == status).order_by(seg.c.id))
            return [_segment(r) for r in rows]

    def overlapping(
        self, camera_id: str, start: float, end: float, *, include_writing: bool = False
    ) -> list[SegmentRow]:
        """Readable segments of a camera that overlap [start, end], oldest first."""
        statuses = (*LISTED, "writing") if include_writing else LISTED
        cond = and_(
            seg.c.camera_id == camera_id,
            seg.c.status.in_(statuses),
            seg.c.start_at < end,
            or_(seg.c.end_at.is_(None), seg.c.end_at > start),
        )
        with self.engine.connect() as conn:
            rows = conn.execute(select(seg).where(cond).order_by(seg.c.start_at, seg.c.id))
            return [_segment(r) for r in rows]

    def usage_bytes(self) -> dict[str, int]:
        """Bytes on disk by camera, segments and ready clips together."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for table, states in ((seg, (*LISTED, "writing")), (recording_clips, ("ready",))):
                query = (
                    select(table.c.camera_id, func.coalesce(func.sum(table.c.bytes), 0))
                    .where(table.c.status.in_(states))
                    .group_by(table.c.camera_id)
                )
                for camera_id, total in conn.execute(query):
                    out[camera_id] = out.get(camera_id, 0) + int(total)
        return out

    def deletable(
        self,
        now: float,
        *,
        camera_id: str | None = None,
        ended_before: float | None = None,
        exclude: Sequence[str] = (),
        limit: int = 200,
    ) -> list[SegmentRow]:
        """Oldest finished segments that no active hold protects."""
        conds = [
            seg.c.status.in_(LISTED),
            ~held(seg.c.camera_id, seg.c.start_at, seg.c.end_at, now),
        ]
        if camera_id is not None:
            conds.append(seg.c.camera_id == camera_id)
        if ended_before is not None:
            conds.append(seg.c.end_at < ended_before)
        if exclude:
            conds.append(seg.c.camera_id.not_in(list(exclude)))
        query = select(seg).where(*conds).order_by(seg.c.start_at, seg.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [_segment(r) for r in conn.execute(query)]

    # -- holds ---------------------------------------------------------------------------------
    def add_hold(
        self,
        camera_id: str,
        start: float,
        end: float,
        *,
        reason: str,
        created_by: str,
        ticket_id: str | None = None,
        until: float | None = None,
    ) -> int:
        if end <= start:
            raise ValueError("a hold needs end > start")
        values = {
            "camera_id": camera_id,
            "start_at": start,
            "end_at": end,
            "reason": reason,
            "ticket_id": ticket_id,
            "until": until,
            "created_by": created_by,
            "created_at": time.time(),
        }
        with self.engine.begin() as conn:
            key = conn.execute(insert(hold).values(**values)).inserted_primary_key
            assert key is not None
            return int(key[0])

    def release_hold(self, hold_id: int) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(hold).where(hold.c.id == hold_id)).rowcount > 0

    def holds(
        self,
        *,
        camera_id: str | None = None,
        ticket_id: str | None = None,
        active_at: float | None = None,
    ) -> list[Hold]:
        query = select(hold).order_by(hold.c.start_at, hold.c.id)
        if camera_id is not None:
            query = query.where(hold.c.camera_id == camera_id)
        if ticket_id is not None:
            query = query.where(hold.c.ticket_id == ticket_id)
        if active_at is not None:
            query = query.where(or_(hold.c.until.is_(None), hold.c.until > active_at))
        with self.engine.connect() as conn:
            return [Hold(**dict(r._mapping)) for r in conn.execute(query)]

    def is_held(self, camera_id: str, start: float, end: float, now: float) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(select(held(camera_id, start, end, now))).scalar())
