"""/api/cases: investigators' cases. Listing, detail, playing and exporting need a visible case
(district centre, or assigned); creating, changing and assigning need `manage_shares`."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.requests import HTTPConnection

from vgateway.auth.deps import AuthDep, PrincipalDep, require
from vgateway.auth.principal import Action, Principal, Role
from vgateway.auth.service import client_address
from vgateway.cases.access import require_case, visible_case_ids
from vgateway.cases.model import (
    Case,
    CaseDetail,
    CaseEdit,
    CaseIn,
    CaseItemsIn,
    CaseStatus,
)
from vgateway.cases.service import CaseService
from vgateway.errors import BadRequest, NotFound

router = APIRouter(prefix="/api/cases", tags=["cases"])
Manager = Annotated[Principal, Depends(require(Action.manage_shares))]


def get_cases(conn: HTTPConnection) -> CaseService:
    service: CaseService = conn.app.state.cases
    return service


Service = Annotated[CaseService, Depends(get_cases)]


async def visible(principal: PrincipalDep, auth: AuthDep) -> frozenset[str] | None:
    return await asyncio.to_thread(visible_case_ids, auth, principal)


Visible = Annotated[frozenset[str] | None, Depends(visible)]


async def visible_case(service: CaseService, seen: frozenset[str] | None, case_id: str) -> Case:
    return require_case(seen, await service.get(case_id), case_id)


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
    return await service.detail(await visible_case(service, seen, case_id))


@router.patch("/{case_id}", response_model=Case, summary="Edit or close a case")
async def edit_case(
    case_id: str,
    body: CaseEdit,
    request: Request,
    service: Service,
    manager: Manager,
    auth: AuthDep,
) -> Case:
    case = await visible_case(service, None, case_id)
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
    case = await visible_case(service, None, case_id)
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
    await visible_case(service, None, case_id)
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
    await visible_case(service, None, case_id)
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
