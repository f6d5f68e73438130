"""Audit entries and their hash chain: canonical JSON of the fields plus the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

GENESIS_HASH = "0" * 64

# The fields an entry's hash covers, besides the previous entry's hash. Changing this list
# invalidates every stored trail: add new information under `detail` instead.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "camera_id",
    "clip_id",
    "ticket_id",
    "address",
    "reason",
    "detail",
)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: float
    actor: str
    action: str
    role: str | None = None
    camera_id: str | None = None
    clip_id: str | None = None
    ticket_id: str | None = None
    address: str | None = None
    reason: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def computed_hash(self) -> str:
        return entry_hash(self.fields(), self.prev_hash)

    def sealed(self) -> AuditEntry:
        """This entry with its hash filled in."""
        return replace(self, hash=self.computed_hash())


def canonical_json(value: Mapping[str, Any]) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(
        dict(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = canonical_json({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
