"""Alembic environment: the target is `vgateway.storage.db.metadata` with every feature's
tables loaded. The gateway passes its own connection (see `vgateway.storage.migrate`); the
alembic command line takes the database from `-x url=...` or $VGATEWAY_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from vgateway.storage.db import metadata
from vgateway.storage.schema import load_all_tables

load_all_tables()
config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url") or os.environ.get("VGATEWAY_DATABASE_URL")
    if not url:
        raise SystemExit("alembic: give the database as -x url=... or $VGATEWAY_DATABASE_URL")
    return url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: alembic rebuilds the table ("batch") instead
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
