"""Fixtures for ticket tests: the main database on SQLite and on the real PostgreSQL server,
a ticket store on it, a small network (tests.auth's three towns), and a real RecordingService
on a hub fed with real footage."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.auth.conftest import write_network
from tests.recording.media import STREET, Footage
from vgateway.config import NetworkConfig
from vgateway.hub import Hub
from vgateway.recording import RecordingService, RecordingSettings
from vgateway.storage import create_db_engine
from vgateway.tickets.store import TicketStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gw.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def network(tmp_path: Path) -> NetworkConfig:
    return write_network(tmp_path)


class Clock:
    """A settable clock (unix seconds), for deadlines and windows."""

    def __init__(self, now: float = 1_795_000_000.0) -> None:  # 2026-11-18, Asia/Shanghai
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(any_engine: Engine, clock: Clock) -> TicketStore:
    return TicketStore(any_engine, clock=clock)


# -- real recording on a hub fed with real footage (no RTSP) --------------------------------

RECORDING = {
    "segment_seconds": 4,
    "writer_threads": 1,
    "min_free_bytes": 0,
    "pre_roll_s": 3,
    "post_roll_s": 2,
    "cameras": {"alpha1": {"mode": "continuous"}, "alpha2": {"mode": "off"}},
}


@pytest.fixture(scope="session")
def street(shared_dir: Path) -> Footage:
    return Footage.load(shared_dir / STREET)


@pytest.fixture
async def recording(
    network: NetworkConfig, engine: Engine, tmp_path: Path
) -> AsyncIterator[RecordingService]:
    settings = RecordingSettings.model_validate(RECORDING)
    service = RecordingService(network, engine, Hub(), settings, tmp_path / "var")
    await service.start()
    yield service
    await service.stop()


async def until(predicate: Callable[[], object], what: str, within: float = 30) -> None:
    """Await a blocking predicate (run in a thread) becoming true."""
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
