"""/api/cases/{case_id}/clips and /exports: playing and downloading a case's clips (a reason is
required; each view is checked and recorded by `AuthService.access` with the case), and the
case ZIP (prepared with progress, then downloaded; audited as case.export / case.download)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel

from vgateway.auth.deps import AuthDep, PrincipalDep
from vgateway.auth.principal import Action
from vgateway.auth.service import client_address
from vgateway.cases.export import ExportJob, ExportStatus
from vgateway.cases.model import Case, ReasonIn
from vgateway.cases.routes import Service, Visible, visible_case
from vgateway.cases.service import CaseService
from vgateway.errors import BadRequest, NotFound
from vgateway.recording.paths import clip_file, manifest_file

router = APIRouter(prefix="/api/cases", tags=["cases"])


class ExportOut(BaseModel):
    job_id: str
    case_id: str
    status: ExportStatus
    progress: float
    files: int
    bytes_total: int
    bytes_done: int
    error: str | None
    download_url: str | None

    @classmethod
    def of(cls, job: ExportJob) -> ExportOut:
        ready = job.status is ExportStatus.ready
        return cls(
            job_id=job.id,
            case_id=job.case_id,
            status=job.status,
            progress=round(job.progress, 4),
            files=job.files,
            bytes_total=job.bytes_total,
            bytes_done=job.bytes_done,
            error=job.error,
            download_url=f"/api/cases/{job.case_id}/exports/{job.id}/file" if ready else None,
        )


@router.get(
    "/{case_id}/clips/{clip_id}/file",
    response_class=FileResponse,
    summary="Play (or, with download=true, download) a clip of the case: reason required, audited",
    responses={200: {"content": {"video/mp4": {}}}, 206: {"description": "a byte range"}},
)
async def clip_file_route(
    case_id: str,
    clip_id: str,
    request: Request,
    service: Service,
    seen: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
    reason: Annotated[str | None, Query(description="why (the case reason); audited")] = None,
    download: bool = False,
) -> FileResponse:
    case = await visible_case(service, seen, case_id)
    row = await service.clip(case, clip_id)
    if not (reason and reason.strip()):
        raise BadRequest("viewing a case clip needs a reason (?reason=)")
    action = Action.download_clip if download else Action.playback
    byte_range = request.headers.get("range", "")
    address = client_address(request)
    if not byte_range or byte_range.replace(" ", "").startswith("bytes=0-"):
        await asyncio.to_thread(
            auth.access,
            principal,
            action,
            row.camera_id,
            address=address,
            reason=reason,
            clip_id=row.id,
            case=case.id,
            detail={"range": byte_range} if byte_range else None,
        )
    else:  # the rest of a playback already on the record: checked, not recorded again
        await asyncio.to_thread(
            auth.check, principal, action, row.camera_id, case=case.id, address=address
        )
    assert service.recording is not None
    return FileResponse(
        clip_file(service.recording.root, row.id),
        media_type="video/mp4",
        filename=f"{row.id}.mp4",
        content_disposition_type="attachment" if download else "inline",
    )


@router.get("/{case_id}/clips/{clip_id}/manifest", summary="A clip's signed manifest")
async def clip_manifest(case_id: str, clip_id: str, service: Service, seen: Visible) -> Response:
    case = await visible_case(service, seen, case_id)
    row = await service.clip(case, clip_id)
    assert service.recording is not None
    data = await asyncio.to_thread(manifest_file(service.recording.root, row.id).read_bytes)
    return Response(data, media_type="application/json")


@router.post(
    "/{case_id}/exports", status_code=202, response_model=ExportOut, summary="Prepare the case ZIP"
)
async def start_export(
    case_id: str,
    body: ReasonIn,
    request: Request,
    service: Service,
    seen: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
) -> ExportOut:
    case = await visible_case(service, seen, case_id)
    detail = await service.detail(case)
    rows = [await service.clip(case, c.id) for c in detail.clips if c.status == "ready"]
    address = client_address(request)
    for row in rows:  # every clip checked and on the record, with the reason
        await asyncio.to_thread(
            auth.access,
            principal,
            Action.download_clip,
            row.camera_id,
            address=address,
            reason=body.reason,
            clip_id=row.id,
            case=case.id,
            detail={"export": True},
        )
    job = await service.export(case, rows, by=principal.name, reason=body.reason)
    await asyncio.to_thread(
        auth.record,
        "case.export",
        principal,
        ticket_id=case.id,
        reason=body.reason,
        address=address,
        detail={"job": job.id, "clips": len(rows)},
    )
    return ExportOut.of(job)


def _job(service: CaseService, case: Case, job_id: str) -> ExportJob:
    job = service.exports.get(job_id)
    if job is None or job.case_id != case.id:
        raise NotFound(f"no export {job_id!r} of case {case.id}")
    return job


@router.get("/{case_id}/exports/{job_id}", response_model=ExportOut, summary="Export progress")
async def export_status(case_id: str, job_id: str, service: Service, seen: Visible) -> ExportOut:
    return ExportOut.of(_job(service, await visible_case(service, seen, case_id), job_id))


@router.get(
    "/{case_id}/exports/{job_id}/file",
    response_class=FileResponse,
    summary="Download the prepared case ZIP (reason required, audited)",
    responses={200: {"content": {"application/zip": {}}}},
)
async def export_file(
    case_id: str,
    job_id: str,
    request: Request,
    service: Service,
    seen: Visible,
    principal: PrincipalDep,
    auth: AuthDep,
    reason: Annotated[str | None, Query(description="why; audited")] = None,
) -> FileResponse:
    case = await visible_case(service, seen, case_id)
    job = _job(service, case, job_id)
    if job.status is not ExportStatus.ready or job.path is None:
        raise NotFound(f"export {job_id} is {job.status.value}, not ready")
    if not (reason and reason.strip()):
        raise BadRequest("downloading a case needs a reason (?reason=)")
    byte_range = request.headers.get("range", "")
    if not byte_range or byte_range.replace(" ", "").startswith("bytes=0-"):
        await asyncio.to_thread(
            auth.record,
            "case.download",
            principal,
            ticket_id=case.id,
            reason=reason,
            address=client_address(request),
            detail={"job": job.id, "bytes": job.bytes_total},
        )
    return FileResponse(job.path, media_type="application/zip", filename=f"{case.id}.zip")
