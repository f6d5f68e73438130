"""What one analysed frame tells the rules, and the rule-evaluator interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from detectors import Detection, Frame
from detectors.luminance import RegionReading, TamperResult
from vgateway.analytics.tracking import Track
from vgateway.events.lifecycle import Condition, RuleRef
from vgateway.events.model import EventBox

# track -> (plate text, score) or None; reads a plate on the track's vehicle crop.
PlateReader = Callable[[Frame, Track], tuple[str, float] | None]

RULE_NAMES = {
    "designated_vehicle": "重点车辆禁行",
    "plate_watch": "布控车牌",
    "stopped_vehicle": "车辆违停",
    "person_in_zone": "行人闯入",
    "wrong_way": "车辆逆行",
    "static_object": "路面抛洒物",
    "streetlight_out": "路灯熄灭",
    "tamper": "摄像机遮挡/移位",
}
TRACK_MAX_AGE_S = 3.0  # a track not seen this long no longer holds a condition up


@dataclass
class Scene:
    t: float  # capture wallclock of the frame
    minute_of_day: int  # local time, for time windows
    frame: Frame
    detected: bool = False  # the object detector ran on this frame
    tracks: dict[str, list[Track]] = field(default_factory=dict)  # by detector name
    seen: dict[str, set[int]] = field(default_factory=dict)  # track ids updated this frame
    static_blobs: list[Detection] = field(default_factory=list)
    lamps: list[RegionReading] | None = None
    tamper: TamperResult | None = None
    read_plate: PlateReader | None = None

    def recent_tracks(self, detector: str = "default") -> list[Track]:
        return [t for t in self.tracks.get(detector, []) if self.t - t.last_seen <= TRACK_MAX_AGE_S]


class Evaluator(Protocol):
    ref: RuleRef

    def evaluate(self, scene: Scene) -> list[Condition]: ...


def rule_ref(rule: Any) -> RuleRef:
    return RuleRef(
        id=rule.id,
        type=rule.type,
        name=rule.name or RULE_NAMES[rule.type],
        priority=rule.priority,
        cooldown_s=rule.cooldown_s,
        end_after_s=rule.end_after_s,
    )


def track_box(track: Track) -> EventBox:
    return EventBox(
        label=track.label, score=round(track.score, 3), box=track.box, track_id=track.id
    )
