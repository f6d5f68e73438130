"""Fixtures for recording tests: looped real footage and the index on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.recording.media import STREET, Footage
from vgateway.storage import create_db_engine


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
