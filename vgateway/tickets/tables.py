"""Work-order (工单) tables on the main database's metadata.

A ticket's number is its primary key (GD-20261126-0001: prefix, local date, daily sequence).
Cameras, timeline notes, linked detection events and linked clips are child rows, so a ticket
can be filtered by camera and its history is append-only.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from vgateway.storage.db import metadata

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(32), primary_key=True, doc="the ticket number, GD-20261126-0001"),
    Column("category", String(64), nullable=False),
    Column("town", String(64), nullable=True),
    Column("grid", String(128), nullable=True, doc="网格: the grid cell responsible"),
    Column("location", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("source", String(16), nullable=False, doc="event, hotline, manual or live"),
    Column("source_ref", String(128), nullable=True, doc="event id or 12345 order number"),
    Column("rule_id", String(128), nullable=True, doc="detection rule, for de-duplication"),
    Column("priority", String(16), nullable=False),
    Column("deadline", Float, nullable=False, doc="unix time the ticket must be resolved by"),
    Column("department", String(128), nullable=True, doc="assigned department"),
    Column("status", String(16), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("resolved_at", Float, nullable=True),
    Column("closed_at", Float, nullable=True),
    Column("last_event_at", Float, nullable=True, doc="latest linked detection (dedup window)"),
    Index("ix_tickets_status_deadline", "status", "deadline"),
    Index("ix_tickets_created", "created_at"),
    Index("ix_tickets_town", "town"),
    Index("ix_tickets_source_ref", "source", "source_ref"),
)

ticket_cameras = Table(
    "ticket_cameras",
    metadata,
    Column("ticket_id", String(32), ForeignKey("tickets.id"), nullable=False),
    Column("camera_id", String(64), nullable=False),
    PrimaryKeyConstraint("ticket_id", "camera_id"),
    Index("ix_ticket_cameras_camera", "camera_id"),
)

# The timeline: who did what when. Status changes are notes with status_from/status_to set.
ticket_notes = Table(
    "ticket_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", String(32), ForeignKey("tickets.id"), nullable=False),
    Column("at", Float, nullable=False),
    Column("author", String(128), nullable=False),
    Column("kind", String(16), nullable=False, doc="note, status, event, clip, system"),
    Column("text", Text, nullable=False),
    Column("status_from", String(16), nullable=True),
    Column("status_to", String(16), nullable=True),
    Index("ix_ticket_notes_ticket", "ticket_id", "id"),
)

ticket_events = Table(
    "ticket_events",
    metadata,
    Column("ticket_id", String(32), ForeignKey("tickets.id"), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("rule_id", String(128), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("linked_at", Float, nullable=False),
    PrimaryKeyConstraint("ticket_id", "event_id"),
    Index("ix_ticket_events_event", "event_id"),
)

# Clips made for a ticket, and the recording hold that keeps their footage while it is open.
ticket_clips = Table(
    "ticket_clips",
    metadata,
    Column("ticket_id", String(32), ForeignKey("tickets.id"), nullable=False),
    Column("clip_id", String(128), nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("start_at", Float, nullable=False),
    Column("end_at", Float, nullable=False),
    Column("status", String(16), nullable=False, doc="pending, ready or failed"),
    Column("error", Text, nullable=True),
    Column("hold_id", Integer, nullable=True),
    Column("added_by", String(128), nullable=False),
    Column("added_at", Float, nullable=False),
    PrimaryKeyConstraint("ticket_id", "clip_id"),
    Index("ix_ticket_clips_clip", "clip_id"),
)

# Daily counters behind ticket and case numbers (one row per prefix and local date).
ticket_sequences = Table(
    "ticket_sequences",
    metadata,
    Column("prefix", String(8), nullable=False),
    Column("day", String(8), nullable=False),
    Column("last", Integer, nullable=False),
    PrimaryKeyConstraint("prefix", "day"),
)
