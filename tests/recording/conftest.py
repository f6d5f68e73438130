"""Fixtures for recording tests: looped real footage, the index on SQLite or PostgreSQL, and a
real gateway (uvicorn) over the camera simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.fixtures.network import network_for
from tests.fixtures.servers import serve_app
from tests.recording.media import STREET, Footage
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.recording import RecordingService, RecordingSettings
from vgateway.simulator.client import SimulatorProcess
from vgateway.storage import create_db_engine

T = TypeVar("T")


@pytest.fixture(scope="session")
def street(shared_dir: Path) -> Footage:
    return Footage.load(shared_dir / STREET)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The index on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gw.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@dataclass
class Gateway:
    """A real gateway: uvicorn on a free port in a thread, over the camera simulator."""

    app: FastAPI
    base_url: str
    loop: asyncio.AbstractEventLoop

    @property
    def recording(self) -> RecordingService:
        service: RecordingService = self.app.state.recording
        return service

    def url(self, path: str) -> str:
        return self.base_url + path

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the server's event loop (where the recording service lives)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


LIVE_SETTINGS = {
    "segment_seconds": 4,
    "pre_roll_s": 3,
    "post_roll_s": 2,
    "min_free_bytes": 0,
    "writer_threads": 1,
    "cameras": {"cam001": {"mode": "continuous"}, "cam002": {"mode": "events"}},
}


@pytest.fixture(scope="module")
def live_gateway(
    shared_simulator: SimulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    """Two simulated cameras: cam001 recorded continuously, cam002 events-only."""
    tmp_path = tmp_path_factory.mktemp("gateway")
    cams = shared_simulator.camera_ids[:2]
    urls = {
        c: {"main": shared_simulator.url(c, "main"), "sub": shared_simulator.url(c, "sub")}
        for c in cams
    }
    app = create_app(network_for(urls, tmp_path), base_dir=tmp_path)
    app.state.recording_settings = RecordingSettings.model_validate(LIVE_SETTINGS)
    app.state.auth_settings = AuthSettings(enabled=False)  # access control is auth's test
    with serve_app(app, start_timeout=60) as served:
        yield Gateway(app, served.base_url, served.loop)
