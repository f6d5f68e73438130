"""A real gateway (uvicorn on a free port) over the camera simulator, for the live relay tests.

Viewers need a real server: aiortc peers and Chromium talk to it over UDP/TCP. ICE is pinned
to 127.0.0.1 on both sides so the tests use loopback only, whatever interfaces the host has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI

from tests.fixtures.network import network_for
from tests.fixtures.servers import serve_app
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.relay import IceSettings, RelaySettings
from vgateway.relay.service import LiveRelay
from vgateway.simulator.client import SimulatorProcess

LOOPBACK_ICE = IceSettings(host_addresses=["127.0.0.1"])
T = TypeVar("T")


@dataclass
class LiveServer:
    app: FastAPI
    base_url: str
    simulator: SimulatorProcess
    loop: asyncio.AbstractEventLoop

    @property
    def relay(self) -> LiveRelay:
        relay: LiveRelay = self.app.state.relay
        return relay

    def url(self, path: str) -> str:
        return self.base_url + path

    def tasks(self) -> int:
        """asyncio tasks alive on the server's loop (besides the one counting)."""

        async def count() -> int:
            return len(asyncio.all_tasks()) - 1

        return self.call(count())

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        """Run a coroutine on the server's event loop, where its sessions live."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def live_app(simulator: SimulatorProcess, tmp_path: Path, cameras: int = 3) -> FastAPI:
    cams = simulator.camera_ids[:cameras]
    urls = {c: {"main": simulator.url(c, "main"), "sub": simulator.url(c, "sub")} for c in cams}
    app = create_app(network_for(urls, tmp_path), base_dir=tmp_path)
    app.state.relay_settings = RelaySettings(ice=LOOPBACK_ICE)
    app.state.auth_settings = AuthSettings(enabled=False)  # access control is tested in auth
    return app


@contextmanager
def running_gateway(simulator: SimulatorProcess, tmp_path: Path) -> Iterator[LiveServer]:
    app = live_app(simulator, tmp_path)
    with serve_app(app) as served:
        yield LiveServer(app, served.base_url, simulator, served.loop)


@pytest.fixture(scope="module")
def shared_live(
    shared_simulator: SimulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One gateway for a test module, over the session's simulator (tests set no faults).

    Main streams: cam001 960x540 with B-frames (3 s GOP), cam002 626x360 (8 s GOP), cam003
    640x352 (2 s GOP); every sub stream is 640x352 (2 s GOP)."""
    with running_gateway(shared_simulator, tmp_path_factory.mktemp("live")) as server:
        hub = server.app.state.services.hub
        wait_for(lambda: bool(hub.stream("cam001", "sub").cached_gop()), 30, "a first picture")
        yield server


@pytest.fixture
def live_server(simulator: SimulatorProcess, tmp_path: Path) -> Iterator[LiveServer]:
    """A gateway over a fresh simulator of its own (for tests that inject faults)."""
    with running_gateway(simulator, tmp_path) as server:
        yield server


def hub_subscribers(server: LiveServer, camera_id: str, role: str) -> int:
    return int(server.app.state.services.hub.stream(camera_id, role).subscriber_count)


def drained(server: LiveServer) -> bool:
    """No session, no shared fragmenter, nothing shutting down left in the relay."""
    return server.relay.idle
