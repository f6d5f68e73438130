"""The /api/tickets routes: list with filters, create (manual, from the live wall), one ticket
with its timeline, edit, status changes, notes, and footage for it."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.requests import HTTPConnection

from vgateway.auth.deps import AuthDep, PrincipalDep
from vgateway.auth.principal import Action
from vgateway.auth.service import client_address
from vgateway.errors import BadRequest
from vgateway.events.routes import parse_time
from vgateway.tickets.access import require_manage, require_visible, visibility
from vgateway.tickets.model import Priority, Source, Ticket, TicketDetail, TicketStatus
from vgateway.tickets.query import TicketQuery, Visibility
from vgateway.tickets.schemas import (
    ClipLinkIn,
    CreatedOut,
    FromLiveIn,
    NoteIn,
    StatusIn,
    TicketEdit,
    TicketIn,
)
from vgateway.tickets.service import TicketService

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


def get_tickets(conn: HTTPConnection) -> TicketService:
    service: TicketService = conn.app.state.tickets
    return service


Service = Annotated[TicketService, Depends(get_tickets)]


async def visible_tickets(principal: PrincipalDep, auth: AuthDep, service: Service) -> Visibility:
    return await asyncio.to_thread(visibility, auth, principal, service.case_tickets)


Visible = Annotated[Visibility, Depends(visible_tickets)]


async def _visible(service: TicketService, visible: Visibility, ticket_id: str) -> Ticket:
    return require_visible(visible, await service.get(ticket_id), ticket_id)


async def _manageable(
    request: Request,
    service: TicketService,
    visible: Visibility,
    principal: PrincipalDep,
    auth: AuthDep,
    ticket_id: str,
) -> Ticket:
    ticket = await _visible(service, visible, ticket_id)
    await asyncio.to_thread(
        require_manage, auth, principal, ticket.cameras, ticket.town, client_address(request)
    )
    return ticket


@router.get("", response_model=list[Ticket], summary="Tickets, newest first")
async def list_tickets(
    service: Service,
    visible: Visible,
    status: Annotated[list[TicketStatus] | None, Query(description="any of these")] = None,
    overdue: bool | None = None,
    camera: str | None = None,
    town: str | None = None,
    grid: str | None = None,
    category: str | None = None,
    priority: Priority | None = None,
    source: Source | None = None,
    department: str | None = None,
    q: Annotated[str | None, Query(description="text in number, description, location")] = None,
    since: Annotated[str | None, Query(description="created at or after (unix/ISO)")] = None,
    until: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Ticket]:
    query = TicketQuery(
        statuses=status,
        overdue=overdue,
        camera=camera,
        town=town,
        grid=grid,
        category=category,
        priority=priority,
        source=source.value if source else None,
        department=department,
        text=q,
        since=parse_time(since, "since"),
        until=parse_time(until, "until"),
        visible=visible,
        limit=limit,
        offset=offset,
    )
    return await service.find(query)


@router.post("", status_code=201, response_model=Ticket, summary="Create a ticket")
async def create_ticket(
    body: TicketIn, request: Request, service: Service, principal: PrincipalDep, auth: AuthDep
) -> Ticket:
    new = service.new_ticket(body, Source.manual)
    await asyncio.to_thread(
        require_manage, auth, principal, new.cameras, new.town, client_address(request)
    )
    return await service.create(new, author=principal.name)


@router.post(
    "/from-live",
    status_code=201,
    response_model=CreatedOut,
    summary="'Record this': a ticket with the last N seconds of a live camera",
)
async def from_live(
    body: FromLiveIn, request: Request, service: Service, principal: PrincipalDep, auth: AuthDep
) -> CreatedOut:
    address = client_address(request)

    def check() -> None:
        auth.check(principal, Action.view_live, body.camera_id, address=address)
        auth.check(principal, Action.manage_tickets, body.camera_id, address=address)

    await asyncio.to_thread(check)
    spec = TicketIn(
        category=body.category,
        camera_ids=[body.camera_id],
        description=body.description,
        priority=body.priority,
        grid=body.grid,
        department=body.department,
    )
    ticket, captured = await service.from_live(
        spec, body.camera_id, body.seconds, author=principal.name
    )
    return CreatedOut(ticket_id=ticket.id, clip_id=captured.clip_id, clip_error=captured.error)


@router.get("/{ticket_id}", response_model=TicketDetail, summary="A ticket and its timeline")
async def get_ticket(ticket_id: str, service: Service, visible: Visible) -> TicketDetail:
    detail = await service.detail(ticket_id)
    require_visible(visible, detail, ticket_id)
    assert detail is not None
    return detail


@router.patch("/{ticket_id}", response_model=Ticket, summary="Edit a ticket's fields")
async def edit_ticket(
    ticket_id: str,
    body: TicketEdit,
    request: Request,
    service: Service,
    visible: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
) -> Ticket:
    await _manageable(request, service, visible, principal, auth, ticket_id)
    return await service.edit(ticket_id, body, author=principal.name)


@router.post("/{ticket_id}/status", response_model=Ticket, summary="Change the status")
async def change_status(
    ticket_id: str,
    body: StatusIn,
    request: Request,
    service: Service,
    visible: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
) -> Ticket:
    await _manageable(request, service, visible, principal, auth, ticket_id)
    return await service.transition(
        ticket_id, body.status, author=principal.name, note=body.note, department=body.department
    )


@router.post("/{ticket_id}/notes", response_model=Ticket, summary="Add a note to the timeline")
async def add_note(
    ticket_id: str,
    body: NoteIn,
    request: Request,
    service: Service,
    visible: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
) -> Ticket:
    await _manageable(request, service, visible, principal, auth, ticket_id)
    return await service.add_note(ticket_id, body.text, author=principal.name)


@router.post(
    "/{ticket_id}/clips",
    status_code=202,
    response_model=CreatedOut,
    summary="Link footage: an existing clip, or a camera range to clip (held while open)",
)
async def link_clip(
    ticket_id: str,
    body: ClipLinkIn,
    request: Request,
    service: Service,
    visible: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
) -> CreatedOut:
    await _manageable(request, service, visible, principal, auth, ticket_id)
    address = client_address(request)
    if body.clip_id is not None:
        row = await service.footage.clip(body.clip_id)
        await asyncio.to_thread(
            auth.check, principal, Action.playback, row.camera_id, address=address
        )
        await service.attach_clip(ticket_id, body.clip_id, author=principal.name)
        return CreatedOut(ticket_id=ticket_id, clip_id=body.clip_id)
    if body.camera_id is None or body.start is None or body.end is None:
        raise BadRequest("give clip_id, or camera_id with start and end")
    camera_id = body.camera_id
    await asyncio.to_thread(auth.check, principal, Action.playback, camera_id, address=address)
    captured = await service.attach_range(
        ticket_id, camera_id, body.start, body.end, author=principal.name
    )
    return CreatedOut(ticket_id=ticket_id, clip_id=captured.clip_id, clip_error=captured.error)
