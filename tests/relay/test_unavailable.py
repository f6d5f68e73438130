"""Cameras a browser cannot play, cameras that are down, and cameras that reconnect."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.fixtures.rtsp import require_gst_rtsp_server
from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LOOPBACK_ICE, LiveServer, drained, running_gateway
from tests.relay.test_mse import decode_all, read_segments, ws_url
from vgateway.relay.client import WhepError, WhepViewer
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp


@pytest.fixture
def hevc_live(tmp_path: Path) -> Iterator[LiveServer]:
    require_gst_rtsp_server()
    with (
        SimulatorProcess(cameras=2, codecs={"cam002": "h265"}) as sim,
        running_gateway(sim, tmp_path) as server,
    ):
        yield server


async def test_hevc_camera_is_refused_with_415_and_4415(hevc_live: LiveServer) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        with pytest.raises(WhepError) as refused:
            await WhepViewer.connect(http, hevc_live.url("/api/live/cam002/sub/whep"), LOOPBACK_ICE)
    assert refused.value.status == 415
    body = json.loads(refused.value.body)
    assert body["error"] == "codec_not_supported" and body["codec"] == "hevc"
    async with connect(ws_url(hevc_live, "cam002", "sub")) as ws:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        await ws.wait_closed()
    assert message == {
        "type": "error",
        "error": "codec_not_supported",
        "codec": "hevc",
        "detail": message["detail"],
    }
    assert ws.close_code == 4415
    # the on-demand main stream is not connected yet: the socket learns it from the packets
    async with connect(ws_url(hevc_live, "cam002", "main")) as ws:
        texts = [json.loads(await asyncio.wait_for(ws.recv(), 15)) for _ in range(2)]
        await ws.wait_closed()
    assert [t["type"] for t in texts] == ["waiting", "error"] and texts[1]["codec"] == "hevc"
    assert ws.close_code == 4415
    wait_for(lambda: drained(hevc_live), 5, "nothing left behind")


async def test_offline_camera_503_then_waiting_socket_starts(live_server: LiveServer) -> None:
    sim = live_server.simulator
    sim.set_fault("cam002", "down")
    health = live_server.app.state.services.ingest.health
    wait_for(lambda: health[("cam002", "sub")].state == "offline", 20, "cam002 offline")
    async with httpx.AsyncClient(timeout=15) as http:
        with pytest.raises(WhepError) as offline:
            await WhepViewer.connect(
                http, live_server.url("/api/live/cam002/sub/whep"), LOOPBACK_ICE
            )
    assert offline.value.status == 503
    assert json.loads(offline.value.body)["error"] == "camera_offline"
    assert "offline" in json.loads(offline.value.body)["detail"]

    async with connect(ws_url(live_server, "cam002", "sub")) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"type": "waiting"}
        sim.set_fault("cam002", "ok")
        texts, media = await read_segments(ws, 6)
    assert texts[0]["type"] == "init"
    assert len(decode_all(media)) == 5
    wait_for(lambda: drained(live_server), 5, "nothing left behind")


async def test_viewers_survive_an_upstream_reconnect(live_server: LiveServer) -> None:
    """Timestamps restart upstream; what viewers get keeps going forward."""
    hub = live_server.app.state.services.hub
    wait_for(lambda: bool(hub.stream("cam001", "sub").cached_gop()), 20, "a first picture")
    epoch = hub.stream("cam001", "sub").epoch
    async with (
        httpx.AsyncClient(timeout=15) as http,
        connect(ws_url(live_server, "cam001", "sub")) as ws,
    ):
        viewer = await WhepViewer.connect(
            http, live_server.url("/api/live/cam001/sub/whep"), LOOPBACK_ICE
        )
        pts = [(await asyncio.wait_for(viewer.track.recv(), 10)).pts for _ in range(5)]
        before_texts, before = await read_segments(ws, 6)
        live_server.simulator.restart_server()
        wait_for(lambda: hub.stream("cam001", "sub").epoch > epoch, 30, "a reconnect")
        for _ in range(30):
            pts.append((await asyncio.wait_for(viewer.track.recv(), 15)).pts)
        after_texts, after = await read_segments(ws, 30)
        await viewer.hangup(http)
    assert all(b > a for a, b in itertools.pairwise(pts)), pts
    # same camera parameters after the reconnect: no SourceBuffer reset, one timeline
    assert [t["type"] for t in before_texts + after_texts if t["type"] != "stats"] == ["init"]
    assert len(decode_all(before + after)) == 35
    wait_for(lambda: drained(live_server), 5, "nothing left behind")
