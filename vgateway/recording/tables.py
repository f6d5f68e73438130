"""Recording index tables on the main database's metadata.

Rows move through states so that start-up recovery only looks at what was in flight:
segments `writing` -> `complete` (or `recovered` after a crash / disk full) -> `deleting` -> gone;
clips `writing` -> `ready` | `failed`. A file is listed only in `complete`, `recovered`, `ready`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from vgateway.storage.db import metadata

recording_segments = Table(
    "recording_segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("start_at", Float, nullable=False, doc="unix time of the first packet"),
    Column("end_at", Float, nullable=True, doc="unix time after the last packet"),
    Column("path", String(512), nullable=False, doc="relative to the recordings folder"),
    Column("bytes", BigInteger, nullable=False, default=0),
    Column("frames", Integer, nullable=False, default=0),
    Column("sha256", String(64), nullable=True),
    # Where the file's timestamps sit on the camera's timeline: file dts 0 is `ts_origin`
    # (in `time_base` units) of timeline `timeline` (process run + upstream epoch). Clips use
    # it to join segments and the live buffer without gaps or duplicates.
    Column("timeline", String(48), nullable=False),
    Column("ts_origin", BigInteger, nullable=False),
    Column("time_base", String(24), nullable=False),
    Column("codec", String(16), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Index("ix_recording_segments_camera_start", "camera_id", "start_at"),
    Index("ix_recording_segments_status", "status"),
    Index("ix_recording_segments_start", "start_at"),
)

recording_clips = Table(
    "recording_clips",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("camera_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_start", Float, nullable=False),
    Column("requested_end", Float, nullable=False),
    Column("start_at", Float, nullable=True, doc="unix time of the first frame"),
    Column("end_at", Float, nullable=True, doc="unix time of the last frame"),
    Column("path", String(512), nullable=False, doc="relative to the recordings folder"),
    Column("bytes", BigInteger, nullable=False, default=0),
    Column("frames", Integer, nullable=False, default=0),
    Column("sha256", String(64), nullable=True),
    Column("manifest_sha256", String(64), nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("ticket_id", String(64), nullable=True),
    Column("event_id", String(64), nullable=True),
    Column("created_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("completed_at", Float, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_recording_clips_camera_start", "camera_id", "requested_start"),
    Index("ix_recording_clips_ticket", "ticket_id"),
    Index("ix_recording_clips_status", "status"),
)

# Footage that retention must keep: a range of one camera, why, for which ticket, until when
# (NULL: until the hold is released). Tickets and cases (a later package) write these rows.
recording_holds = Table(
    "recording_holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(64), nullable=False),
    Column("start_at", Float, nullable=False),
    Column("end_at", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("ticket_id", String(64), nullable=True),
    Column("until", Float, nullable=True, doc="unix time the hold expires; NULL: no expiry"),
    Column("created_by", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_recording_holds_camera_range", "camera_id", "start_at", "end_at"),
    Index("ix_recording_holds_ticket", "ticket_id"),
)
