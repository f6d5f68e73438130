"""The event record and the message that carries one change of it over the bus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Priority = Literal["low", "normal", "high", "critical"]
PRIORITY_LEVEL: dict[str, int] = {"low": 1, "normal": 2, "high": 3, "critical": 4}
EventState = Literal["active", "ended"]
MessageKind = Literal["start", "update", "end", "ack"]


class EventBox(BaseModel):
    """A box drawn on the snapshot, in pixels of the analysed frame."""

    model_config = ConfigDict(frozen=True)

    label: str
    score: float
    box: tuple[float, float, float, float]
    track_id: int | None = None


class Event(BaseModel):
    """One detection incident, from its start to its end, as stored and served."""

    id: str = Field(description="Opaque id (hex).")
    state: EventState
    rule_id: str
    rule_type: str
    rule_name: str
    priority: Priority
    camera_id: str
    town: str
    zone: str | None = None
    track_id: int | None = None
    label: str | None = None
    score: float = 0.0
    plate: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    boxes: list[EventBox] = Field(default_factory=list)
    started_at: float = Field(description="Unix time the condition was first met.")
    updated_at: float
    ended_at: float | None = None
    captured_at: float = Field(description="Wallclock of the frame that started the event.")
    published_at: float | None = None
    has_snapshot: bool = False
    acked_by: str | None = None
    acked_at: float | None = None

    @property
    def priority_level(self) -> int:
        return PRIORITY_LEVEL[self.priority]


@dataclass(frozen=True)
class EventMessage:
    """One change of an event. The snapshot (JPEG) rides along on start and improving updates."""

    kind: MessageKind
    event: Event
    snapshot: bytes | None = None

    def to_fields(self) -> dict[str, bytes]:
        """Flat fields for a Redis stream entry."""
        return {
            "kind": self.kind.encode(),
            "event": self.event.model_dump_json().encode(),
            "snapshot": self.snapshot or b"",
        }

    @classmethod
    def from_fields(cls, fields: dict[bytes, bytes]) -> EventMessage:
        kind = fields[b"kind"].decode()
        if kind not in ("start", "update", "end", "ack"):
            raise ValueError(f"unknown event message kind {kind!r}")
        event = Event.model_validate(json.loads(fields[b"event"]))
        return cls(kind, event, fields.get(b"snapshot") or None)  # type: ignore[arg-type]

    def sse_data(self) -> str:
        return json.dumps(
            {"kind": self.kind, "event": self.event.model_dump(mode="json")}, ensure_ascii=False
        )
