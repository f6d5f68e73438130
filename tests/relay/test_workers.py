"""WebRTC viewers served by relay worker processes, through the real parts: simulator camera,
gateway with `workers=2`, aiortc viewers over loopback."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.fixtures.servers import serve_app
from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LOOPBACK_ICE, LiveServer, drained, hub_subscribers, live_app
from vgateway.relay import RelaySettings
from vgateway.relay.client import WhepViewer
from vgateway.relay.workers import RemoteSession, WorkerPool
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp


@contextmanager
def gateway_with_workers(simulator: SimulatorProcess, tmp_path: Path) -> Iterator[LiveServer]:
    app = live_app(simulator, tmp_path)
    app.state.relay_settings = RelaySettings(ice=LOOPBACK_ICE, workers=2)
    with serve_app(app) as served:
        yield LiveServer(app, served.base_url, simulator, served.loop)


def pool(server: LiveServer) -> WorkerPool:
    assert server.relay.pool is not None
    return server.relay.pool


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def gateway(
    shared_simulator: SimulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with gateway_with_workers(shared_simulator, tmp_path_factory.mktemp("workers")) as server:
        yield server
    pids = [link.pid for link in pool(server).links]
    assert all(pid is not None and not alive(pid) for pid in pids), "a worker outlived the app"


async def test_viewers_spread_over_workers_on_one_upstream(gateway: LiveServer) -> None:
    url = gateway.url("/api/live/cam002/sub/whep")
    others = hub_subscribers(gateway, "cam002", "sub")  # sub streams feed analytics too
    async with httpx.AsyncClient(timeout=30) as http:
        viewers = list(
            await asyncio.gather(*(WhepViewer.connect(http, url, LOOPBACK_ICE) for _ in range(10)))
        )
        frames = await asyncio.gather(*(asyncio.wait_for(v.track.recv(), 15) for v in viewers))
        assert all((f.width, f.height) == (640, 352) for f in frames)
        assert gateway.simulator.sessions("cam002", "sub") == 1
        # the gateway feeds each worker once, whatever its number of viewers
        assert hub_subscribers(gateway, "cam002", "sub") == others + 2
        sessions = [gateway.relay.registry.get(v.session_id) for v in viewers]
        assert all(isinstance(s, RemoteSession) for s in sessions)
        workers = [s.worker for s in sessions if isinstance(s, RemoteSession)]
        assert sorted(workers) == [0] * 5 + [1] * 5
        status = gateway.call(pool(gateway).status())
        held = {v["worker"]: set(v["sessions"]) for v in status}
        assert held[0] | held[1] == {v.session_id for v in viewers} and held[0] and held[1]
        assert len({v["pid"] for v in status} | {os.getpid()}) == 3

        def stats_merged() -> bool:
            listed = httpx.get(gateway.url("/api/live/stats")).json()
            return len(listed) == 10 and all(s["packets_sent"] > 0 for s in listed)

        await asyncio.to_thread(wait_for, stats_merged, 10, "worker stats in /api/live/stats")
        assert all(
            s["state"] == "connected"
            for s in (await http.get(gateway.url("/api/live/stats"))).json()
        )
        statuses = await asyncio.gather(*(v.hangup(http) for v in viewers))
        assert statuses == [204] * 10
    status = gateway.call(pool(gateway).status())
    assert all(v["sessions"] == [] and v["feeds"] == [] for v in status)
    wait_for(lambda: drained(gateway), 5, "the registry to empty")
    wait_for(lambda: hub_subscribers(gateway, "cam002", "sub") == others, 5, "the feeds to stop")


async def test_b_frames_refused_before_reaching_a_worker(gateway: LiveServer) -> None:
    async with httpx.AsyncClient(timeout=15) as http:
        response = await http.post(
            gateway.url("/api/live/cam001/main/whep"), content=await _offer()
        )
    assert response.status_code == 422
    wait_for(lambda: drained(gateway), 5, "nothing left behind")
    assert all(not link.feeding() for link in pool(gateway).links)


async def _offer() -> str:
    from aiortc import RTCPeerConnection

    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    await pc.close()
    return str(pc.localDescription.sdp)


async def test_crashed_worker_is_restarted_and_its_viewers_end(gateway: LiveServer) -> None:
    url = gateway.url("/api/live/cam003/sub/whep")
    async with httpx.AsyncClient(timeout=30) as http:
        first, second = [await WhepViewer.connect(http, url, LOOPBACK_ICE) for _ in range(2)]
        await asyncio.gather(*(asyncio.wait_for(v.track.recv(), 15) for v in (first, second)))
        session = gateway.relay.registry.get(first.session_id)
        assert isinstance(session, RemoteSession)
        crashed = session.link.pid
        assert crashed is not None
        os.kill(crashed, signal.SIGKILL)
        await asyncio.to_thread(
            wait_for,
            lambda: gateway.relay.registry.get(first.session_id) is None,
            10,
            "the crashed worker's session to end",
        )
        assert gateway.relay.registry.get(second.session_id) is not None
        link = pool(gateway).links[session.worker]
        await asyncio.to_thread(wait_for, lambda: link.alive, 15, "the worker to restart")
        assert link.pid != crashed and pool(gateway).restarts == 1
        again = await WhepViewer.connect(http, url, LOOPBACK_ICE)
        assert (await asyncio.wait_for(again.track.recv(), 15)).width == 640
        for viewer in (first, second, again):
            await viewer.hangup(http)
    wait_for(lambda: drained(gateway), 10, "the registry to empty")
