"""The audit trail's tables, on the main database's metadata."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from vgateway.storage.db import metadata

audit_log = Table(
    "audit_log",
    metadata,
    # Assigned by the appender under the chain-head lock, never by the database: a gap is a
    # deleted entry, and two writers can never both claim the same number (primary key).
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", Float, nullable=False, doc="unix time, UTC"),
    Column("actor", String(128), nullable=False, doc="user name, or 'system'"),
    Column("role", String(32), nullable=True),
    Column("action", String(64), nullable=False),
    Column("camera_id", String(64), nullable=True),
    Column("clip_id", String(128), nullable=True),
    Column("ticket_id", String(128), nullable=True),
    Column("address", String(64), nullable=True, doc="client IP address"),
    Column("reason", Text, nullable=True),
    Column("detail", Text, nullable=False, doc="canonical JSON object"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_actor", "actor", "seq"),
    Index("ix_audit_log_camera", "camera_id", "seq"),
    Index("ix_audit_log_action", "action", "seq"),
)

# One row (id 1): the last appended entry. Appenders lock it, so the chain never forks; verify
# compares it with the last entry, so entries deleted from the end are noticed too.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
