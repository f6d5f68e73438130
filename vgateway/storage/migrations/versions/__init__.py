"""Revisions, oldest first (alembic skips this file)."""
