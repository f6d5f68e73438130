"""HTTP and WebSocket endpoints of the live relay.

WHEP (RFC 9725): POST an SDP offer to /api/live/{camera}/{role}/whep, get 201 with the answer
and the session URL in Location; DELETE that URL to hang up. Non-trickle: PATCH answers 405.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse

from vgateway.auth.deps import (
    PrincipalDep,
    RoutePolicy,
    current_principal,
    declare,
    public,
    require,
)
from vgateway.auth.principal import Action, Principal
from vgateway.errors import GatewayError, NotFound
from vgateway.relay.access import (
    CLOSE_ACCESS_REVOKED,
    end_view,
    live_access,
    may_hang_up,
    watch_view,
)
from vgateway.relay.component import live_relay, live_relay_ws
from vgateway.relay.service import CodecNotSupported, LiveRelay

router = APIRouter(prefix="/api/live", tags=["live"])
RelayDep = Annotated[LiveRelay, Depends(live_relay)]
Access = Depends(live_access)
SDP = "application/sdp"
PLAYER_PAGE = Path(__file__).with_name("player.html")


@router.post("/{camera_id}/{role}/whep", status_code=201)
async def whep_offer(
    camera_id: str,
    role: str,
    request: Request,
    relay: RelayDep,
    principal: Annotated[Principal, Access],
) -> Response:
    """Start a WebRTC viewer: the body is the browser's SDP offer, the answer comes back."""
    try:
        offer = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "bad_offer", "the SDP offer is not UTF-8 text")
    try:
        session_id, answer = await relay.open_webrtc(camera_id, role, offer)
    except CodecNotSupported as exc:
        return JSONResponse(
            {"error": exc.code, "codec": exc.codec, "detail": str(exc)}, status_code=exc.status
        )
    try:
        await watch_view(
            request,
            principal,
            camera_id,
            role,
            "webrtc",
            on_revoked=lambda _reason: relay.close_session(session_id),
            alive=lambda: relay.registry.get(session_id) is not None,
            session_id=session_id,
        )
    except BaseException:
        await relay.close_session(session_id)
        raise
    return Response(
        answer,
        status_code=201,
        media_type=SDP,
        headers={"Location": f"/api/live/sessions/{session_id}", "ETag": f'"{session_id}"'},
    )


@router.delete("/sessions/{session_id}", status_code=204)
async def end_session(
    session_id: str, relay: RelayDep, request: Request, principal: PrincipalDep
) -> Response:
    """Hang up a viewer (WebRTC or WebSocket)."""
    session = relay.registry.get(session_id)
    if session is None or not may_hang_up(request, principal, session_id, session.key.camera_id):
        raise NotFound(f"no live session {session_id!r}")
    if not await relay.close_session(session_id):
        raise NotFound(f"no live session {session_id!r}")
    return Response(status_code=204)


@router.patch("/sessions/{session_id}", dependencies=[Depends(current_principal)])
async def trickle_ice(session_id: str) -> Response:
    """Trickle ICE is not used: every candidate is in the answer."""
    return _error(405, "trickle_not_supported", "the answer already has every candidate")


@router.get("/stats", dependencies=[Depends(require(Action.view_metrics))])
async def all_sessions(relay: RelayDep) -> list[dict[str, object]]:
    """Every live session with its counters."""
    return relay.sessions()


@router.get("/{camera_id}/{role}/stats", dependencies=[Access])
async def stream_stats(camera_id: str, role: str, relay: RelayDep) -> dict[str, object]:
    """One stream: upstream rate, viewer counts per transport, and its sessions."""
    return relay.stream_stats(camera_id, role)


@router.get("/player", response_class=HTMLResponse, dependencies=[Depends(public)])
async def player_page() -> HTMLResponse:
    """A one-camera debugging player: /api/live/player?camera=cam001&role=sub&transport=mse."""
    return HTMLResponse(PLAYER_PAGE.read_text(encoding="utf-8"))


@router.websocket("/{camera_id}/{role}/mse")
@declare(RoutePolicy("camera", Action.view_live))  # checked after accept, to send why
async def mse_viewer(websocket: WebSocket, camera_id: str, role: str) -> None:
    """The fallback: fragmented MP4 for Media Source Extensions (protocol in mse_session)."""
    relay = live_relay_ws(websocket)
    await websocket.accept()
    try:
        principal = await live_access(camera_id, role, websocket)
        view = await watch_view(
            websocket,
            principal,
            camera_id,
            role,
            "mse",
            on_revoked=lambda _reason: websocket.close(CLOSE_ACCESS_REVOKED, "access_revoked"),
        )
    except GatewayError as exc:
        await websocket.send_json({"type": "error", "error": exc.code, "detail": str(exc)})
        await websocket.close(4000 + exc.status, reason=exc.code)
        return
    try:
        await relay.serve_mse(websocket, camera_id, role)
    finally:
        await end_view(websocket, view)


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)
