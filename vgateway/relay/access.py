"""Who may watch what: the single authorization hook of the live endpoints.

Every live route (WHEP, WebSocket, stats of one stream) goes through `live_access`, which asks
the auth feature's one authorisation function: 401 without a session, API token or signed
media URL (`?token=`), 404 for a camera the caller cannot see, 403 when their role may not
watch live video. Every stream served is registered with `watch_view` (audit start and stop,
and cut at once when the caller's access ends: share revoked or expired, logout, account
disabled) and unregistered with `end_view`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import HTTPConnection

from vgateway.auth.deps import RoutePolicy, declare, get_auth
from vgateway.auth.live import LiveView
from vgateway.auth.principal import Action, Principal
from vgateway.auth.service import client_address
from vgateway.errors import Forbidden

__all__ = ["Forbidden", "end_view", "live_access", "may_hang_up", "may_watch", "watch_view"]

CLOSE_ACCESS_REVOKED = 4403  # WebSocket close code when a viewer's access ends mid-stream


@declare(RoutePolicy("camera", Action.view_live))
async def live_access(camera_id: str, role: str, connection: HTTPConnection) -> Principal:
    """The caller, if they may watch this camera live; raises Unauthorized, NotFound or
    Forbidden (GatewayErrors) otherwise."""
    del role  # every stream of a camera is the same camera to the policy
    auth = get_auth(connection)
    principal = await asyncio.to_thread(auth.authenticate, connection)
    await asyncio.to_thread(
        auth.check, principal, Action.view_live, camera_id, address=client_address(connection)
    )
    return principal


def may_watch(connection: HTTPConnection, principal: Principal, camera_id: str) -> bool:
    """Whether the caller may watch (and so hang up viewers of) this camera."""
    try:
        camera = get_auth(connection).config.camera(camera_id)
    except KeyError:
        return False
    return get_auth(connection).decide(principal, Action.view_live, camera).allowed


def may_hang_up(
    connection: HTTPConnection, principal: Principal, session_id: str, camera_id: str
) -> bool:
    """The viewer who opened a session, or the district centre, may end it."""
    auth = get_auth(connection)
    if not may_watch(connection, principal, camera_id):
        return False
    if auth.scope(principal).unrestricted:
        return True
    return any(
        view.detail.get("session") == session_id and view.principal.name == principal.name
        for view in auth.views.open_views()
    )


async def watch_view(
    connection: HTTPConnection,
    principal: Principal,
    camera_id: str,
    role: str,
    transport: str,
    on_revoked: Callable[[str], Awaitable[object] | None],
    alive: Callable[[], bool] | None = None,
    session_id: str | None = None,
) -> LiveView:
    """Record the start of a stream and have it cut (`on_revoked`) if access ends."""
    detail = {"stream": role, "transport": transport}
    if session_id is not None:
        detail["session"] = session_id
    return await get_auth(connection).open_view(
        principal,
        camera_id,
        address=client_address(connection),
        on_revoked=on_revoked,
        detail=detail,
        alive=alive,
    )


async def end_view(connection: HTTPConnection, view: LiveView) -> None:
    """Record the end of a stream (with its duration); safe to call twice."""
    await get_auth(connection).close_view(view)
