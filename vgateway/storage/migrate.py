"""Schema migrations (alembic, under `migrations/`), run from code when the engine is created.

A fresh database gets every table from the metadata in one go and is stamped at the head
revision (much faster than replaying migrations, and the schema test proves both give the same
schema); an existing one is upgraded to the head. On PostgreSQL the whole step runs under an
advisory lock, so gateway processes starting together do not race.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
VERSION_TABLE = "alembic_version"
_PG_LOCK_ID = 0x76677779  # arbitrary constant naming "the vgateway schema" for advisory locks


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An alembic config for our migrations; `connection` is used as is when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration revisions under {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def prepare_schema(engine: Engine) -> None:
    """Bring the database to the head revision (create, or upgrade what is there)."""
    from vgateway.storage.db import metadata
    from vgateway.storage.schema import load_all_tables

    load_all_tables()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        tables = set(inspect(conn).get_table_names())
        if VERSION_TABLE in tables:
            upgrade(conn)
            return
        if tables:
            # Created by create_all before migrations existed: add what is missing and mark it
            # current. Columns added to old tables since then cannot be known here.
            log.warning(
                "database has tables but no migration record: creating missing tables and "
                "marking it at revision %s",
                head_revision(),
            )
        metadata.create_all(conn)
        script = ScriptDirectory.from_config(alembic_config())
        MigrationContext.configure(conn).stamp(script, "head")


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Run the migrations on `connection` (no-op when it is at the head already)."""
    if revision == "head" and current_revision(connection) == head_revision():
        return
    log.info("upgrading the database schema to %s", revision)
    command.upgrade(alembic_config(connection), revision)
