"""`/api/shares`: grant a town a camera (or a tag group) for a reason, until expiry or revoked."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from vgateway.auth.deps import AuthDep, PrincipalDep, require
from vgateway.auth.principal import Action, Principal
from vgateway.auth.service import client_address
from vgateway.auth.shares import Share
from vgateway.auth.users import UserError
from vgateway.errors import BadRequest, NotFound

router = APIRouter(prefix="/api/shares", tags=["shares"])
SharerDep = Annotated[Principal, Depends(require(Action.manage_shares))]


class ShareIn(BaseModel):
    town: str = Field(description="the town that gets to see")
    camera_id: str | None = Field(default=None, description="one camera...")
    tag: str | None = Field(default=None, description="...or every camera with this tag")
    reason: str = Field(min_length=1, max_length=1000, description="why (kept in the audit)")
    expires_at: float | None = Field(default=None, description="unix time; omit for none")
    ttl_s: float | None = Field(default=None, gt=0, description="or: expire this many s from now")


class ShareOut(BaseModel):
    id: int
    town: str
    camera_id: str | None
    tag: str | None
    reason: str
    created_by: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None
    revoked_by: str | None
    status: Literal["active", "expired", "revoked"]

    @classmethod
    def of(cls, share: Share, now: float) -> ShareOut:
        return cls(**vars(share), status=share.status(now))


@router.get("", response_model=list[ShareOut], summary="Shares (a town sees those granted it)")
async def list_shares(
    auth: AuthDep,
    principal: PrincipalDep,
    status: Literal["active", "expired", "revoked"] | None = None,
) -> list[ShareOut]:
    manager = auth.decide(principal, Action.manage_shares, None).allowed
    if not manager and principal.town is None:
        return []
    shares = await asyncio.to_thread(auth.admin.shares.find, None if manager else principal.town)
    now = time.time()
    out = [ShareOut.of(share, now) for share in shares]
    if not manager:  # a town learns nothing about cameras it cannot see
        visible = auth.scope(principal).camera_ids()
        out = [s for s in out if s.camera_id is None or s.camera_id in visible]
    return [s for s in out if status is None or s.status == status]


@router.post("", response_model=ShareOut, status_code=201, summary="Share a camera or tag group")
def create_share(body: ShareIn, request: Request, auth: AuthDep, sharer: SharerDep) -> ShareOut:
    expires_at = body.expires_at
    if body.ttl_s is not None:
        expires_at = time.time() + body.ttl_s
    try:
        share = auth.admin.create_share(
            body.town,
            by=sharer.name,
            reason=body.reason,
            camera_id=body.camera_id,
            tag=body.tag,
            expires_at=expires_at,
            address=client_address(request),
        )
    except UserError as exc:
        raise BadRequest(str(exc)) from None
    auth.refresh_shares()
    return ShareOut.of(share, time.time())


@router.delete("/{share_id}", response_model=ShareOut, summary="Revoke: the town's streams end")
def revoke_share(share_id: int, request: Request, auth: AuthDep, sharer: SharerDep) -> ShareOut:
    share = auth.admin.revoke_share(share_id, by=sharer.name, address=client_address(request))
    if share is None:
        raise NotFound(f"no unrevoked share with id {share_id}")
    auth.refresh_shares()
    return ShareOut.of(share, time.time())
