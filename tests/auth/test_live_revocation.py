"""Revoking or expiring a share cuts the town's open live streams within seconds, through the
real parts: camera simulator -> ingest -> hub -> relay (MSE WebSocket and WebRTC) -> clients,
with the audit trail recording start, stop, duration and why."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.auth.conftest import add_users, write_network
from tests.auth.live_server import serve
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.audit.chain import AuditEntry
from vgateway.audit.store import AuditQuery
from vgateway.auth.principal import Role
from vgateway.auth.service import AuthService
from vgateway.relay import IceSettings, RelaySettings
from vgateway.relay.client import WhepViewer
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp
LOOPBACK_ICE = IceSettings(host_addresses=["127.0.0.1"])
CUT_WITHIN_S = 5.0


@dataclass
class Live:
    base: str
    auth: AuthService
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def media_token(self, user: str, camera: str) -> str:
        response = httpx.post(
            f"{self.base}/api/auth/media-token",
            json={"camera_id": camera, "action": "view_live"},
            headers=self.headers(user),
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def ws(self, camera: str, query: str = "") -> str:
        return self.base.replace("http", "ws", 1) + f"/api/live/{camera}/sub/mse{query}"

    def share(self, **body: object) -> int:
        response = httpx.post(
            f"{self.base}/api/shares",
            json={"town": "alpha", **body},
            headers=self.headers("district"),
        )
        assert response.status_code == 201, response.text
        share_id: int = response.json()["id"]
        return share_id


@pytest.fixture
def live(shared_simulator: SimulatorProcess, tmp_path: Path) -> Iterator[Live]:
    # charlie1 (town charlie) is a real camera of the simulator; alpha's operator sees it
    # only through the shares the tests make
    sim = shared_simulator
    streams = {"charlie1": {"main": sim.url("cam003", "main"), "sub": sim.url("cam003", "sub")}}
    app = create_app(write_network(tmp_path, streams=streams), base_dir=tmp_path)
    app.state.relay_settings = RelaySettings(ice=LOOPBACK_ICE)
    with serve(app) as base:
        auth: AuthService = app.state.auth
        hub = app.state.services.hub
        wait_for(lambda: bool(hub.stream("charlie1", "sub").cached_gop()), 30, "a first picture")
        yield Live(base, auth, add_users(auth))


async def _until_playing(ws: ClientConnection) -> None:
    while not isinstance(await asyncio.wait_for(ws.recv(), 10), bytes):
        pass


async def _cut_after(ws: ClientConnection, limit_s: float) -> tuple[float, int | None]:
    """Read until the server closes; (when, close code)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), limit_s)
    except ConnectionClosed as closed:
        return time.monotonic(), closed.rcvd.code if closed.rcvd else None


async def _audited_stop(live: Live) -> AuditEntry:
    """The op_alpha live.stop entry; the view is closed (and audited) on a worker thread right
    after the session disappears, so wait for it briefly rather than race it."""
    deadline = time.monotonic() + 5
    while True:
        stops = live.auth.audit.search(AuditQuery(action="live.stop", actor="op_alpha"))
        if stops or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert stops, "the cut live view was not audited as live.stop"
    return stops[0]


async def test_revoked_share_cuts_the_towns_websocket_stream(live: Live) -> None:
    share_id = live.share(camera_id="charlie1", reason="防汛会商")
    token = live.media_token("op_alpha", "charlie1")
    async with (
        connect(live.ws("charlie1", f"?token={token}")) as town,
        connect(live.ws("charlie1"), additional_headers=live.headers("district")) as centre,
    ):
        await _until_playing(town)
        await _until_playing(centre)
        revoked_at = time.monotonic()
        async with httpx.AsyncClient() as http:
            response = await http.delete(
                f"{live.base}/api/shares/{share_id}", headers=live.headers("district")
            )
        assert response.status_code == 200 and response.json()["status"] == "revoked"
        cut_at, code = await _cut_after(town, CUT_WITHIN_S + 5)
        assert cut_at - revoked_at < CUT_WITHIN_S
        assert code == 4403
        for _ in range(5):  # the district centre watches on
            assert await asyncio.wait_for(centre.recv(), 10)
    # the copied URL is dead too, though its token has not expired
    async with connect(live.ws("charlie1", f"?token={token}")) as again:
        refused = json.loads(await asyncio.wait_for(again.recv(), 10))
        assert refused["type"] == "error" and refused["error"] == "not_found"
        assert (await _cut_after(again, 5))[1] == 4404
    stop = await _audited_stop(live)
    assert stop.reason == "access revoked: share revoked" and stop.camera_id == "charlie1"
    assert stop.detail["transport"] == "mse" and stop.detail["duration_s"] > 0
    start = live.auth.audit.search(AuditQuery(action="live.start", actor="op_alpha"))[0]
    assert start.address == "127.0.0.1" and start.seq < stop.seq


async def test_expired_share_cuts_the_stream(live: Live) -> None:
    live.share(camera_id="charlie1", reason="临时借调", ttl_s=4)
    expires_at = time.monotonic() + 4
    token = live.media_token("op_alpha", "charlie1")
    async with connect(live.ws("charlie1", f"?token={token}")) as town:
        await _until_playing(town)
        cut_at, code = await _cut_after(town, 15)
    assert code == 4403 and cut_at - expires_at < CUT_WITHIN_S
    assert live.auth.audit.search(AuditQuery(action="share.expire"))
    stop = await _audited_stop(live)
    assert stop.reason == "access revoked: share expired"


async def test_revoked_share_cuts_the_towns_webrtc_session(live: Live) -> None:
    share_id = live.share(tag="school", reason="校园周边巡查")
    token = live.media_token("op_alpha", "charlie1")
    whep = f"{live.base}/api/live/charlie1/sub/whep?token={token}"
    async with httpx.AsyncClient() as http:
        viewer = await WhepViewer.connect(http, whep, ice=LOOPBACK_ICE)
        try:
            await asyncio.wait_for(viewer.track.recv(), 15)  # a first decoded frame
            # another operator of the same town sees the camera, but cannot hang this viewer up
            live.auth.admin.add_user("op_alpha_2", Role.town_operator, by="t", town="alpha")
            other, _ = live.auth.admin.create_token("op_alpha_2", "t", by="t")
            other_headers = {"Authorization": f"Bearer {other}"}
            hang_up = await http.delete(viewer.session_url, headers=other_headers)
            assert hang_up.status_code == 404
            revoked_at = time.monotonic()
            response = await http.delete(
                f"{live.base}/api/shares/{share_id}", headers=live.headers("district")
            )
            assert response.status_code == 200

            async def sessions() -> list[object]:
                stats = await http.get(
                    f"{live.base}/api/live/stats", headers=live.headers("district")
                )
                return list(stats.json())

            while await sessions():
                assert time.monotonic() - revoked_at < CUT_WITHIN_S, "WebRTC session not cut"
                await asyncio.sleep(0.1)
        finally:
            await viewer.hangup()
    stop = await _audited_stop(live)
    assert stop.reason == "access revoked: share revoked"
    assert stop.detail["transport"] == "webrtc"
