"""FastAPI dependencies: how every route and media path reaches the authorisation function.

Each route declares its policy by depending on exactly one of these:
  `public`                      anyone (login, the login page)
  `current_principal`           any signed-in user; the handler filters what it returns
  (or `current_scope`)          through the caller's `Scope`
  `require(action)`             a gateway-wide action (manage_users, read_audit, ...)
  `camera_access(action)`       an action on the path's `{camera_id}`: 404 if the camera is
                                hidden from the caller, 403 if seen but not allowed;
                                snapshots are recorded in the audit trail (routes serving
                                recorded video call `AuthService.access` themselves)
The route-enumerating test (tests/auth/test_route_policies.py) fails for a route with none.
On a WebSocket the same failures close the handshake (4401/4403/4404) instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, WebSocketException
from starlette.requests import HTTPConnection

from vgateway.auth.policy import Scope
from vgateway.auth.principal import CAMERA_ACTIONS, Action, Principal
from vgateway.auth.service import AuthService, client_address
from vgateway.config import Camera
from vgateway.errors import GatewayError
from vgateway.redact import redact_text

POLICY_ATTR = "__vgateway_policy__"
_WS_CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404}


@dataclass(frozen=True)
class RoutePolicy:
    kind: Literal["public", "authenticated", "action", "camera"]
    action: Action | None = None


def policy_of(dependency: Callable[..., Any]) -> RoutePolicy | None:
    policy = getattr(dependency, POLICY_ATTR, None)
    return policy if isinstance(policy, RoutePolicy) else None


F = TypeVar("F", bound=Callable[..., Any])


def declare(policy: RoutePolicy) -> Callable[[F], F]:
    """Mark a dependency (or a WebSocket endpoint that checks access itself after accepting,
    to send a readable error) as enforcing `policy`."""

    def mark(function: F) -> F:
        setattr(function, POLICY_ATTR, policy)
        return function

    return mark


def _for_connection(conn: HTTPConnection, exc: GatewayError) -> Exception:
    """A WebSocket cannot carry a JSON error: close the handshake with a matching code."""
    if conn.scope["type"] == "websocket":
        code = _WS_CLOSE_CODES.get(exc.status, 1008)
        return WebSocketException(code=code, reason=redact_text(str(exc))[:120])
    return exc


def get_auth(conn: HTTPConnection) -> AuthService:
    auth: AuthService = conn.app.state.auth
    return auth


AuthDep = Annotated[AuthService, Depends(get_auth)]


@declare(RoutePolicy("public"))
def public() -> None:
    """Declares a route open to anyone."""


@declare(RoutePolicy("authenticated"))
def current_principal(conn: HTTPConnection) -> Principal:
    try:
        return get_auth(conn).authenticate(conn)
    except GatewayError as exc:
        raise _for_connection(conn, exc) from None


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def current_scope(conn: HTTPConnection, principal: PrincipalDep) -> Scope:
    """What the caller sees right now, for filtering lists and counts."""
    return get_auth(conn).scope(principal)


ScopeDep = Annotated[Scope, Depends(current_scope)]


@functools.cache
def require(action: Action) -> Callable[..., Principal]:
    """Dependency: the principal, if it may do this gateway-wide action."""
    if action in CAMERA_ACTIONS:
        raise ValueError(f"{action} is about a camera: use camera_access")

    @declare(RoutePolicy("action", action))
    def dependency(conn: HTTPConnection, principal: PrincipalDep) -> Principal:
        try:
            get_auth(conn).check(principal, action, address=client_address(conn))
        except GatewayError as exc:
            raise _for_connection(conn, exc) from None
        return principal

    dependency.__name__ = f"require_{action.value}"
    return dependency


@dataclass(frozen=True)
class CameraAccess:
    camera: Camera
    principal: Principal


@functools.cache
def camera_access(action: Action) -> Callable[..., CameraAccess]:
    """Dependency for routes with a `{camera_id}` path parameter."""
    if action not in CAMERA_ACTIONS:
        raise ValueError(f"{action} is not about a camera: use require")

    @declare(RoutePolicy("camera", action))
    def dependency(camera_id: str, conn: HTTPConnection, principal: PrincipalDep) -> CameraAccess:
        auth = get_auth(conn)
        address = client_address(conn)
        try:
            if action is Action.view_snapshot:  # each snapshot is on the record
                camera = auth.access(principal, action, camera_id, address=address)
            else:
                checked = auth.check(principal, action, camera_id, address=address)
                assert checked is not None
                camera = checked
        except GatewayError as exc:
            raise _for_connection(conn, exc) from None
        return CameraAccess(camera, principal)

    dependency.__name__ = f"camera_{action.value}"
    return dependency
