"""The ticket record, its statuses and the transitions between them."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from vgateway.errors import GatewayError

Priority = Literal["low", "normal", "high", "critical"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "critical")


class TicketStatus(StrEnum):
    new = "new"
    dispatched = "dispatched"  # handed to the assigned department
    in_progress = "in_progress"
    resolved = "resolved"  # the department says it is fixed
    closed = "closed"  # checked and archived: final


class Source(StrEnum):
    event = "event"  # a detection
    hotline = "hotline"  # the 12345 platform
    manual = "manual"  # an operator
    live = "live"  # an operator flagging the live view ("record this")


OPEN = frozenset({TicketStatus.new, TicketStatus.dispatched, TicketStatus.in_progress})
DONE = frozenset({TicketStatus.resolved, TicketStatus.closed})

TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.new: frozenset(
        {TicketStatus.dispatched, TicketStatus.in_progress, TicketStatus.closed}
    ),
    TicketStatus.dispatched: frozenset(
        {TicketStatus.in_progress, TicketStatus.resolved, TicketStatus.new, TicketStatus.closed}
    ),
    TicketStatus.in_progress: frozenset({TicketStatus.resolved, TicketStatus.dispatched}),
    # reopened when the fix does not hold
    TicketStatus.resolved: frozenset({TicketStatus.closed, TicketStatus.in_progress}),
    TicketStatus.closed: frozenset(),
}
# Closing before anyone worked on it (false alarm, duplicate) must say why.
NEEDS_NOTE = {
    (TicketStatus.new, TicketStatus.closed),
    (TicketStatus.dispatched, TicketStatus.closed),
}


class TransitionError(GatewayError):
    """A status change the workflow does not allow; the message says which are allowed."""

    status = 409
    code = "invalid_transition"


class Conflict(GatewayError):
    """The ticket changed between reading and writing it (another operator): reload."""

    status = 409
    code = "conflict"


def check_transition(
    current: TicketStatus, target: TicketStatus, *, note: str | None, department: str | None
) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (final)"
        raise TransitionError(
            f"a {current.value} ticket cannot become {target.value} (allowed: {allowed})"
        )
    if (current, target) in NEEDS_NOTE and not (note and note.strip()):
        raise TransitionError(f"closing a {current.value} ticket needs a note saying why")
    if target is TicketStatus.dispatched and not department:
        raise TransitionError("dispatching needs a department")


def is_overdue(status: TicketStatus, deadline: float, now: float) -> bool:
    return status not in DONE and deadline < now


class Note(BaseModel):
    id: int
    at: float
    author: str
    kind: str = Field(description="note, status, event, clip or system")
    text: str
    status_from: TicketStatus | None = None
    status_to: TicketStatus | None = None


class LinkedEvent(BaseModel):
    event_id: str
    camera_id: str
    rule_id: str
    started_at: float


class LinkedClip(BaseModel):
    clip_id: str
    camera_id: str
    start: float
    end: float
    status: str = Field(description="pending (being written), ready or failed")
    error: str | None = None
    added_by: str
    added_at: float


class Ticket(BaseModel):
    id: str = Field(description="The ticket number, e.g. GD-20261126-0001.")
    category: str
    cameras: list[str]
    town: str | None
    grid: str | None
    location: str
    description: str
    source: Source
    source_ref: str | None
    rule_id: str | None
    priority: Priority
    deadline: float
    department: str | None
    status: TicketStatus
    overdue: bool = Field(description="Deadline passed and not resolved or closed.")
    created_by: str
    created_at: float
    updated_at: float
    resolved_at: float | None
    closed_at: float | None
    last_event_at: float | None


class TicketDetail(Ticket):
    notes: list[Note]
    events: list[LinkedEvent]
    clips: list[LinkedClip]
