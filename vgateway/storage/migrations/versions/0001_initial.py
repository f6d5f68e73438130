"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 14:30:31.797246
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=True),
        sa.Column("clip_id", sa.String(length=128), nullable=True),
        sa.Column("ticket_id", sa.String(length=128), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action", "seq"], unique=False)
    op.create_index("ix_audit_log_actor", "audit_log", ["actor", "seq"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_camera", "audit_log", ["camera_id", "seq"], unique=False)
    op.create_table(
        "auth_shares",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("town", sa.String(length=64), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=True),
        sa.Column("tag", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=True),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.Column("expiry_recorded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_auth_shares_town", "auth_shares", ["town"], unique=False)
    op.create_table(
        "auth_users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "camera_state_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("previous", sa.String(length=32), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_camera_state_events_camera_at", "camera_state_events", ["camera_id", "at"], unique=False
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("rule_type", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("priority_level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("acked_at", sa.Float(), nullable=True),
        sa.Column("acked_by", sa.String(length=128), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_camera_started", "events", ["camera_id", "started_at"], unique=False)
    op.create_index("ix_events_started", "events", ["started_at"], unique=False)
    op.create_index("ix_events_town_started", "events", ["town", "started_at"], unique=False)
    op.create_table(
        "hotline_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index(
        "ix_hotline_outbox_due", "hotline_outbox", ["status", "next_attempt_at"], unique=False
    )
    op.create_index("ix_hotline_outbox_ticket", "hotline_outbox", ["ticket_id", "id"], unique=False)
    op.create_table(
        "hotline_requests",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("endpoint", sa.String(length=64), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_hotline_requests_created", "hotline_requests", ["created_at"], unique=False)
    op.create_table(
        "recording_clips",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_start", sa.Float(), nullable=False),
        sa.Column("requested_end", sa.Float(), nullable=False),
        sa.Column("start_at", sa.Float(), nullable=True),
        sa.Column("end_at", sa.Float(), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.String(length=64), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("completed_at", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_recording_clips_camera_start",
        "recording_clips",
        ["camera_id", "requested_start"],
        unique=False,
    )
    op.create_index("ix_recording_clips_status", "recording_clips", ["status"], unique=False)
    op.create_index("ix_recording_clips_ticket", "recording_clips", ["ticket_id"], unique=False)
    op.create_table(
        "recording_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("start_at", sa.Float(), nullable=False),
        sa.Column("end_at", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.String(length=64), nullable=True),
        sa.Column("until", sa.Float(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_recording_holds_camera_range",
        "recording_holds",
        ["camera_id", "start_at", "end_at"],
        unique=False,
    )
    op.create_index("ix_recording_holds_ticket", "recording_holds", ["ticket_id"], unique=False)
    op.create_table(
        "recording_segments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_at", sa.Float(), nullable=False),
        sa.Column("end_at", sa.Float(), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("timeline", sa.String(length=48), nullable=False),
        sa.Column("ts_origin", sa.BigInteger(), nullable=False),
        sa.Column("time_base", sa.String(length=24), nullable=False),
        sa.Column("codec", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_recording_segments_camera_start",
        "recording_segments",
        ["camera_id", "start_at"],
        unique=False,
    )
    op.create_index("ix_recording_segments_start", "recording_segments", ["start_at"], unique=False)
    op.create_index("ix_recording_segments_status", "recording_segments", ["status"], unique=False)
    op.create_table(
        "ticket_sequences",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "day"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("grid", sa.String(length=128), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=True),
        sa.Column("rule_id", sa.String(length=128), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.Float(), nullable=False),
        sa.Column("department", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("resolved_at", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("last_event_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tickets_created", "tickets", ["created_at"], unique=False)
    op.create_index("ix_tickets_source_ref", "tickets", ["source", "source_ref"], unique=False)
    op.create_index("ix_tickets_status_deadline", "tickets", ["status", "deadline"], unique=False)
    op.create_index("ix_tickets_town", "tickets", ["town"], unique=False)
    op.create_table(
        "wall_layouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("grid", sa.Integer(), nullable=False),
        sa.Column("tiles", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_name", "name", name="uq_wall_layouts_user_name"),
    )
    op.create_table(
        "auth_case_assignments",
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("assigned_by", sa.String(length=128), nullable=False),
        sa.Column("assigned_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["auth_users.name"],
        ),
        sa.PrimaryKeyConstraint("user_name", "case_id"),
    )
    op.create_table(
        "auth_credentials",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=True),
        sa.Column("last_used_at", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["auth_users.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_auth_credentials_user", "auth_credentials", ["user_name"], unique=False)
    op.create_table(
        "case_clips",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("clip_id", sa.String(length=128), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "clip_id"),
    )
    op.create_table(
        "case_tickets",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "ticket_id"),
    )
    op.create_table(
        "event_snapshots",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "ticket_cameras",
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("ticket_id", "camera_id"),
    )
    op.create_index("ix_ticket_cameras_camera", "ticket_cameras", ["camera_id"], unique=False)
    op.create_table(
        "ticket_clips",
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("clip_id", sa.String(length=128), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("start_at", sa.Float(), nullable=False),
        sa.Column("end_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("ticket_id", "clip_id"),
    )
    op.create_index("ix_ticket_clips_clip", "ticket_clips", ["clip_id"], unique=False)
    op.create_table(
        "ticket_events",
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("linked_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("ticket_id", "event_id"),
    )
    op.create_index("ix_ticket_events_event", "ticket_events", ["event_id"], unique=False)
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status_from", sa.String(length=16), nullable=True),
        sa.Column("status_to", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_notes_ticket", "ticket_notes", ["ticket_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ticket_notes_ticket", table_name="ticket_notes")
    op.drop_table("ticket_notes")
    op.drop_index("ix_ticket_events_event", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_ticket_clips_clip", table_name="ticket_clips")
    op.drop_table("ticket_clips")
    op.drop_index("ix_ticket_cameras_camera", table_name="ticket_cameras")
    op.drop_table("ticket_cameras")
    op.drop_table("event_snapshots")
    op.drop_table("case_tickets")
    op.drop_table("case_clips")
    op.drop_index("ix_auth_credentials_user", table_name="auth_credentials")
    op.drop_table("auth_credentials")
    op.drop_table("auth_case_assignments")
    op.drop_table("wall_layouts")
    op.drop_index("ix_tickets_town", table_name="tickets")
    op.drop_index("ix_tickets_status_deadline", table_name="tickets")
    op.drop_index("ix_tickets_source_ref", table_name="tickets")
    op.drop_index("ix_tickets_created", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("ticket_sequences")
    op.drop_index("ix_recording_segments_status", table_name="recording_segments")
    op.drop_index("ix_recording_segments_start", table_name="recording_segments")
    op.drop_index("ix_recording_segments_camera_start", table_name="recording_segments")
    op.drop_table("recording_segments")
    op.drop_index("ix_recording_holds_ticket", table_name="recording_holds")
    op.drop_index("ix_recording_holds_camera_range", table_name="recording_holds")
    op.drop_table("recording_holds")
    op.drop_index("ix_recording_clips_ticket", table_name="recording_clips")
    op.drop_index("ix_recording_clips_status", table_name="recording_clips")
    op.drop_index("ix_recording_clips_camera_start", table_name="recording_clips")
    op.drop_table("recording_clips")
    op.drop_index("ix_hotline_requests_created", table_name="hotline_requests")
    op.drop_table("hotline_requests")
    op.drop_index("ix_hotline_outbox_ticket", table_name="hotline_outbox")
    op.drop_index("ix_hotline_outbox_due", table_name="hotline_outbox")
    op.drop_table("hotline_outbox")
    op.drop_index("ix_events_town_started", table_name="events")
    op.drop_index("ix_events_started", table_name="events")
    op.drop_index("ix_events_camera_started", table_name="events")
    op.drop_table("events")
    op.drop_table("cases")
    op.drop_index("ix_camera_state_events_camera_at", table_name="camera_state_events")
    op.drop_table("camera_state_events")
    op.drop_table("auth_users")
    op.drop_index("ix_auth_shares_town", table_name="auth_shares")
    op.drop_table("auth_shares")
    op.drop_index("ix_audit_log_camera", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("audit_head")
