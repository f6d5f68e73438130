"""Schema migrations: alembic's revisions build exactly the schema the code declares, on SQLite
and PostgreSQL; the gateway's start-up brings any database to the head and keeps its rows."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Table, create_engine, func, insert, inspect, select

from vgateway.storage import create_db_engine
from vgateway.storage.db import metadata
from vgateway.storage.migrate import VERSION_TABLE, alembic_config, current_revision, head_revision
from vgateway.storage.schema import load_all_tables

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gw.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def bare(url: str) -> Iterator[Engine]:
    """An engine on an empty database, without the gateway's start-up steps."""
    engine = create_engine(url)
    yield engine
    engine.dispose()


def _diff(engine: Engine) -> list[object]:
    load_all_tables()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_build_exactly_the_declared_schema(bare: Engine) -> None:
    with bare.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    diff = _diff(bare)
    assert diff == [], (
        "the migrations and the tables in code differ: add a revision with\n"
        "  alembic -c vgateway/storage/migrations/alembic.ini -x url=URL revision "
        "--autogenerate -m '...'\n" + "\n".join(map(str, diff))
    )
    with bare.connect() as conn:
        assert current_revision(conn) == head_revision()


def test_a_fresh_database_is_created_at_the_head(url: str) -> None:
    engine = create_db_engine(url)
    try:
        assert _diff(engine) == []
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
    finally:
        engine.dispose()


def test_upgrading_an_existing_database_keeps_its_rows(bare: Engine, url: str) -> None:
    # a database at the first revision, with data in tables of several features
    with bare.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            insert(metadata.tables["camera_state_events"]).values(
                camera_id="cam001", stream="main", state="online", previous="connecting", at=1.0
            )
        )
        conn.execute(
            insert(metadata.tables["ticket_sequences"]).values(prefix="GD", day="20261126", last=7)
        )
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert (
                conn.execute(
                    select(func.count()).select_from(_table("camera_state_events"))
                ).scalar()
                == 1
            )
            assert conn.execute(select(_table("ticket_sequences").c.last)).scalar() == 7
    finally:
        engine.dispose()


def test_a_database_made_before_migrations_is_completed_and_stamped(bare: Engine, url: str) -> None:
    old = [metadata.tables["camera_state_events"], metadata.tables["audit_log"]]
    metadata.create_all(bare, tables=old)
    with bare.begin() as conn:
        conn.execute(
            insert(old[0]).values(
                camera_id="c", stream="sub", state="offline", previous="online", at=2.0
            )
        )
    engine = create_db_engine(url)
    try:
        assert _diff(engine) == []
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(old[0])).scalar() == 1
            assert VERSION_TABLE in inspect(conn).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_processes_starting_together_do_not_race(postgres_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            create_db_engine(postgres_url).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(_table(VERSION_TABLE, conn))).scalar()
            == 1
        )
    engine.dispose()


def test_every_tables_module_is_registered_in_the_schema() -> None:
    """A feature's tables.py not imported by storage/schema.py would be missing from the
    migrations and from fresh databases."""
    load_all_tables()
    missing = []
    for path in sorted((REPO / "vgateway").rglob("tables.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Table":
                name = node.args[0]
                if isinstance(name, ast.Constant) and name.value not in metadata.tables:
                    missing.append(f"{path.relative_to(REPO)}: {name.value}")
    assert missing == [], "add these modules to vgateway/storage/schema.py:\n" + "\n".join(missing)


def _table(name: str, conn: object | None = None) -> Table:
    if name in metadata.tables:
        return metadata.tables[name]
    from sqlalchemy import MetaData

    reflected = MetaData()
    reflected.reflect(conn, only=[name])  # type: ignore[arg-type]
    return reflected.tables[name]
