"""The /api/recording routes: clip jobs, clips (file with HTTP ranges, manifest, signature),
a camera's recorded timeline, and the recording status."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse

from vgateway.auth.deps import PrincipalDep, camera_access, public, require
from vgateway.auth.principal import Action
from vgateway.errors import BadRequest, NotFound
from vgateway.evidence import PUBLIC_KEY_NAME
from vgateway.recording.access import (
    RecordingAccess,
    current_user_name,
    record_clip_download,
    visible_cameras,
)
from vgateway.recording.clips import ClipOrder
from vgateway.recording.clipstore import ClipRow
from vgateway.recording.jobs import ClipJob, JobStatus
from vgateway.recording.paths import clip_file, manifest_file, signature_file
from vgateway.recording.schemas import (
    ClipIn,
    ClipOut,
    JobOut,
    RecordingStatusOut,
    TimelineOut,
    parse_instant,
)
from vgateway.recording.service import RecordingService
from vgateway.recording.views import camera_timeline, recording_status

router = APIRouter(prefix="/api/recording", tags=["recording"])


def get_recording(request: Request) -> RecordingService:
    service: RecordingService = request.app.state.recording
    return service


Service = Annotated[RecordingService, Depends(get_recording)]
Visible = Annotated[RecordingAccess, Depends(visible_cameras)]
User = Annotated[str, Depends(current_user_name)]


def _check_camera(visible: RecordingAccess, camera_id: str) -> None:
    if not visible.camera(camera_id):
        raise NotFound(f"no camera with id {camera_id!r}")


async def _clip(service: RecordingService, visible: RecordingAccess, clip_id: str) -> ClipRow:
    row = await asyncio.to_thread(service.store.get, clip_id)
    if row is None or not visible.clip(row.camera_id, row.ticket_id):
        raise NotFound(f"no clip {clip_id!r}")
    return row


async def _ready(service: RecordingService, visible: RecordingAccess, clip_id: str) -> ClipRow:
    row = await _clip(service, visible, clip_id)
    if row.status != "ready":
        raise NotFound(f"clip {clip_id!r} is {row.status}, not ready")
    return row


def _time(value: str, name: str) -> float:
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise BadRequest(f"{name}: {exc}") from None


@router.post("/clips", status_code=202, response_model=JobOut, summary="Request a clip")
async def request_clip(body: ClipIn, service: Service, visible: Visible, user: User) -> JobOut:
    _check_camera(visible, body.camera_id)
    order = ClipOrder(
        camera_id=body.camera_id,
        start=body.start - body.pre_roll_s,
        end=body.end + body.post_roll_s,
        reason=body.reason,
        created_by=user,
        ticket_id=body.ticket_id,
        event_id=body.event_id,
    )
    return JobOut.of(service.submit_clip(order))


@router.get("/clips/jobs/{job_id}", response_model=JobOut, summary="Progress of a clip job")
async def clip_job(job_id: str, service: Service, visible: Visible) -> JobOut:
    job = service.clips.jobs.get(job_id)
    if job is None:
        # Jobs live in memory; after a restart the clip row still tells how it ended.
        row = await _clip(service, visible, job_id)
        job = ClipJob(row.id, row.camera_id, row.requested_start, row.requested_end)
        job.status = JobStatus.ready if row.status == "ready" else JobStatus.failed
        job.progress, job.error = (1.0 if row.status == "ready" else 0.0), row.error
    _check_camera(visible, job.camera_id)
    return JobOut.of(job)


@router.get("/clips", response_model=list[ClipOut], summary="Finished clips, newest first")
async def list_clips(
    service: Service,
    visible: Visible,
    camera_id: str | None = None,
    ticket_id: str | None = None,
    event_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ClipOut]:
    rows = await asyncio.to_thread(
        service.store.listed,
        camera_id=camera_id,
        ticket_id=ticket_id,
        event_id=event_id,
        limit=limit,
    )
    return [ClipOut.of(r) for r in rows if visible.clip(r.camera_id, r.ticket_id)]


@router.get("/clips/{clip_id}", response_model=ClipOut, summary="Clip metadata")
async def get_clip(clip_id: str, service: Service, visible: Visible) -> ClipOut:
    return ClipOut.of(await _clip(service, visible, clip_id))


@router.get(
    "/clips/{clip_id}/file",
    summary="The clip (MP4, faststart; HTTP range requests for browser playback)",
    response_class=FileResponse,
    responses={200: {"content": {"video/mp4": {}}}, 206: {"description": "a byte range"}},
)
async def clip_file_route(
    clip_id: str,
    service: Service,
    visible: Visible,
    request: Request,
    principal: PrincipalDep,
    reason: Annotated[
        str | None, Query(description="why: the case it is for (required; audited)")
    ] = None,
) -> FileResponse:
    row = await _ready(service, visible, clip_id)
    await record_clip_download(request, principal, row.camera_id, row.id, row.ticket_id, reason)
    return FileResponse(
        clip_file(service.root, row.id), media_type="video/mp4", filename=f"{row.id}.mp4"
    )


@router.get(
    "/clips/{clip_id}/manifest",
    summary="The signed manifest: canonical JSON, exactly the bytes the signature covers",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def clip_manifest(clip_id: str, service: Service, visible: Visible) -> Response:
    row = await _ready(service, visible, clip_id)
    data = await asyncio.to_thread(manifest_file(service.root, row.id).read_bytes)
    return Response(
        data,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{row.id}.manifest.json"'},
    )


@router.get(
    "/clips/{clip_id}/manifest.sig",
    summary="Raw 64-byte Ed25519 signature of the manifest",
    response_class=Response,
)
async def clip_signature(clip_id: str, service: Service, visible: Visible) -> Response:
    row = await _ready(service, visible, clip_id)
    data = await asyncio.to_thread(signature_file(service.root, row.id).read_bytes)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{row.id}.manifest.sig"'},
    )


@router.get(
    "/public-key",
    dependencies=[Depends(public)],
    summary="The gateway's Ed25519 public key (PEM) that verifies every manifest",
    response_class=Response,
)
async def public_key(service: Service) -> Response:
    data = await asyncio.to_thread((service.clips_dir / PUBLIC_KEY_NAME).read_bytes)
    return Response(data, media_type="application/x-pem-file")


@router.get(
    "/status",
    response_model=RecordingStatusOut,
    summary="Recording and disk status",
    dependencies=[Depends(require(Action.view_metrics))],
)
def status(service: Service) -> RecordingStatusOut:
    return recording_status(service)


@router.get(
    "/{camera_id}/segments",
    dependencies=[Depends(camera_access(Action.playback))],
    response_model=TimelineOut,
    summary="Recorded ranges and gaps of a camera",
)
async def segments(
    camera_id: str,
    service: Service,
    visible: Visible,
    from_: Annotated[str, Query(alias="from", description="ISO 8601 or unix seconds")],
    to: Annotated[str, Query(description="ISO 8601 or unix seconds")],
) -> TimelineOut:
    _check_camera(visible, camera_id)
    if camera_id not in service.plans:
        raise NotFound(f"no camera with id {camera_id!r}")
    start, end = _time(from_, "from"), _time(to, "to")
    if end <= start:
        raise BadRequest("to must be after from")
    return await asyncio.to_thread(camera_timeline, service, camera_id, start, end)
