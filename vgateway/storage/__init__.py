"""The main database: engine creation and table definitions (SQLite by default, PostgreSQL when
`database_url` says so). Owns the schema; every other package reads and writes through it."""

from vgateway.storage.db import create_db_engine, metadata

__all__ = ["create_db_engine", "metadata"]
