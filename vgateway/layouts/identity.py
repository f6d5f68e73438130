"""Who is asking: the signed-in user of the auth feature (vgateway.auth)."""

from __future__ import annotations

from vgateway.auth.deps import PrincipalDep


def current_user_name(principal: PrincipalDep) -> str:
    """The user whose layouts a request reads and writes.

    Routes depend on this function (not on its result), so `app.dependency_overrides[...]`
    can still swap it (tests do).
    """
    return principal.name
