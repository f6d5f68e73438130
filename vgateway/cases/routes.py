"""/api/cases: investigators' cases. Listing, detail, playing and exporting need a visible case
(district centre, or assigned); creating, changing and assigning need `manage_shares`."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from vgateway.auth.deps import AuthDep, PrincipalDep, require
from vgateway.auth.principal import Action, Principal, Role
from vgateway.auth.service import client_address
from vgateway.cases.access import require_case, visible_case_ids
from vgateway.cases.export import ExportJob, ExportStatus
from vgateway.cases.model import (
    Case,
    CaseDetail,
    CaseEdit,
    CaseIn,
    CaseItemsIn,
    CaseStatus,
    ReasonIn,
)
from vgateway.cases.service import CaseService
from vgateway.errors import BadRequest, NotFound
from vgateway.recording.paths import clip_file, manifest_file

router = APIRouter(prefix="/api/cases", tags=["cases"])
Manager = Annotated[Principal, Depends(require(Action.manage_shares))]


def get_cases(conn: HTTPConnection) -> CaseService:
    service: CaseService = conn.app.state.cases
    return service


Service = Annotated[CaseService, Depends(get_cases)]


async def visible(principal: PrincipalDep, auth: AuthDep) -> frozenset[str] | None:
    return await asyncio.to_thread(visible_case_ids, auth, principal)


Visible = Annotated[frozenset[str] | None, Depends(visible)]


async def _case(service: CaseService, seen: frozenset[str] | None, case_id: str) -> Case:
    return require_case(seen, await service.get(case_id), case_id)


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


@router.get("", response_model=list[Case], summary="Cases the caller may see, newest first")
async def list_cases(
    service: Service, seen: Visible, status: CaseStatus | None = None
) -> list[Case]:
    return await service.listed(seen, status)


@router.post("", status_code=201, response_model=CaseDetail, summary="Open a case")
async def create_case(
    body: CaseIn, request: Request, service: Service, manager: Manager, auth: AuthDep
) -> CaseDetail:
    for name in body.investigators:
        await _check_investigator(auth, name)
    case = await service.create(body.title, body.description, author=manager.name)
    await asyncio.to_thread(
        auth.record,
        "case.create",
        manager,
        ticket_id=case.id,
        address=client_address(request),
        detail={"title": body.title, "tickets": body.ticket_ids, "clips": body.clip_ids},
    )
    await service.add(case, body.ticket_ids, body.clip_ids, manager.name)
    for name in body.investigators:
        await asyncio.to_thread(
            auth.admin.assign_case,
            name,
            case.id,
            by=manager.name,
            assigned=True,
            address=client_address(request),
        )
    fresh = await service.get(case.id)
    assert fresh is not None
    return await service.detail(fresh)


@router.get(
    "/{case_id}", response_model=CaseDetail, summary="A case: tickets, clips, investigators"
)
async def get_case(case_id: str, service: Service, seen: Visible) -> CaseDetail:
    return await service.detail(await _case(service, seen, case_id))


@router.patch("/{case_id}", response_model=Case, summary="Edit or close a case")
async def edit_case(
    case_id: str,
    body: CaseEdit,
    request: Request,
    service: Service,
    manager: Manager,
    auth: AuthDep,
) -> Case:
    case = await _case(service, None, case_id)
    changed = await service.edit(case, body)
    if changed.status is not case.status:
        await asyncio.to_thread(
            auth.record,
            f"case.{changed.status.value}",
            manager,
            ticket_id=case.id,
            address=client_address(request),
        )
    return changed


@router.post("/{case_id}/items", response_model=Case, summary="Add (or remove) tickets and clips")
async def case_items(case_id: str, body: CaseItemsIn, service: Service, manager: Manager) -> Case:
    case = await _case(service, None, case_id)
    if body.remove:
        await service.remove(case, body.ticket_ids, body.clip_ids)
    else:
        await service.add(case, body.ticket_ids, body.clip_ids, manager.name)
    fresh = await service.get(case_id)
    assert fresh is not None
    return fresh


async def _check_investigator(auth: AuthDep, name: str) -> None:
    user = await asyncio.to_thread(auth.users.get, name)
    if user is None:
        raise NotFound(f"no user {name!r}")
    if user.role is not Role.investigator:
        raise BadRequest(f"{name} is a {user.role.value}, not an investigator")


@router.put("/{case_id}/investigators/{name}", status_code=204, summary="Assign an investigator")
async def assign(
    case_id: str, name: str, request: Request, service: Service, manager: Manager, auth: AuthDep
) -> Response:
    await _case(service, None, case_id)
    await _check_investigator(auth, name)
    await asyncio.to_thread(
        auth.admin.assign_case,
        name,
        case_id,
        by=manager.name,
        assigned=True,
        address=client_address(request),
    )
    return Response(status_code=204)


@router.delete(
    "/{case_id}/investigators/{name}", status_code=204, summary="Unassign an investigator"
)
async def unassign(
    case_id: str, name: str, request: Request, service: Service, manager: Manager, auth: AuthDep
) -> Response:
    await _case(service, None, case_id)
    changed = await asyncio.to_thread(
        auth.admin.assign_case,
        name,
        case_id,
        by=manager.name,
        assigned=False,
        address=client_address(request),
    )
    if not changed:
        raise NotFound(f"case {case_id!r} is not assigned to {name!r}")
    return Response(status_code=204)


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
    case = await _case(service, seen, case_id)
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
    case = await _case(service, seen, case_id)
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
    case = await _case(service, seen, case_id)
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
    return ExportOut.of(_job(service, await _case(service, seen, case_id), job_id))


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
    case = await _case(service, seen, case_id)
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
