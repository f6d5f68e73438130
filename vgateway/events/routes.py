"""REST routes for events: query, one event, its snapshot, acknowledge; SSE live push."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from vgateway.errors import BadRequest, NotFound
from vgateway.events.access import current_user_name, visible_cameras
from vgateway.events.model import Event, EventMessage, EventState, Priority
from vgateway.events.service import EventService
from vgateway.events.store import EventQuery

router = APIRouter(prefix="/api/events", tags=["events"])
KEEPALIVE_S = 15.0

Visible = Annotated[frozenset[str] | None, Depends(visible_cameras)]


def get_event_service(request: Request) -> EventService:
    service: EventService = request.app.state.events
    return service


Service = Annotated[EventService, Depends(get_event_service)]


def parse_time(value: str | None, name: str) -> float | None:
    """Unix seconds or ISO 8601 (a time without zone is taken as the gateway's local time)."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise BadRequest(f"{name}: expected unix seconds or ISO 8601 time, got {value!r}") from None


def _check_visible(event: Event | None, visible: frozenset[str] | None, event_id: str) -> Event:
    # An event of a camera the caller may not see is answered like one that does not exist.
    if event is None or (visible is not None and event.camera_id not in visible):
        raise NotFound(f"no event {event_id!r}")
    return event


@router.get("", summary="Query events, newest first")
async def list_events(
    service: Service,
    visible: Visible,
    camera: str | None = None,
    town: str | None = None,
    rule: Annotated[str | None, Query(description="rule id or rule type")] = None,
    since: Annotated[str | None, Query(description="unix seconds or ISO 8601")] = None,
    until: str | None = None,
    state: EventState | None = None,
    priority: Annotated[Priority | None, Query(description="this priority or higher")] = None,
    acked: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Event]:
    query = EventQuery(
        camera=camera,
        town=town,
        rule=rule,
        state=state,
        priority=priority,
        since=parse_time(since, "since"),
        until=parse_time(until, "until"),
        acked=acked,
        cameras=visible,
        limit=limit,
    )
    return await service.query(query)


@router.get("/stream", summary="Live event changes (Server-Sent Events)")
async def stream(request: Request, service: Service, visible: Visible) -> StreamingResponse:
    queue = service.live.subscribe()

    async def frames() -> AsyncIterator[str]:
        # One pending get() that outlives each 1 s wait: on Python 3.11, wait_for() on
        # queue.get() can drop a message that arrives just as its timeout fires.
        getter: asyncio.Future[EventMessage] | None = None
        try:
            yield "retry: 3000\n\n"
            last = time.monotonic()
            while not await request.is_disconnected():
                if getter is None:
                    getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait((getter,), timeout=1.0)
                if not done:
                    if time.monotonic() - last >= KEEPALIVE_S:
                        last = time.monotonic()
                        yield ": keepalive\n\n"
                    continue
                message, getter = getter.result(), None
                if visible is not None and message.event.camera_id not in visible:
                    continue
                last = time.monotonic()
                head = f"event: {message.kind}\nid: {message.event.id}\n"
                yield f"{head}data: {message.sse_data()}\n\n"
        finally:
            if getter is not None:
                getter.cancel()
            service.live.unsubscribe(queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(frames(), media_type="text/event-stream", headers=headers)


@router.get("/{event_id}", summary="One event")
async def get_event(event_id: str, service: Service, visible: Visible) -> Event:
    return _check_visible(await service.get(event_id), visible, event_id)


@router.get("/{event_id}/snapshot.jpg", summary="The event's best snapshot, boxes drawn")
async def snapshot(event_id: str, service: Service, visible: Visible) -> Response:
    _check_visible(await service.get(event_id), visible, event_id)
    jpeg = await service.snapshot(event_id)
    if jpeg is None:
        raise NotFound(f"event {event_id!r} has no snapshot")
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "max-age=60"})


@router.post("/{event_id}/ack", summary="Acknowledge an event (records who and when)")
async def ack(
    event_id: str,
    service: Service,
    visible: Visible,
    user: Annotated[str, Depends(current_user_name)],
) -> Event:
    _check_visible(await service.get(event_id), visible, event_id)
    event = await service.ack(event_id, user)
    return _check_visible(event, visible, event_id)
