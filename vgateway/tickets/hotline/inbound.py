"""/api/hotline: the 12345 platform creates tickets, changes their status, adds notes, and asks
for footage of a camera and time range. Every call is HMAC-signed (see signing.py); calls that
change something need an Idempotency-Key, and a retry gets the first answer back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from vgateway.auth.deps import AuthDep
from vgateway.auth.principal import Action
from vgateway.errors import GatewayError, NotFound
from vgateway.recording import JobStatus
from vgateway.recording.clips import ClipOrder
from vgateway.recording.paths import clip_file, manifest_file, signature_file
from vgateway.recording.schemas import Instant
from vgateway.redact import redact_text
from vgateway.tickets.access import require_manage
from vgateway.tickets.hotline.link import (
    ACTOR,
    HotlineLink,
    SignedCall,
    b64,
    get_hotline,
    signed_call,
)
from vgateway.tickets.model import Source, Ticket, TicketStatus
from vgateway.tickets.routes import Service
from vgateway.tickets.schemas import NoteIn, StatusIn, TicketIn

router = APIRouter(prefix="/api/hotline", tags=["12345 hotline"])
Signed = Annotated[SignedCall, Depends(signed_call)]
Link = Annotated[HotlineLink, Depends(get_hotline)]


class HotlineTicketIn(TicketIn):
    external_id: str = Field(min_length=1, max_length=128, description="The 12345 order number.")


class FootageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camera_id: str
    start: Instant
    end: Instant
    reason: str = Field(min_length=1, max_length=2000)
    ticket_id: str | None = Field(default=None, description="Link to (and hold for) a ticket.")


class ClipIdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clip_id: str
    reason: str | None = Field(default=None, description="Required to download (audited).")


class FootageOut(BaseModel):
    clip_id: str
    camera_id: str
    status: str = Field(description="waiting, writing, ready or failed")
    progress: float = 0.0
    error: str | None = None
    manifest: dict[str, object] | None = Field(default=None, description="When ready.")
    signature_b64: str | None = None


async def _once(
    link: HotlineLink,
    call: SignedCall,
    endpoint: str,
    work: Callable[[], Awaitable[tuple[int, BaseModel]]],
) -> Response:
    """Run `work` once per idempotency key; a retry gets the stored answer."""
    key = call.require_key()
    stored = await asyncio.to_thread(link.requests.begin, key, endpoint, call.body)
    if stored is not None:
        return Response(
            stored.response,
            status_code=stored.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    try:
        status, model = await work()
        text = model.model_dump_json()
    except GatewayError as exc:
        if exc.status >= 500:
            await asyncio.to_thread(link.requests.release, key)
            raise
        status = exc.status
        text = json.dumps({"error": exc.code, "detail": redact_text(str(exc))}, ensure_ascii=False)
    except BaseException:
        await asyncio.to_thread(link.requests.release, key)
        raise
    await asyncio.to_thread(link.requests.finish, key, status, text)
    return Response(text, status_code=status, media_type="application/json")


async def _ticket(service: Service, ticket_id: str) -> Ticket:
    ticket = await service.get(ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id!r}")
    return ticket


@router.post("/tickets", status_code=201, summary="Create a ticket (12345 order)")
async def create(call: Signed, link: Link, service: Service, auth: AuthDep) -> Response:
    async def work() -> tuple[int, BaseModel]:
        body = call.parse(HotlineTicketIn)
        assert isinstance(body, HotlineTicketIn)
        spec = TicketIn(**body.model_dump(exclude={"external_id"}))
        new = service.new_ticket(spec, Source.hotline, source_ref=body.external_id)
        await asyncio.to_thread(require_manage, auth, call.principal, new.cameras, new.town)
        ticket = await service.create(new, author=ACTOR, note=f"12345 order {body.external_id}")
        return 201, ticket

    return await _once(link, call, "tickets", work)


@router.post("/tickets/{ticket_id}/status", summary="Change a ticket's status")
async def status(
    ticket_id: str, call: Signed, link: Link, service: Service, auth: AuthDep
) -> Response:
    async def work() -> tuple[int, BaseModel]:
        body = call.parse(StatusIn)
        assert isinstance(body, StatusIn)
        ticket = await _ticket(service, ticket_id)
        await asyncio.to_thread(require_manage, auth, call.principal, ticket.cameras, ticket.town)
        changed = await service.transition(
            ticket_id,
            TicketStatus(body.status),
            author=ACTOR,
            note=body.note,
            department=body.department,
        )
        return 200, changed

    return await _once(link, call, f"status:{ticket_id}", work)


@router.post("/tickets/{ticket_id}/notes", summary="Add a note to a ticket's timeline")
async def note(
    ticket_id: str, call: Signed, link: Link, service: Service, auth: AuthDep
) -> Response:
    async def work() -> tuple[int, BaseModel]:
        body = call.parse(NoteIn)
        assert isinstance(body, NoteIn)
        ticket = await _ticket(service, ticket_id)
        await asyncio.to_thread(require_manage, auth, call.principal, ticket.cameras, ticket.town)
        return 200, await service.add_note(ticket_id, body.text, author=ACTOR)

    return await _once(link, call, f"notes:{ticket_id}", work)


@router.post("/footage", status_code=202, summary="Request a clip of a camera and time range")
async def footage(call: Signed, link: Link, service: Service, auth: AuthDep) -> Response:
    async def work() -> tuple[int, BaseModel]:
        body = call.parse(FootageIn)
        assert isinstance(body, FootageIn)
        await asyncio.to_thread(auth.check, call.principal, Action.playback, body.camera_id)
        recording = service.footage.recording
        if recording is None:
            raise NotFound("recording is not running")
        if body.ticket_id is not None:
            await _ticket(service, body.ticket_id)
            captured = await service.attach_range(
                body.ticket_id, body.camera_id, body.start, body.end, author=ACTOR
            )
            if captured.clip_id is None:
                raise NotFound(captured.error or "no clip")
            clip_id = captured.clip_id
        else:
            order = ClipOrder(body.camera_id, body.start, body.end, body.reason, ACTOR)
            clip_id = recording.submit_clip(order).id
        return 202, FootageOut(clip_id=clip_id, camera_id=body.camera_id, status="waiting")

    return await _once(link, call, "footage", work)


@router.post("/footage/status", response_model=FootageOut, summary="Progress of a clip")
async def footage_status(call: Signed, service: Service, auth: AuthDep) -> FootageOut:
    body = call.parse(ClipIdIn)
    assert isinstance(body, ClipIdIn)
    recording = service.footage.recording
    row = await asyncio.to_thread(recording.store.get, body.clip_id) if recording else None
    if recording is None or row is None:
        raise NotFound(f"no clip {body.clip_id!r}")
    await asyncio.to_thread(
        auth.check, call.principal, Action.playback, row.camera_id, case=row.ticket_id
    )
    job = recording.clips.jobs.get(row.id)
    out = FootageOut(
        clip_id=row.id,
        camera_id=row.camera_id,
        status=job.status.value if job else row.status,
        progress=job.progress if job else (1.0 if row.status == "ready" else 0.0),
        error=(job.error if job else row.error),
    )
    if row.status == "ready" and (job is None or job.status is JobStatus.ready):
        manifest = await asyncio.to_thread(manifest_file(recording.root, row.id).read_bytes)
        sig = await asyncio.to_thread(signature_file(recording.root, row.id).read_bytes)
        out.status, out.manifest, out.signature_b64 = "ready", json.loads(manifest), b64(sig)
    return out


@router.post(
    "/footage/download",
    response_class=FileResponse,
    summary="The clip file (MP4); needs a reason, audited",
)
async def footage_download(
    call: Signed, request: Request, service: Service, auth: AuthDep
) -> FileResponse:
    body = call.parse(ClipIdIn)
    assert isinstance(body, ClipIdIn)
    recording = service.footage.recording
    row = await asyncio.to_thread(recording.store.get, body.clip_id) if recording else None
    if recording is None or row is None or row.status != "ready":
        raise NotFound(f"no ready clip {body.clip_id!r}")
    await asyncio.to_thread(
        auth.access,
        call.principal,
        Action.download_clip,
        row.camera_id,
        address=request.client.host if request.client else None,
        reason=body.reason,
        clip_id=row.id,
        ticket_id=row.ticket_id,
    )
    return FileResponse(
        clip_file(recording.root, row.id), media_type="video/mp4", filename=f"{row.id}.mp4"
    )
