"""Turns per-frame rule conditions into events with a lifecycle: start, update, end.

A condition is one rule firing about one subject (a track, a lamp region, the camera) in one
frame. The same subject seen again continues its event; a new subject whose box overlaps an open
event of the same rule joins it (a parked car re-acquired under a new track id is still one car);
after an event ends, the same subject or place stays quiet for the rule's cooldown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vgateway.events.model import Event, EventBox, EventMessage, Priority

Renderer = Callable[[Sequence[EventBox]], bytes]
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class RuleRef:
    """What the lifecycle needs to know of a rule."""

    id: str
    type: str
    name: str
    priority: Priority
    cooldown_s: float = 60.0
    end_after_s: float = 5.0


@dataclass(frozen=True)
class Condition:
    rule: RuleRef
    subject: str
    zone: str | None = None
    score: float = 0.0
    boxes: tuple[EventBox, ...] = ()
    track_id: int | None = None
    label: str | None = None
    plate: str | None = None
    priority: Priority | None = None  # overrides the rule's (a watch list has its own)
    details: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


@dataclass
class _Open:
    rule: RuleRef
    event: Event
    last_seen: float
    best_score: float
    last_update: float
    box: tuple[float, float, float, float] | None


@dataclass
class _Quiet:
    rule_id: str
    subject: str
    box: tuple[float, float, float, float] | None
    until: float


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _main_box(condition: Condition) -> tuple[float, float, float, float] | None:
    return condition.boxes[0].box if condition.boxes else None


class EventLifecycle:
    """Open events of one camera. Not thread-safe: one camera's frames arrive in order."""

    def __init__(
        self,
        camera_id: str,
        town: str,
        *,
        update_interval_s: float = 5.0,
        dedup_iou: float = 0.4,
        score_gain: float = 0.05,
    ) -> None:
        self.camera_id = camera_id
        self.town = town
        self._update_interval_s = update_interval_s
        self._dedup_iou = dedup_iou
        self._score_gain = score_gain
        self._open: dict[tuple[str, str], _Open] = {}
        self._alias: dict[tuple[str, str], tuple[str, str]] = {}
        self._quiet: list[_Quiet] = []

    @property
    def open_events(self) -> list[Event]:
        return [item.event for item in self._open.values()]

    def observe(
        self, conditions: Sequence[Condition], now: float, render: Renderer
    ) -> list[EventMessage]:
        """Feed one frame's conditions (`now`: the frame's capture time); returns the changes."""
        messages: list[EventMessage] = []
        for condition in conditions:
            message = self._one(condition, now, render)
            if message is not None:
                messages.append(message)
        messages.extend(self._expire(now))
        return messages

    def close_all(self, now: float) -> list[EventMessage]:
        """End every open event (the camera's analytics stop)."""
        return self._expire(now, force=True)

    def _find_open(self, condition: Condition) -> tuple[str, str] | None:
        key = (condition.rule.id, condition.subject)
        key = self._alias.get(key, key)
        if key in self._open:
            return key
        box = _main_box(condition)
        if box is None:
            return None
        for other, item in self._open.items():
            same_rule = other[0] == condition.rule.id and item.box is not None
            if same_rule and item.box is not None and iou(box, item.box) >= self._dedup_iou:
                self._alias[(condition.rule.id, condition.subject)] = other
                return other
        return None

    def _quieted(self, condition: Condition, now: float) -> bool:
        box = _main_box(condition)
        for quiet in self._quiet:
            if quiet.rule_id != condition.rule.id or quiet.until < now:
                continue
            same = quiet.subject == condition.subject
            if same or (
                box is not None and quiet.box is not None and iou(box, quiet.box) >= self._dedup_iou
            ):
                # Still there: the quiet period runs on, so a parked car never re-alarms.
                quiet.until = now + condition.rule.cooldown_s
                return True
        return False

    def _one(self, condition: Condition, now: float, render: Renderer) -> EventMessage | None:
        key = self._find_open(condition)
        if key is not None:
            item = self._open[key]
            item.last_seen = now
            improved = condition.score >= item.best_score + self._score_gain
            if not improved or now - item.last_update < self._update_interval_s:
                return None
            item.best_score = condition.score
            item.last_update = now
            item.box = _main_box(condition) or item.box
            item.event = item.event.model_copy(
                update={
                    "updated_at": now,
                    "score": condition.score,
                    "boxes": list(condition.boxes),
                    "plate": condition.plate or item.event.plate,
                    "details": {**item.event.details, **condition.details},
                }
            )
            return EventMessage("update", item.event, render(condition.boxes))
        if self._quieted(condition, now):
            return None
        rule = condition.rule
        event = Event(
            id=uuid.uuid4().hex,
            state="active",
            rule_id=rule.id,
            rule_type=rule.type,
            rule_name=rule.name,
            priority=condition.priority or rule.priority,
            camera_id=self.camera_id,
            town=self.town,
            zone=condition.zone,
            track_id=condition.track_id,
            label=condition.label,
            score=condition.score,
            plate=condition.plate,
            details=dict(condition.details),
            boxes=list(condition.boxes),
            started_at=now,
            updated_at=now,
            captured_at=now,
            has_snapshot=True,
        )
        self._open[(rule.id, condition.subject)] = _Open(
            rule, event, now, condition.score, now, _main_box(condition)
        )
        return EventMessage("start", event, render(condition.boxes))

    def _expire(self, now: float, force: bool = False) -> list[EventMessage]:
        ended: list[EventMessage] = []
        for key, item in list(self._open.items()):
            if not force and now - item.last_seen <= item.rule.end_after_s:
                continue
            del self._open[key]
            self._alias = {k: v for k, v in self._alias.items() if v != key}
            event = item.event.model_copy(
                update={"state": "ended", "ended_at": item.last_seen, "updated_at": now}
            )
            self._quiet.append(_Quiet(key[0], key[1], item.box, now + item.rule.cooldown_s))
            ended.append(EventMessage("end", event))
        self._quiet = [q for q in self._quiet if q.until >= now]
        return ended
