"""Writing tickets. Every change appends to the timeline and, in the same transaction, tells
the change hook (the 12345 outbox), so a change is never sent without being stored or stored
without being sent. Blocking: call from a worker thread."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from vgateway.errors import NotFound
from vgateway.tickets import query
from vgateway.tickets.links import TicketLinks, insert_note
from vgateway.tickets.model import (
    Conflict,
    Priority,
    Source,
    Ticket,
    TicketDetail,
    TicketStatus,
    check_transition,
)
from vgateway.tickets.numbers import allocate
from vgateway.tickets.tables import (
    ticket_cameras,
    ticket_notes,
    tickets,
)

# (connection, "ticket.created" | "ticket.updated" | "ticket.closed", ticket, acting user)
ChangeHook = Callable[[Connection, str, Ticket, str], None]
EDITABLE = ("category", "grid", "location", "description", "priority", "deadline", "department")


@dataclass(frozen=True)
class NewTicket:
    category: str
    cameras: tuple[str, ...]
    town: str | None
    location: str
    description: str
    source: Source
    priority: Priority
    deadline: float
    grid: str | None = None
    department: str | None = None
    source_ref: str | None = None
    rule_id: str | None = None
    last_event_at: float | None = None


class TicketStore(TicketLinks):
    def __init__(
        self,
        engine: Engine,
        *,
        prefix: str = "GD",
        timezone: str = "Asia/Shanghai",
        on_change: ChangeHook | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.prefix = prefix
        self.timezone = timezone
        self.on_change = on_change
        self.clock = clock

    # -- reads ---------------------------------------------------------------------------------
    def get(self, ticket_id: str) -> Ticket | None:
        with self.engine.connect() as conn:
            return query.get_ticket(conn, ticket_id, self.clock())

    def detail(self, ticket_id: str) -> TicketDetail | None:
        with self.engine.connect() as conn:
            return query.get_detail(conn, ticket_id, self.clock())

    def find(self, filters: query.TicketQuery) -> list[Ticket]:
        with self.engine.connect() as conn:
            return query.list_tickets(conn, filters, self.clock())

    # -- writes --------------------------------------------------------------------------------
    def create(self, new: NewTicket, *, author: str, note: str | None = None) -> Ticket:
        now = self.clock()
        with self.engine.begin() as conn:
            number = allocate(conn, self.prefix, now, self.timezone)
            values = {k: v for k, v in new.__dict__.items() if k != "cameras"}
            values["source"] = new.source.value
            conn.execute(
                insert(tickets).values(
                    **values,
                    id=number,
                    status=TicketStatus.new.value,
                    created_by=author,
                    created_at=now,
                    updated_at=now,
                )
            )
            for camera_id in dict.fromkeys(new.cameras):
                conn.execute(insert(ticket_cameras).values(ticket_id=number, camera_id=camera_id))
            insert_note(
                conn, number, author, "system", note or f"created ({new.source.value})", now
            )
            return self._changed(conn, number, "ticket.created", author, now)

    def transition(
        self,
        ticket_id: str,
        target: TicketStatus,
        *,
        author: str,
        note: str | None = None,
        department: str | None = None,
    ) -> Ticket:
        now = self.clock()
        with self.engine.begin() as conn:
            current = self._require(conn, ticket_id)
            department = department or current.department
            check_transition(current.status, target, note=note, department=department)
            stamps: dict[str, Any] = {"status": target.value, "updated_at": now}
            if department != current.department:
                stamps["department"] = department
            if target is TicketStatus.resolved:
                stamps["resolved_at"] = now
            elif target is TicketStatus.closed:
                stamps["closed_at"] = now
            elif current.status is TicketStatus.resolved:  # reopened
                stamps["resolved_at"] = None
            done = conn.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.status == current.status.value)
                .values(**stamps)
            )
            if done.rowcount != 1:
                raise Conflict(f"ticket {ticket_id} changed meanwhile: reload and try again")
            text = f"{current.status.value} → {target.value}"
            if department and department != current.department:
                text += f" ({department})"
            if note:
                text += f": {note}"
            conn.execute(
                insert(ticket_notes).values(
                    ticket_id=ticket_id,
                    at=now,
                    author=author,
                    kind="status",
                    text=text,
                    status_from=current.status.value,
                    status_to=target.value,
                )
            )
            kind = "ticket.closed" if target is TicketStatus.closed else "ticket.updated"
            return self._changed(conn, ticket_id, kind, author, now)

    def edit(self, ticket_id: str, fields: Mapping[str, Any], *, author: str) -> Ticket:
        """Change descriptive fields (not the status); the timeline lists what changed."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        now = self.clock()
        with self.engine.begin() as conn:
            current = self._require(conn, ticket_id)
            changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
            if not changed:
                return current
            conn.execute(
                update(tickets).where(tickets.c.id == ticket_id).values(**changed, updated_at=now)
            )
            text = "; ".join(f"{k}: {getattr(current, k)} → {v}" for k, v in changed.items())
            insert_note(conn, ticket_id, author, "system", text, now)
            return self._changed(conn, ticket_id, "ticket.updated", author, now)

    def add_note(
        self, ticket_id: str, author: str, text: str, *, kind: str = "note", notify: bool = True
    ) -> Ticket:
        now = self.clock()
        with self.engine.begin() as conn:
            self._require(conn, ticket_id)
            insert_note(conn, ticket_id, author, kind, text, now)
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(updated_at=now))
            if notify:
                return self._changed(conn, ticket_id, "ticket.updated", author, now)
            ticket = query.get_ticket(conn, ticket_id, now)
            assert ticket is not None
            return ticket

    def camera_ids(self, ticket_ids: Sequence[str]) -> dict[str, list[str]]:
        with self.engine.connect() as conn:
            return query.cameras_of(conn, list(ticket_ids))

    # -- helpers -------------------------------------------------------------------------------
    def _require(self, conn: Connection, ticket_id: str) -> Ticket:
        ticket = query.get_ticket(conn, ticket_id, self.clock())
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id!r}")
        return ticket

    def _changed(
        self, conn: Connection, ticket_id: str, kind: str, author: str, now: float
    ) -> Ticket:
        ticket = query.get_ticket(conn, ticket_id, now)
        assert ticket is not None
        if self.on_change is not None:
            self.on_change(conn, kind, ticket, author)
        return ticket
