"""Who may watch what: the single authorization hook of the live endpoints.

Every live route (WHEP, WebSocket, stats of one stream) depends on `live_access`. It allows
everything today; the authorization issue replaces its body (look up the operator behind the
connection, check the camera is visible to their town) and raises `Forbidden`.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from vgateway.errors import Forbidden

__all__ = ["Forbidden", "live_access"]


async def live_access(camera_id: str, role: str, connection: HTTPConnection) -> None:
    """Raise `Forbidden` when the caller may not watch this camera stream."""
    return None
