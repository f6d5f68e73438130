"""TicketService: the ticket feature's one object. Routes, the detection linker and the 12345
inbound API all change tickets through it; it keeps footage held and wakes the outbox."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from vgateway.config import NetworkConfig
from vgateway.errors import BadRequest, NotFound
from vgateway.tickets.footage import Captured, TicketFootage
from vgateway.tickets.model import Priority, Source, Ticket, TicketDetail, TicketStatus
from vgateway.tickets.query import TicketQuery
from vgateway.tickets.schemas import TicketEdit, TicketIn
from vgateway.tickets.settings import TicketSettings
from vgateway.tickets.store import NewTicket, TicketStore

HOUR_S = 3600.0


def _no_cases(case_ids: frozenset[str]) -> frozenset[str]:
    return frozenset()


class TicketService:
    def __init__(
        self,
        config: NetworkConfig,
        store: TicketStore,
        footage: TicketFootage,
        settings: TicketSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store
        self.footage = footage
        self.settings = settings
        self.clock = clock
        # set by the cases feature: ticket ids grouped in the given cases
        self.case_tickets: Callable[[frozenset[str]], frozenset[str]] = _no_cases
        # set when the 12345 sender runs: deliver a change now
        self.notify: Callable[[], None] = lambda: None

    def deadline_for(self, priority: Priority, now: float) -> float:
        return now + self.settings.deadline_hours[priority] * HOUR_S

    # -- reads ---------------------------------------------------------------------------------
    async def get(self, ticket_id: str) -> Ticket | None:
        return await asyncio.to_thread(self.store.get, ticket_id)

    async def detail(self, ticket_id: str) -> TicketDetail | None:
        return await asyncio.to_thread(self.store.detail, ticket_id)

    async def find(self, query: TicketQuery) -> list[Ticket]:
        return await asyncio.to_thread(self.store.find, query)

    # -- creation ------------------------------------------------------------------------------
    def new_ticket(
        self,
        spec: TicketIn,
        source: Source,
        *,
        source_ref: str | None = None,
        rule_id: str | None = None,
        last_event_at: float | None = None,
    ) -> NewTicket:
        """Fill defaults from the cameras and priority; BadRequest/NotFound for bad ids."""
        cameras = []
        for camera_id in spec.camera_ids:
            try:
                cameras.append(self.config.camera(camera_id))
            except KeyError:
                raise NotFound(f"no camera with id {camera_id!r}") from None
        town = spec.town or (cameras[0].town if cameras else None)
        if town is None:
            raise BadRequest("a ticket needs camera_ids or a town")
        try:
            self.config.town(town)
        except KeyError:
            raise BadRequest(f"town: no town with id {town!r}") from None
        location = spec.location or "；".join(dict.fromkeys(c.location for c in cameras))
        return NewTicket(
            category=spec.category,
            cameras=tuple(c.id for c in cameras),
            town=town,
            grid=spec.grid,
            location=location,
            description=spec.description,
            source=source,
            source_ref=source_ref,
            rule_id=rule_id,
            priority=spec.priority,
            deadline=spec.deadline or self.deadline_for(spec.priority, self.clock()),
            department=spec.department,
            last_event_at=last_event_at,
        )

    async def create(self, new: NewTicket, *, author: str, note: str | None = None) -> Ticket:
        ticket = await asyncio.to_thread(self.store.create, new, author=author, note=note)
        self.notify()
        return ticket

    async def from_live(
        self, spec: TicketIn, camera_id: str, seconds: float, *, author: str
    ) -> tuple[Ticket, Captured]:
        """'Record this': a ticket with the last `seconds` of the camera, clipped and held."""
        if seconds > self.settings.live_max_seconds:
            raise BadRequest(f"seconds: at most {self.settings.live_max_seconds:.0f}")
        now = self.clock()
        new = self.new_ticket(spec, Source.live)
        ticket = await self.create(
            new, author=author, note=f"flagged on the live view ({seconds:.0f} s)"
        )
        captured = await self.footage.capture(
            ticket.id, camera_id, now - seconds, now, by=author, reason=f"ticket {ticket.id}: live"
        )
        return ticket, captured

    # -- changes -------------------------------------------------------------------------------
    async def transition(
        self,
        ticket_id: str,
        target: TicketStatus,
        *,
        author: str,
        note: str | None = None,
        department: str | None = None,
    ) -> Ticket:
        ticket = await asyncio.to_thread(
            self.store.transition,
            ticket_id,
            target,
            author=author,
            note=note,
            department=department,
        )
        if target is TicketStatus.closed:
            await asyncio.to_thread(
                self.footage.release_on_close, ticket_id, ticket.closed_at or self.clock()
            )
        self.notify()
        return ticket

    async def edit(self, ticket_id: str, edit: TicketEdit, *, author: str) -> Ticket:
        fields: dict[str, Any] = edit.model_dump(exclude_unset=True, exclude_none=True)
        ticket = await asyncio.to_thread(self.store.edit, ticket_id, fields, author=author)
        self.notify()
        return ticket

    async def add_note(self, ticket_id: str, text: str, *, author: str) -> Ticket:
        ticket = await asyncio.to_thread(self.store.add_note, ticket_id, author, text)
        self.notify()
        return ticket

    async def attach_range(
        self, ticket_id: str, camera_id: str, start: float, end: float, *, author: str
    ) -> Captured:
        if end <= start:
            raise BadRequest("end must be after start")
        return await self.footage.capture(
            ticket_id, camera_id, start, end, by=author, reason=f"ticket {ticket_id}"
        )

    async def attach_clip(self, ticket_id: str, clip_id: str, *, author: str) -> None:
        await self.footage.link_existing(ticket_id, clip_id, author)
