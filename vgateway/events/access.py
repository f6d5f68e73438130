"""Who is asking, and which cameras they may see: the auth feature's answers for event routes.

Both depend on `current_principal`, so every event route requires a signed-in caller; the
events of cameras outside the caller's view (their town's own and shared cameras, or all of
them for the district centre) are filtered out or answered 404.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from vgateway.auth.deps import PrincipalDep, get_auth
from vgateway.auth.principal import Action


def current_user_name(principal: PrincipalDep) -> str:
    """The acting user's name, recorded on acknowledgements."""
    return principal.name


def visible_cameras(conn: HTTPConnection, principal: PrincipalDep) -> frozenset[str] | None:
    """Camera ids whose events the caller may see; None means every camera."""
    scope = get_auth(conn).scope(principal)
    if scope.unrestricted:
        return None
    return scope.camera_ids(Action.view_events)
