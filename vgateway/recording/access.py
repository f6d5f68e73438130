"""Who is asking, and which recordings they may see: the auth feature's answers for the
recording routes.

Town operators see the clips and timelines of their town's and shared cameras; the district
centre sees all; investigators (who reach footage through their cases, vgateway.cases) see
here only clips filed under an id of a case assigned to them. Serving a clip's video needs a
reason and is recorded in the audit trail (`clip.download`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.requests import HTTPConnection, Request

from vgateway.auth.deps import PrincipalDep, get_auth
from vgateway.auth.principal import Action, Principal
from vgateway.auth.service import client_address


@dataclass(frozen=True)
class RecordingAccess:
    cameras: frozenset[str] | None  # cameras whose recordings the caller sees; None: all
    cases: frozenset[str]  # and the clips of these cases (tickets), whatever their camera

    def camera(self, camera_id: str) -> bool:
        return self.cameras is None or camera_id in self.cameras

    def clip(self, camera_id: str, ticket_id: str | None) -> bool:
        return self.camera(camera_id) or (ticket_id is not None and ticket_id in self.cases)


def current_user_name(principal: PrincipalDep) -> str:
    """The acting user's name, recorded as a clip's creator."""
    return principal.name


def visible_cameras(conn: HTTPConnection, principal: PrincipalDep) -> RecordingAccess:
    """What recordings the caller may see."""
    scope = get_auth(conn).scope(principal)
    cameras = None if scope.unrestricted else scope.camera_ids(Action.playback)
    return RecordingAccess(cameras, principal.cases)


async def record_clip_download(
    request: Request,
    principal: Principal,
    camera_id: str,
    clip_id: str,
    ticket_id: str | None,
    reason: str | None,
) -> None:
    """Check the download (a reason is required) and record it. A browser playing the clip
    fetches byte ranges: only the request from the start is recorded, each one is checked."""
    auth = get_auth(request)
    byte_range = request.headers.get("range", "")
    first = not byte_range or byte_range.replace(" ", "").startswith("bytes=0-")
    kwargs = {"address": client_address(request), "case": ticket_id}
    if first:
        await asyncio.to_thread(
            auth.access,
            principal,
            Action.download_clip,
            camera_id,
            reason=reason,
            clip_id=clip_id,
            ticket_id=ticket_id,
            detail={"range": byte_range} if byte_range else None,
            **kwargs,
        )
    else:
        await asyncio.to_thread(auth.check, principal, Action.download_clip, camera_id, **kwargs)
