"""Tables of the 12345-hotline link: the outbound outbox and the inbound idempotency record."""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, String, Table, Text

from vgateway.storage.db import metadata

# Every ticket change for the platform is written here in the same transaction as the change,
# then delivered (and retried with backoff) by the sender: nothing is lost across restarts.
hotline_outbox = Table(
    "hotline_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False, doc="ticket.created, ticket.updated, ..."),
    Column("ticket_id", String(32), nullable=False),
    Column("body", Text, nullable=False, doc="the exact JSON bytes sent (UTF-8)"),
    Column("status", String(16), nullable=False, doc="pending, delivered or dead"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float, nullable=False),
    Column("locked_until", Float, nullable=True, doc="a sender's claim on the row"),
    Column("last_status", Integer, nullable=True, doc="HTTP status of the last attempt"),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Index("ix_hotline_outbox_due", "status", "next_attempt_at"),
    Index("ix_hotline_outbox_ticket", "ticket_id", "id"),
)

# Inbound requests by idempotency key: a retried request gets the stored answer back.
hotline_requests = Table(
    "hotline_requests",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("endpoint", String(64), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("status_code", Integer, nullable=True, doc="NULL while the first one runs"),
    Column("response", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Index("ix_hotline_requests_created", "created_at"),
)
