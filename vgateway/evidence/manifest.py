"""What a clip manifest says, and writing it with its detached signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vgateway.evidence.canonical import canonical_json
from vgateway.evidence.files import file_digest, write_atomic
from vgateway.evidence.keys import SigningKey

MANIFEST_FORMAT = "vgateway.clip-manifest/1"


def utc_iso(ts: float) -> str:
    """Unix time as ISO 8601 UTC with microseconds, e.g. 2024-06-01T08:00:00.040000Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ClipFacts:
    """Everything the manifest states about a clip besides its file's hash and size."""

    clip_id: str
    file_name: str
    camera_id: str
    camera_name: str
    stream_role: str
    requested_start: float
    requested_end: float
    first_frame: float
    last_frame: float
    frames: int
    codec: str
    width: int
    height: int
    created_by: str
    created_at: float
    gateway_version: str
    reason: str = ""
    ticket_id: str | None = None
    event_id: str | None = None
    detector: str | None = None
    detector_version: str | None = None


def build_manifest(facts: ClipFacts, clip_path: Path, key_id: str) -> dict[str, Any]:
    """The manifest of a finished clip file (hashes the file)."""
    sha256, size = file_digest(clip_path)
    return {
        "format": MANIFEST_FORMAT,
        "clip_id": facts.clip_id,
        "file": {"name": facts.file_name, "sha256": sha256, "size": size},
        "camera": {"id": facts.camera_id, "name": facts.camera_name, "stream": facts.stream_role},
        "video": {
            "codec": facts.codec,
            "width": facts.width,
            "height": facts.height,
            "frames": facts.frames,
        },
        "range_utc": {
            "requested_start": utc_iso(facts.requested_start),
            "requested_end": utc_iso(facts.requested_end),
            "first_frame": utc_iso(facts.first_frame),
            "last_frame": utc_iso(facts.last_frame),
        },
        "ticket_id": facts.ticket_id,
        "event_id": facts.event_id,
        "reason": facts.reason,
        "detector": (
            {"name": facts.detector, "version": facts.detector_version} if facts.detector else None
        ),
        "created_by": facts.created_by,
        "created_at_utc": utc_iso(facts.created_at),
        "gateway": {"version": facts.gateway_version, "key_id": key_id},
    }


def write_signed_manifest(
    manifest: dict[str, Any], key: SigningKey, json_path: Path, sig_path: Path
) -> bytes:
    """Write the canonical manifest and its raw Ed25519 signature; returns the manifest bytes."""
    data = canonical_json(manifest)
    write_atomic(json_path, data)
    write_atomic(sig_path, key.sign(data))
    return data
