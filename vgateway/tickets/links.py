"""Links of a ticket: the detections attached to it (and the dedup lookups over them) and the
clips made for it. Blocking: call from a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from vgateway.tickets import query
from vgateway.tickets.tables import ticket_clips, ticket_events, ticket_notes, tickets

__all__ = ["EventLink", "TicketLinks", "insert_note"]


@dataclass(frozen=True)
class EventLink:
    event_id: str
    camera_id: str
    rule_id: str
    started_at: float


def insert_note(
    conn: Connection, ticket_id: str, author: str, kind: str, text: str, at: float
) -> None:
    conn.execute(
        insert(ticket_notes).values(ticket_id=ticket_id, at=at, author=author, kind=kind, text=text)
    )


class TicketLinks:
    engine: Engine
    clock: Callable[[], float]

    def open_ticket_for(self, camera_id: str, rule_id: str, since: float) -> str | None:
        with self.engine.connect() as conn:
            return query.open_ticket_for(conn, camera_id, rule_id, since)

    def ticket_for_event(self, event_id: str) -> str | None:
        with self.engine.connect() as conn:
            return query.ticket_for_event(conn, event_id)

    def link_event(self, ticket_id: str, event: EventLink, *, author: str) -> bool:
        """Attach a detection (False if it was attached already); moves the dedup window."""
        now = self.clock()
        with self.engine.begin() as conn:
            if query.ticket_for_event(conn, event.event_id) is not None:
                return False
            conn.execute(
                insert(ticket_events).values(**event.__dict__, ticket_id=ticket_id, linked_at=now)
            )
            last = conn.execute(
                select(tickets.c.last_event_at).where(tickets.c.id == ticket_id)
            ).scalar()
            if last is None or event.started_at > last:
                conn.execute(
                    update(tickets)
                    .where(tickets.c.id == ticket_id)
                    .values(last_event_at=event.started_at, updated_at=now)
                )
            insert_note(
                conn,
                ticket_id,
                author,
                "event",
                f"detection {event.event_id} ({event.rule_id}) on {event.camera_id}",
                now,
            )
            return True

    def add_clip(
        self,
        ticket_id: str,
        clip_id: str,
        camera_id: str,
        start: float,
        end: float,
        *,
        added_by: str,
        hold_id: int | None,
        status: str = "pending",
    ) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                insert(ticket_clips).values(
                    ticket_id=ticket_id,
                    clip_id=clip_id,
                    camera_id=camera_id,
                    start_at=start,
                    end_at=end,
                    status=status,
                    hold_id=hold_id,
                    added_by=added_by,
                    added_at=now,
                )
            )
            insert_note(conn, ticket_id, added_by, "clip", f"clip {clip_id} of {camera_id}", now)

    def clip_done(self, ticket_id: str, clip_id: str, status: str, error: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(ticket_clips)
                .where(ticket_clips.c.ticket_id == ticket_id, ticket_clips.c.clip_id == clip_id)
                .values(status=status, error=error)
            )
            if error:
                insert_note(
                    conn,
                    ticket_id,
                    "system",
                    "clip",
                    f"clip {clip_id} failed: {error}",
                    self.clock(),
                )

    def pending_clips(self) -> list[tuple[str, str]]:
        c = ticket_clips.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.ticket_id, c.clip_id).where(c.status == "pending"))
            return [(str(a), str(b)) for a, b in rows]
