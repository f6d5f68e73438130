"""Reading tickets: one with its timeline, events and clips, or a filtered page of them.

Functions take a Connection so that writers can read back inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
    false,
    not_,
    or_,
    select,
    true,
)

from vgateway.tickets.model import (
    DONE,
    LinkedClip,
    LinkedEvent,
    Note,
    Ticket,
    TicketDetail,
    TicketStatus,
    is_overdue,
)
from vgateway.tickets.tables import (
    ticket_cameras,
    ticket_clips,
    ticket_events,
    ticket_notes,
    tickets,
)

t = tickets.c
tc = ticket_cameras.c


@dataclass(frozen=True)
class Visibility:
    """Which tickets a caller may see: those whose every camera is in `cameras` (None: all),
    camera-less ones of `town`, and `ticket_ids` whatever their cameras (investigators)."""

    cameras: frozenset[str] | None
    town: str | None = None
    ticket_ids: frozenset[str] = frozenset()

    def condition(self) -> ColumnElement[bool]:
        if self.cameras is None:
            return true()
        outside = exists().where(tc.ticket_id == t.id, tc.camera_id.not_in(list(self.cameras)))
        any_camera = exists().where(tc.ticket_id == t.id)
        own_town = t.town == self.town if self.town is not None else false()
        seen = and_(not_(outside), or_(any_camera, own_town))
        if self.ticket_ids:
            return or_(t.id.in_(list(self.ticket_ids)), seen)
        return seen

    def sees(self, ticket: Ticket) -> bool:
        if self.cameras is None or ticket.id in self.ticket_ids:
            return True
        if ticket.cameras:
            return all(c in self.cameras for c in ticket.cameras)
        return self.town is not None and ticket.town == self.town


EVERYTHING = Visibility(cameras=None)


@dataclass(frozen=True)
class TicketQuery:
    """Filters of GET /api/tickets; None means no filter. Newest first."""

    statuses: Collection[TicketStatus] | None = None
    overdue: bool | None = None
    camera: str | None = None
    town: str | None = None
    grid: str | None = None
    category: str | None = None
    priority: str | None = None
    source: str | None = None
    department: str | None = None
    text: str | None = None
    since: float | None = None
    until: float | None = None
    visible: Visibility = EVERYTHING
    limit: int = 100
    offset: int = 0


def _conditions(query: TicketQuery, now: float) -> list[ColumnElement[bool]]:
    conds = [query.visible.condition()]
    if query.statuses is not None:
        conds.append(t.status.in_([s.value for s in query.statuses]))
    if query.overdue is not None:
        late = and_(t.deadline < now, t.status.not_in([s.value for s in DONE]))
        conds.append(late if query.overdue else not_(late))
    if query.camera is not None:
        conds.append(exists().where(tc.ticket_id == t.id, tc.camera_id == query.camera))
    for column, value in (
        (t.town, query.town),
        (t.grid, query.grid),
        (t.category, query.category),
        (t.priority, query.priority),
        (t.source, query.source),
        (t.department, query.department),
    ):
        if value is not None:
            conds.append(column == value)
    if query.text:
        pattern = f"%{query.text}%"
        conds.append(or_(t.id.like(pattern), t.description.like(pattern), t.location.like(pattern)))
    if query.since is not None:
        conds.append(t.created_at >= query.since)
    if query.until is not None:
        conds.append(t.created_at < query.until)
    return conds


def cameras_of(conn: Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        rows = conn.execute(
            select(tc.ticket_id, tc.camera_id)
            .where(tc.ticket_id.in_(list(ids)))
            .order_by(tc.ticket_id, tc.camera_id)
        )
        for ticket_id, camera_id in rows:
            out[ticket_id].append(camera_id)
    return out


def _ticket(row: Any, cameras: list[str], now: float) -> Ticket:
    values = dict(row._mapping)
    status = TicketStatus(values["status"])
    return Ticket(**values, cameras=cameras, overdue=is_overdue(status, values["deadline"], now))


def list_tickets(conn: Connection, query: TicketQuery, now: float) -> list[Ticket]:
    stmt = (
        select(tickets)
        .where(*_conditions(query, now))
        .order_by(t.created_at.desc(), t.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )
    rows = list(conn.execute(stmt))
    cameras = cameras_of(conn, [r.id for r in rows])
    return [_ticket(r, cameras[r.id], now) for r in rows]


def get_ticket(conn: Connection, ticket_id: str, now: float) -> Ticket | None:
    row = conn.execute(select(tickets).where(t.id == ticket_id)).first()
    if row is None:
        return None
    return _ticket(row, cameras_of(conn, [ticket_id])[ticket_id], now)


def get_detail(conn: Connection, ticket_id: str, now: float) -> TicketDetail | None:
    ticket = get_ticket(conn, ticket_id, now)
    if ticket is None:
        return None
    notes = conn.execute(
        select(ticket_notes)
        .where(ticket_notes.c.ticket_id == ticket_id)
        .order_by(ticket_notes.c.id)
    )
    events = conn.execute(
        select(ticket_events)
        .where(ticket_events.c.ticket_id == ticket_id)
        .order_by(ticket_events.c.started_at)
    )
    clips = conn.execute(
        select(ticket_clips)
        .where(ticket_clips.c.ticket_id == ticket_id)
        .order_by(ticket_clips.c.added_at)
    )
    return TicketDetail(
        **ticket.model_dump(),
        notes=[Note.model_validate(dict(r._mapping)) for r in notes],
        events=[LinkedEvent.model_validate(dict(r._mapping)) for r in events],
        clips=[
            LinkedClip(
                clip_id=r.clip_id,
                camera_id=r.camera_id,
                start=r.start_at,
                end=r.end_at,
                status=r.status,
                error=r.error,
                added_by=r.added_by,
                added_at=r.added_at,
            )
            for r in clips
        ],
    )


def open_ticket_for(conn: Connection, camera_id: str, rule_id: str, since: float) -> str | None:
    """An open ticket of this camera and rule with a detection linked at or after `since`."""
    stmt = (
        select(t.id)
        .where(
            t.rule_id == rule_id,
            t.status.not_in([s.value for s in DONE]),
            t.last_event_at >= since,
            exists().where(tc.ticket_id == t.id, tc.camera_id == camera_id),
        )
        .order_by(t.last_event_at.desc())
        .limit(1)
    )
    found = conn.execute(stmt).scalar()
    return str(found) if found is not None else None


def ticket_for_event(conn: Connection, event_id: str) -> str | None:
    found = conn.execute(
        select(ticket_events.c.ticket_id).where(ticket_events.c.event_id == event_id).limit(1)
    ).scalar()
    return str(found) if found is not None else None
