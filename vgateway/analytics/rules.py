"""Typed rules per camera: zones and lines in image coordinates, and what to alarm on.

A rules file (`camera_configs/rules.yaml`) has `detectors` (named detector configs; `default`
is YOLOX-Nano) and `cameras` keyed by camera id, each a `CameraRules`. The same `CameraRules`
model is meant to become a camera's `rules:` section in the network config.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vgateway.events.model import Priority

Point = tuple[float, float]
STRICT = ConfigDict(extra="forbid", frozen=True)
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
VEHICLES = ("car", "bus", "truck", "motorbike")


def parse_window(text: str) -> tuple[int, int]:
    """'07:00-09:00' -> minutes of day (start, end); end < start crosses midnight."""
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError(f"time window {text!r} is not HH:MM-HH:MM (e.g. 07:00-09:00)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return h1 * 60 + m1, h2 * 60 + m2


def in_windows(windows: tuple[str, ...], minute_of_day: int) -> bool:
    """True when no windows are given, or the minute falls in one of them."""
    if not windows:
        return True
    for window in windows:
        start, end = parse_window(window)
        inside = (
            start <= minute_of_day < end
            if start <= end
            else (minute_of_day >= start or minute_of_day < end)
        )
        if inside:
            return True
    return False


def _check_windows(windows: tuple[str, ...]) -> tuple[str, ...]:
    for window in windows:
        parse_window(window)
    return windows


class RuleBase(BaseModel):
    model_config = STRICT

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Unique within the camera.")
    name: str | None = Field(default=None, description="Display name (Chinese), e.g. '违停'.")
    priority: Priority = Field(default="normal", description="low, normal, high or critical.")
    enabled: bool = True
    cooldown_s: float = Field(
        default=300.0, ge=0, description="After an event ends, the same subject stays quiet."
    )
    end_after_s: float = Field(
        default=10.0, gt=0, description="An event ends when its condition is gone this long."
    )


class DesignatedVehicleRule(RuleBase):
    """A class of vehicle (truck, bus, or a site's own 'tanker') in a zone during time windows."""

    type: Literal["designated_vehicle"]
    zone: str
    classes: tuple[str, ...] = ("truck", "bus")
    detector: str = Field(default="default", description="Name in the file's `detectors`.")
    windows: tuple[str, ...] = Field(default=(), description="e.g. ['07:00-09:00']; [] = always")
    min_duration_s: float = Field(default=0.0, ge=0)
    min_score: float = Field(default=0.3, ge=0, le=1)

    _windows = field_validator("windows")(_check_windows)


class PlateList(BaseModel):
    model_config = STRICT

    name: str
    category: str = Field(description="e.g. 布控, 危化品运输, 套牌嫌疑")
    priority: Priority = "high"
    plates: tuple[str, ...] = Field(min_length=1)


class PlateWatchRule(RuleBase):
    """A plate read on a vehicle matches a watch-list entry (OCR confusions tolerated)."""

    type: Literal["plate_watch"]
    zone: str | None = Field(default=None, description="None: the whole picture.")
    lists: tuple[PlateList, ...] = Field(min_length=1)
    classes: tuple[str, ...] = ("car", "bus", "truck")
    max_confusions: int = Field(default=1, ge=0, le=3)
    min_crop_width: int = Field(default=60, ge=16, description="Smaller vehicles are not read.")
    read_interval_s: float = Field(default=2.0, ge=0, description="Per track, between reads.")
    max_reads_per_track: int = Field(default=3, ge=1)


class StoppedVehicleRule(RuleBase):
    """A vehicle stays still in `zone` (where it stopped lies in the zone) for `duration_s`.
    Still: the bottom centre of its box stays within 15 % of the box's diagonal of where it
    stopped, or one box lies within the other (a parked car partly hidden, found now whole, now
    in part; once seen whole, either part of it). One stray observation is forgiven; two in a
    row start the count again."""

    type: Literal["stopped_vehicle"]
    zone: str
    duration_s: float = Field(default=60.0, ge=0)
    classes: tuple[str, ...] = VEHICLES


class PersonInZoneRule(RuleBase):
    type: Literal["person_in_zone"]
    zone: str
    duration_s: float = Field(default=10.0, ge=0)


class WrongWayRule(RuleBase):
    """A vehicle crosses `line` against `allowed_direction` (an arrow drawn on the image)."""

    type: Literal["wrong_way"]
    line: str
    allowed_direction: tuple[Point, Point]
    classes: tuple[str, ...] = VEHICLES
    end_after_s: float = Field(default=3.0, gt=0)


class StaticObjectRule(RuleBase):
    """Something neither vehicle nor person lies still in a road zone (debris, dropped load)."""

    type: Literal["static_object"]
    zone: str
    duration_s: float = Field(default=30.0, ge=0)
    min_area: float = Field(default=0.001, ge=0, le=1, description="Share of the picture.")


class StreetlightOutRule(RuleBase):
    """At night a lamp region stays darker than its learned baseline."""

    type: Literal["streetlight_out"]
    regions: dict[str, tuple[Point, ...]] = Field(min_length=1, description="lamp -> polygon")
    night: str = Field(default="18:30-06:00", description="When lamps must be lit.")
    duration_s: float = Field(default=600.0, ge=0)
    dark_ratio: float = Field(default=0.5, gt=0, lt=1)
    learn_frames: int = Field(default=10, ge=1, description="Night frames for the baseline.")

    @field_validator("night")
    @classmethod
    def _night(cls, value: str) -> str:
        parse_window(value)
        return value


class TamperRule(RuleBase):
    """Lens covered, view moved or picture defocused, against a view learned at start."""

    type: Literal["tamper"]
    duration_s: float = Field(default=10.0, ge=0)
    learn_frames: int = Field(default=3, ge=1)
    priority: Priority = "high"


Rule = Annotated[
    DesignatedVehicleRule
    | PlateWatchRule
    | StoppedVehicleRule
    | PersonInZoneRule
    | WrongWayRule
    | StaticObjectRule
    | StreetlightOutRule
    | TamperRule,
    Field(discriminator="type"),
]
RULE_TYPES = frozenset(
    {
        "designated_vehicle",
        "plate_watch",
        "stopped_vehicle",
        "person_in_zone",
        "wrong_way",
        "static_object",
        "streetlight_out",
        "tamper",
    }
)


class CameraRules(BaseModel):
    """Analytics of one camera: rate, geometry and rules."""

    model_config = STRICT

    enabled: bool = Field(default=True, description="Switch the camera's analytics off.")
    fps: float = Field(default=1.0, gt=0, le=30, description="Frames analysed per second.")
    motion_band: bool = Field(
        default=True,
        description="Run the object detector only on the region that moved, or on a track "
        "refresh the region of the objects known (the whole frame every few seconds); a detector "
        "that cannot look at a region gets the band of rows holding it; off: always the whole "
        "frame.",
    )
    frame_size: tuple[int, int] | None = Field(
        default=None, description="[width, height] the coordinates were drawn on (default: as is)."
    )
    zones: dict[str, tuple[Point, ...]] = Field(default_factory=dict)
    lines: dict[str, tuple[Point, Point]] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> CameraRules:
        for name, polygon in self.zones.items():
            if len(polygon) < 3:
                raise ValueError(f"zone {name!r} needs at least 3 points")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            zone = getattr(rule, "zone", None)
            if zone is not None and zone not in self.zones:
                known = ", ".join(sorted(self.zones)) or "none"
                raise ValueError(f"rule {rule.id!r}: unknown zone {zone!r} (zones: {known})")
            if isinstance(rule, WrongWayRule) and rule.line not in self.lines:
                known = ", ".join(sorted(self.lines)) or "none"
                raise ValueError(f"rule {rule.id!r}: unknown line {rule.line!r} (lines: {known})")
        return self

    @property
    def active_rules(self) -> list[Any]:
        return [rule for rule in self.rules if rule.enabled]


class DetectorSpec(BaseModel):
    """A named detector: `type` from the detectors registry plus its options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


DEFAULT_DETECTOR = DetectorSpec.model_validate(
    {"type": "yolox", "model": "../shared/models/yolox_nano.onnx"}
)


class RulesFile(BaseModel):
    model_config = STRICT

    timezone: str = Field(default="Asia/Shanghai", description="For time windows and night.")
    detectors: dict[str, DetectorSpec] = Field(default_factory=dict)
    cameras: dict[str, CameraRules] = Field(default_factory=dict)

    def detector(self, name: str) -> DetectorSpec:
        if name in self.detectors:
            return self.detectors[name]
        if name == "default":
            return DEFAULT_DETECTOR
        raise KeyError(name)
