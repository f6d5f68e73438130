"""Who is asking, and which cameras they may see: the hooks the auth package replaces.

Routes depend on these functions (not on their results), so the auth feature swaps them with
`app.dependency_overrides[...]` or wires its policy in here, and every recording route follows.
"""

from __future__ import annotations

from fastapi import Request


def current_user_name(request: Request) -> str:
    """The acting user's name, recorded as a clip's creator. "local" until auth is wired."""
    del request
    return "local"


def visible_cameras(request: Request) -> frozenset[str] | None:
    """Camera ids the caller may see; None means every camera."""
    del request
    return None
