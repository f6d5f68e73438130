"""Reads and writes events in the main database. Blocking: call it from a worker thread."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, and_, insert, select, update

from vgateway.events.model import PRIORITY_LEVEL, Event, EventMessage, EventState, Priority
from vgateway.events.tables import event_snapshots, events


@dataclass(frozen=True)
class EventQuery:
    """Filters of `GET /api/events`; None means no filter."""

    camera: str | None = None
    town: str | None = None
    rule: str | None = None
    state: EventState | None = None
    priority: Priority | None = None  # this priority or higher
    since: float | None = None
    until: float | None = None
    acked: bool | None = None
    cameras: Collection[str] | None = None  # the caller may see only these
    limit: int = 100


def _row(event: Event) -> dict[str, object]:
    return {
        "camera_id": event.camera_id,
        "town": event.town,
        "rule_id": event.rule_id,
        "rule_type": event.rule_type,
        "priority": event.priority,
        "priority_level": PRIORITY_LEVEL[event.priority],
        "state": event.state,
        "started_at": event.started_at,
        "updated_at": event.updated_at,
        "acked_at": event.acked_at,
        "acked_by": event.acked_by,
        "body": event.model_dump_json(),
    }


class EventStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, message: EventMessage) -> Event:
        """Insert or update the event (an ack already recorded is kept); returns what is stored."""
        event = message.event
        with self._engine.begin() as conn:
            stored = conn.execute(
                select(events.c.acked_by, events.c.acked_at).where(events.c.id == event.id)
            ).first()
            if stored is not None and stored.acked_by is not None and message.kind != "ack":
                event = event.model_copy(
                    update={"acked_by": stored.acked_by, "acked_at": stored.acked_at}
                )
            if stored is None:
                conn.execute(insert(events).values(id=event.id, **_row(event)))
            else:
                conn.execute(update(events).where(events.c.id == event.id).values(**_row(event)))
            if message.snapshot:
                exists = conn.execute(
                    select(event_snapshots.c.event_id).where(event_snapshots.c.event_id == event.id)
                ).first()
                values = {"jpeg": message.snapshot, "updated_at": event.updated_at}
                if exists is None:
                    conn.execute(insert(event_snapshots).values(event_id=event.id, **values))
                else:
                    conn.execute(
                        update(event_snapshots)
                        .where(event_snapshots.c.event_id == event.id)
                        .values(**values)
                    )
        return event

    def get(self, event_id: str) -> Event | None:
        with self._engine.connect() as conn:
            body = conn.execute(select(events.c.body).where(events.c.id == event_id)).scalar()
        return None if body is None else Event.model_validate_json(body)

    def snapshot(self, event_id: str) -> bytes | None:
        with self._engine.connect() as conn:
            jpeg = conn.execute(
                select(event_snapshots.c.jpeg).where(event_snapshots.c.event_id == event_id)
            ).scalar()
        return None if jpeg is None else bytes(jpeg)

    def query(self, q: EventQuery) -> list[Event]:
        """Newest first."""
        c = events.c
        where = []
        if q.camera is not None:
            where.append(c.camera_id == q.camera)
        if q.town is not None:
            where.append(c.town == q.town)
        if q.rule is not None:
            where.append((c.rule_id == q.rule) | (c.rule_type == q.rule))
        if q.state is not None:
            where.append(c.state == q.state)
        if q.priority is not None:
            where.append(c.priority_level >= PRIORITY_LEVEL[q.priority])
        if q.since is not None:
            where.append(c.started_at >= q.since)
        if q.until is not None:
            where.append(c.started_at < q.until)
        if q.acked is not None:
            where.append(c.acked_by.is_not(None) if q.acked else c.acked_by.is_(None))
        if q.cameras is not None:
            where.append(c.camera_id.in_(list(q.cameras)))
        stmt = select(c.body).order_by(c.started_at.desc()).limit(max(1, min(q.limit, 1000)))
        if where:
            stmt = stmt.where(and_(*where))
        with self._engine.connect() as conn:
            return [Event.model_validate_json(body) for body in conn.execute(stmt).scalars()]

    def ack(self, event_id: str, user: str, at: float | None = None) -> Event | None:
        """Record who acknowledged the event and when; the first acknowledgement stands."""
        event = self.get(event_id)
        if event is None:
            return None
        if event.acked_by is not None:
            return event
        event = event.model_copy(update={"acked_by": user, "acked_at": at or time.time()})
        self.save(EventMessage("ack", event))
        return event
