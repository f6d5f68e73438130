"""Enumerating the app's routes with the access policy each declares (for the matrix tests)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from vgateway.auth.deps import RoutePolicy, policy_of

# FastAPI's own documentation routes: public, and they describe the API, not the network.
BUILTIN_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
_PRECEDENCE = {"camera": 0, "action": 1, "authenticated": 2, "public": 3}
PLACEHOLDERS = {
    "role": "main",
    "name": "aud",
    "case_id": "case-x",
    "token_id": "nope",
    "share_id": "9999",
    "job_id": "job-nope",
    "session_id": "sess-nope",
    "ticket_id": "tk-nope",
}
OTHER = "nope"  # any other path parameter: the route must still deny and not leak
# Path parameters naming a camera, or a thing of one camera ("evt-alpha1", "clip-alpha1").
KEYED = {"camera_id": "", "event_id": "evt-", "clip_id": "clip-"}


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: tuple[str, ...]  # () for a WebSocket
    policy: RoutePolicy | None
    websocket: bool = False
    mount: bool = False

    def __str__(self) -> str:
        return f"{'WS' if self.websocket else ','.join(self.methods)} {self.path}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)

    @property
    def key(self) -> str | None:
        """The path parameter that names a camera or one camera's thing, if any."""
        return next((p for p in self.params if p in KEYED), None)


def url_for(route: RouteInfo, camera: str | None = None) -> str:
    """The route's path with placeholders (and `camera`'s id or thing) filled in."""
    url = route.path
    for param in route.params:
        if param in KEYED and camera:
            value = KEYED[param] + camera
        else:
            value = PLACEHOLDERS.get(param, OTHER)
        url = url.replace(f"{{{param}}}", value)
    return url


def _policies(dependant: Dependant | None) -> Iterator[RoutePolicy]:
    if dependant is None:
        return
    for dep in dependant.dependencies:
        call: Callable[..., Any] | None = dep.call
        if call is not None and (policy := policy_of(call)) is not None:
            yield policy
        yield from _policies(dep)


def app_routes(app: FastAPI) -> list[RouteInfo]:
    """Every route of the app, with its strictest declared policy (None: none declared)."""
    out = []
    for rc in iter_route_contexts(app.routes):
        original = rc.original_route
        if isinstance(original, Mount):
            out.append(RouteInfo(rc.path or "/", ("GET",), RoutePolicy("public"), mount=True))
            continue
        path = rc.path or ""
        methods = tuple(sorted(m for m in (rc.methods or ()) if m != "HEAD"))
        websocket = not methods
        if path in BUILTIN_PUBLIC:
            out.append(RouteInfo(path, methods, RoutePolicy("public")))
            continue
        try:
            dependant = rc.dependant
        except AttributeError:
            dependant = None
        found = list(_policies(dependant))
        endpoint_policy = policy_of(rc.endpoint) if rc.endpoint else None
        if endpoint_policy is not None:
            found.append(endpoint_policy)
        policy = min(found, key=lambda p: _PRECEDENCE[p.kind]) if found else None
        out.append(RouteInfo(path, methods, policy, websocket=websocket))
    return out
