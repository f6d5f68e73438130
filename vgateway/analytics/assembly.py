"""Builds one camera's analysis parts from its rules once the picture size is known: zones and
lines in frame pixels, the motion gate, track books, rule evaluators and scene detectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from detectors.luminance import LuminanceOptions, RegionLuminance, TamperDetector, TamperResult
from detectors.motion import StaticForegroundTracker, StaticOptions
from vgateway.analytics.geometry import Point, Polygon
from vgateway.analytics.object_rules import (
    DesignatedVehicle,
    PersonInZone,
    PlateWatch,
    StoppedVehicle,
    WrongWay,
)
from vgateway.analytics.rules import CameraRules, StreetlightOutRule, TamperRule
from vgateway.analytics.scene import Evaluator
from vgateway.analytics.scene_rules import StaticObject, StreetlightOut, Tamper
from vgateway.analytics.tracking import TrackBook

OBJECT_RULES = frozenset(
    {"designated_vehicle", "plate_watch", "stopped_vehicle", "person_in_zone", "wrong_way"}
)


@dataclass
class TamperCheck:
    evaluator: Tamper
    detector: TamperDetector
    learned: int = 0  # reference frames taken so far
    result: TamperResult | None = None
    checked_at: float = -1e18


@dataclass
class CameraParts:
    zones: dict[str, Polygon] = field(default_factory=dict)
    gate_zones: list[Polygon] = field(default_factory=list)
    whole_frame_gate: bool = False  # an object rule without a zone: any motion counts
    books: dict[str, TrackBook] = field(default_factory=dict)  # by detector name
    object_evaluators: list[Evaluator] = field(default_factory=list)  # fed by detections
    scene_evaluators: list[Evaluator] = field(default_factory=list)  # fed by every frame
    static: StaticForegroundTracker | None = None
    # (evaluator, detector, frames learned so far)
    lamps: list[tuple[StreetlightOut, RegionLuminance, list[int]]] = field(default_factory=list)
    tamper: list[TamperCheck] = field(default_factory=list)

    def gate(self, motion_boxes: list[Any]) -> bool:
        """Whether motion touches a zone an object rule watches."""
        if not motion_boxes:
            return False
        if self.whole_frame_gate:
            return True
        return any(z.intersects_box(m.box) for m in motion_boxes for z in self.gate_zones)


def _scale(rules: CameraRules, width: int, height: int) -> tuple[float, float]:
    if rules.frame_size is None:
        return 1.0, 1.0
    return width / rules.frame_size[0], height / rules.frame_size[1]


def assemble(rules: CameraRules, width: int, height: int) -> CameraParts:
    sx, sy = _scale(rules, width, height)
    parts = CameraParts(zones={n: Polygon(p).scaled(sx, sy) for n, p in rules.zones.items()})
    lines: dict[str, tuple[Point, Point]] = {
        n: ((a[0] * sx, a[1] * sy), (b[0] * sx, b[1] * sy)) for n, (a, b) in rules.lines.items()
    }
    for rule in rules.active_rules:
        if rule.type in OBJECT_RULES:
            parts.object_evaluators.append(_object_rule(parts, rules, rule, lines))
        else:
            parts.scene_evaluators.append(_scene_rule(parts, rules, rule, (sx, sy, width, height)))
    return parts


def _object_rule(
    parts: CameraParts, rules: CameraRules, rule: Any, lines: dict[str, tuple[Point, Point]]
) -> Evaluator:
    zones = parts.zones
    parts.books.setdefault("default", TrackBook(rules.fps))
    parts.books.setdefault(getattr(rule, "detector", "default"), TrackBook(rules.fps))
    zone = getattr(rule, "zone", None)
    if zone is None:
        parts.whole_frame_gate = True
    else:
        parts.gate_zones.append(zones[zone])
    if rule.type == "designated_vehicle":
        return DesignatedVehicle(rule, zones)
    if rule.type == "plate_watch":
        return PlateWatch(rule, zones)
    if rule.type == "stopped_vehicle":
        return StoppedVehicle(rule, zones)
    if rule.type == "person_in_zone":
        return PersonInZone(rule, zones)
    return WrongWay(rule, lines)


def _scene_rule(
    parts: CameraParts, rules: CameraRules, rule: Any, size: tuple[float, float, int, int]
) -> Evaluator:
    if rule.type == "static_object":
        # Vehicles and people explain still blobs, so the default detector keeps tracks.
        parts.books.setdefault("default", TrackBook(rules.fps))
        frames = max(2, round(3.0 * rules.fps))  # still for ~3 s before it counts
        parts.static = StaticForegroundTracker(StaticOptions(static_frames=frames))
        return StaticObject(rule, parts.zones)
    if isinstance(rule, StreetlightOutRule):
        sx, sy, width, height = size
        regions = {
            name: [(min(1.0, x * sx / width), min(1.0, y * sy / height)) for x, y in points]
            for name, points in rule.regions.items()
        }
        lamp = StreetlightOut(rule)
        luminance = RegionLuminance(LuminanceOptions(regions=regions, dark_ratio=rule.dark_ratio))
        parts.lamps.append((lamp, luminance, [0]))
        return lamp
    assert isinstance(rule, TamperRule)
    tamper = Tamper(rule)
    parts.tamper.append(TamperCheck(tamper, TamperDetector()))
    return tamper
