"""`/api/audit`: search, export and verify the audit trail (auditors and admins)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from vgateway.audit.chain import AuditEntry
from vgateway.audit.export import csv_rows, iso_utc
from vgateway.audit.store import AuditQuery
from vgateway.audit.verify import verify_chain
from vgateway.auth.deps import AuthDep, require
from vgateway.auth.principal import Action, Principal
from vgateway.auth.service import client_address

router = APIRouter(prefix="/api/audit", tags=["audit"])
AuditorDep = Annotated[Principal, Depends(require(Action.read_audit))]


class AuditEntryOut(BaseModel):
    seq: int
    at: float
    time_utc: str
    actor: str
    role: str | None
    action: str
    camera_id: str | None
    clip_id: str | None
    ticket_id: str | None
    address: str | None
    reason: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(**{**vars(e), "detail": dict(e.detail)}, time_utc=iso_utc(e.at))


class AuditPage(BaseModel):
    total: int = Field(description="entries matching the filters")
    entries: list[AuditEntryOut] = Field(description="newest first")
    next_before_seq: int | None = Field(description="pass as before_seq for the next page")


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    last_seq: int
    problems: list[str]


def _query(
    actor: str | None = None,
    action: Annotated[str | None, Query(description="exact, or a prefix ending in '.'")] = None,
    camera_id: str | None = None,
    clip_id: str | None = None,
    ticket_id: str | None = None,
    since: Annotated[float | None, Query(description="unix time, inclusive")] = None,
    until: Annotated[float | None, Query(description="unix time, exclusive")] = None,
    before_seq: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditQuery:
    return AuditQuery(
        actor=actor,
        action=action,
        camera_id=camera_id,
        clip_id=clip_id,
        ticket_id=ticket_id,
        since=since,
        until=until,
        before_seq=before_seq,
        limit=limit,
    )


QueryDep = Annotated[AuditQuery, Depends(_query)]


@router.get("", response_model=AuditPage, summary="Search the trail")
async def search(query: QueryDep, auth: AuthDep, _: AuditorDep) -> AuditPage:
    entries = await asyncio.to_thread(auth.audit.search, query)
    total = await asyncio.to_thread(auth.audit.count, query)
    more = len(entries) == query.limit
    return AuditPage(
        total=total,
        entries=[AuditEntryOut.of(e) for e in entries],
        next_before_seq=entries[-1].seq if more else None,
    )


@router.get(
    "/export.csv",
    summary="Export the (filtered) trail as CSV, oldest first",
    response_class=StreamingResponse,
)
async def export(
    query: QueryDep, request: Request, auth: AuthDep, auditor: AuditorDep
) -> StreamingResponse:
    filters = {k: v for k, v in vars(query).items() if v is not None and k != "limit"}
    await asyncio.to_thread(
        auth.record, "audit.export", auditor, address=client_address(request), detail=filters
    )
    return StreamingResponse(
        csv_rows(auth.audit.entries(query)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.get("/verify", response_model=VerifyOut, summary="Check the hash chain")
async def verify(auth: AuthDep, _: AuditorDep) -> VerifyOut:
    report = await asyncio.to_thread(lambda: verify_chain(auth.audit.entries(), auth.audit.head()))
    return VerifyOut(
        ok=report.ok,
        entries=report.entries,
        last_seq=report.last_seq,
        problems=[str(p) for p in report.problems],
    )
