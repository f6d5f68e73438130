"""The auth feature's tables, on the main database's metadata."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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

auth_users = Table(
    "auth_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("display_name", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("town", String(64), nullable=True, doc="at most one town per user"),
    Column("password_hash", Text, nullable=True, doc="argon2id; null: API tokens only"),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("updated_at", Float, nullable=False),
)

# Web sessions and API tokens: only a SHA-256 of each secret is stored, so a copy of the
# database does not let anyone in.
auth_credentials = Table(
    "auth_credentials",
    metadata,
    Column("id", String(32), primary_key=True, doc="public id, for listing and revoking"),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False, doc="session or api_token"),
    Column("user_name", String(64), ForeignKey("auth_users.name"), nullable=False),
    Column("label", String(128), nullable=True),
    Column("scope", String(32), nullable=True, doc="'metrics': may read metrics and nothing else"),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=True),
    Column("last_used_at", Float, nullable=False),
    Column("address", String(64), nullable=True),
    Column("revoked_at", Float, nullable=True),
    Index("ix_auth_credentials_user", "user_name"),
)

auth_shares = Table(
    "auth_shares",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("town", String(64), nullable=False),
    Column("camera_id", String(64), nullable=True, doc="one camera, or..."),
    Column("tag", String(64), nullable=True, doc="...every camera with this tag"),
    Column("reason", Text, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=True),
    Column("revoked_at", Float, nullable=True),
    Column("revoked_by", String(128), nullable=True),
    # set by whichever process first records the expiry, so it is recorded once
    Column("expiry_recorded", Boolean, nullable=False, default=False),
    Index("ix_auth_shares_town", "town"),
)

auth_case_assignments = Table(
    "auth_case_assignments",
    metadata,
    Column("user_name", String(64), ForeignKey("auth_users.name"), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("assigned_by", String(128), nullable=False),
    Column("assigned_at", Float, nullable=False),
    PrimaryKeyConstraint("user_name", "case_id"),
)
