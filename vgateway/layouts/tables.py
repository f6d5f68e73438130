"""The saved-layouts table, on the main database's metadata."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table, UniqueConstraint

from vgateway.storage.db import metadata

wall_layouts = Table(
    "wall_layouts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(128), nullable=False),
    Column("name", String(64), nullable=False),
    Column("grid", Integer, nullable=False),
    # camera ids (or null for an empty tile) in row-major tile order
    Column("tiles", JSON, nullable=False),
    Column("updated_at", Float, nullable=False, doc="unix time, UTC"),
    UniqueConstraint("user_name", "name", name="uq_wall_layouts_user_name"),
)
