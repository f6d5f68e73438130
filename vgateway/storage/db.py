"""Engine creation and the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

metadata = MetaData()

camera_state_events = Table(
    "camera_state_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(64), nullable=False),
    Column("stream", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("previous", String(32), nullable=False),
    Column("at", Float, nullable=False, doc="unix time, UTC"),
    Column("error", Text, nullable=True),
    Index("ix_camera_state_events_camera_at", "camera_id", "at"),
)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL: readers (API) never wait on the writer (history, recording index); a crash
    # mid-write leaves the last committed state intact.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_db_engine(database_url: str, base_dir: Path | None = None) -> Engine:
    """Create the engine and bring the schema to the latest migration (a fresh database gets
    every table); relative SQLite paths resolve against `base_dir`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database or "")
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        path.parent.mkdir(parents=True, exist_ok=True)
        url = url.set(database=str(path))
    engine = create_engine(url, pool_pre_ping=True)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    from vgateway.storage.migrate import prepare_schema

    prepare_schema(engine)
    return engine
