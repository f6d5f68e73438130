"""Who is asking. The single place the auth feature replaces (or overrides) later."""

from __future__ import annotations

from fastapi import Request

LOCAL_USER = "local"


def current_user_name(request: Request) -> str:
    """The user whose layouts a request reads and writes.

    There is no authentication yet, so everyone is the one local user. Routes depend on this
    function (not on its result), so `app.dependency_overrides[current_user_name]` swaps it.
    """
    del request
    return LOCAL_USER
