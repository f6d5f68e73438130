"""Event tables on the main database: one row per event, its snapshot in a side table."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from vgateway.storage.db import metadata

events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("camera_id", String(64), nullable=False),
    Column("town", String(64), nullable=False),
    Column("rule_id", String(64), nullable=False),
    Column("rule_type", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("priority_level", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("started_at", Float, nullable=False, doc="unix time, UTC"),
    Column("updated_at", Float, nullable=False),
    Column("acked_at", Float, nullable=True),
    Column("acked_by", String(128), nullable=True),
    Column("body", Text, nullable=False, doc="the whole Event as JSON"),
    Index("ix_events_started", "started_at"),
    Index("ix_events_camera_started", "camera_id", "started_at"),
    Index("ix_events_town_started", "town", "started_at"),
)

event_snapshots = Table(
    "event_snapshots",
    metadata,
    Column("event_id", String(32), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("jpeg", LargeBinary, nullable=False),
    Column("updated_at", Float, nullable=False),
)
