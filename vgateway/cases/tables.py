"""Investigation case tables. Investigators are assigned through the auth feature's
`auth_case_assignments` (case id = this table's id), so access checks stay in one place."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, PrimaryKeyConstraint, String, Table, Text

from vgateway.storage.db import metadata

cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True, doc="the case number, AJ-20261126-0001"),
    Column("title", String(256), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False, doc="open or closed"),
    Column("created_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("closed_at", Float, nullable=True),
)

case_tickets = Table(
    "case_tickets",
    metadata,
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("ticket_id", String(32), ForeignKey("tickets.id"), nullable=False),
    Column("added_by", String(128), nullable=False),
    Column("added_at", Float, nullable=False),
    PrimaryKeyConstraint("case_id", "ticket_id"),
)

# Clips put in a case directly (clips of its tickets belong to it through the tickets), with
# the recording hold that keeps their footage while the case is open.
case_clips = Table(
    "case_clips",
    metadata,
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("clip_id", String(128), nullable=False),
    Column("hold_id", Integer, nullable=True),
    Column("added_by", String(128), nullable=False),
    Column("added_at", Float, nullable=False),
    PrimaryKeyConstraint("case_id", "clip_id"),
)
