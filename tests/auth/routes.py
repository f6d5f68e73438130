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
