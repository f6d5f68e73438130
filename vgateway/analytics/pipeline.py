"""One camera's analysis of one frame: motion gate, detectors, tracks, rules, event lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from detectors import Frame
from detectors.luminance import (
    LuminanceOptions,
    RegionLuminance,
    TamperDetector,
)
from detectors.motion import MotionDetector, StaticForegroundTracker, StaticOptions
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.geometry import Point, Polygon
from vgateway.analytics.object_rules import (
    DesignatedVehicle,
    PersonInZone,
    PlateWatch,
    StoppedVehicle,
    WrongWay,
)
from vgateway.analytics.rules import CameraRules, StreetlightOutRule, TamperRule
from vgateway.analytics.scene import Evaluator, Scene
from vgateway.analytics.scene_rules import StaticObject, StreetlightOut, Tamper
from vgateway.analytics.tracking import TrackBook
from vgateway.events.lifecycle import EventLifecycle
from vgateway.events.model import EventBox, EventMessage
from vgateway.events.snapshot import render_snapshot

Renderer = Callable[[Frame, list[EventBox]], bytes]


@dataclass
class FrameResult:
    messages: list[EventMessage]
    inferences: int
    motion: bool


def _scale(rules: CameraRules, frame: Frame) -> tuple[float, float]:
    if rules.frame_size is None:
        return 1.0, 1.0
    return frame.shape[1] / rules.frame_size[0], frame.shape[0] / rules.frame_size[1]


class CameraPipeline:
    """Stateful per camera; call `analyse` with its frames in capture order, one at a time."""

    def __init__(
        self,
        camera_id: str,
        town: str,
        rules: CameraRules,
        detectors: DetectorPool,
        timezone: ZoneInfo,
        *,
        refresh_s: float = 2.0,
        idle_detect_s: float = 10.0,
    ) -> None:
        self.camera_id = camera_id
        self.rules = rules
        self._detectors = detectors
        self._tz = timezone
        self._refresh_s = refresh_s
        self._idle_detect_s = idle_detect_s
        self.lifecycle = EventLifecycle(camera_id, town)
        self._motion = MotionDetector()
        self._books: dict[str, TrackBook] = {}
        self._evaluators: list[Evaluator] = []
        self._gate_zones: list[Polygon] = []
        self._whole_frame_gate = False
        self._zones: dict[str, Polygon] = {}
        self._static: StaticForegroundTracker | None = None
        self._lamps: list[tuple[StreetlightOut, RegionLuminance, list[int]]] = []
        self._tamper: list[tuple[Tamper, TamperDetector, list[int]]] = []
        self._last_detect = -1e18
        self._had_objects = False
        self._sx = self._sy = 1.0
        self._built_for: tuple[int, ...] | None = None

    # -- set-up on the first frame, when the picture size is known ----------------------------
    def _build(self, frame: Frame) -> None:
        sx, sy = self._sx, self._sy = _scale(self.rules, frame)
        self._gate_zones, self._whole_frame_gate = [], False
        self._static, self._lamps, self._tamper = None, [], []
        self._zones = {n: Polygon(p).scaled(sx, sy) for n, p in self.rules.zones.items()}
        lines: dict[str, tuple[Point, Point]] = {
            n: ((a[0] * sx, a[1] * sy), (b[0] * sx, b[1] * sy))
            for n, (a, b) in self.rules.lines.items()
        }
        height, width = frame.shape[:2]
        self._evaluators, self._books = [], {}
        for rule in self.rules.active_rules:
            self._evaluators.append(self._evaluator(rule, lines, width, height))
        self._built_for = frame.shape

    def _evaluator(
        self, rule: Any, lines: dict[str, tuple[Point, Point]], width: int, height: int
    ) -> Evaluator:
        zones = self._zones
        object_rule = rule.type in (
            "designated_vehicle",
            "plate_watch",
            "stopped_vehicle",
            "person_in_zone",
            "wrong_way",
        )
        if object_rule or rule.type == "static_object":
            self._books.setdefault("default", TrackBook(self.rules.fps))
        if object_rule:
            self._books.setdefault(getattr(rule, "detector", "default"), TrackBook(self.rules.fps))
            zone = getattr(rule, "zone", None)
            if zone is None:
                self._whole_frame_gate = True
            else:
                self._gate_zones.append(zones[zone])
        if rule.type == "designated_vehicle":
            return DesignatedVehicle(rule, zones)
        if rule.type == "plate_watch":
            return PlateWatch(rule, zones)
        if rule.type == "stopped_vehicle":
            return StoppedVehicle(rule, zones)
        if rule.type == "person_in_zone":
            return PersonInZone(rule, zones)
        if rule.type == "wrong_way":
            return WrongWay(rule, lines)
        if rule.type == "static_object":
            frames = max(2, round(3.0 * self.rules.fps))  # still for ~3 s before it counts
            self._static = StaticForegroundTracker(StaticOptions(static_frames=frames))
            return StaticObject(rule, zones)
        if isinstance(rule, StreetlightOutRule):
            sx, sy = self._sx, self._sy
            regions = {
                name: [(min(1.0, x * sx / width), min(1.0, y * sy / height)) for x, y in points]
                for name, points in rule.regions.items()
            }
            evaluator = StreetlightOut(rule)
            luminance = RegionLuminance(
                LuminanceOptions(regions=regions, dark_ratio=rule.dark_ratio)
            )
            self._lamps.append((evaluator, luminance, [0]))
            return evaluator
        assert isinstance(rule, TamperRule)
        tamper = Tamper(rule)
        self._tamper.append((tamper, TamperDetector(), [0]))
        return tamper

    # -- per frame ----------------------------------------------------------------------------
    def analyse(self, frame: Frame, t: float) -> FrameResult:
        if self._built_for != frame.shape:
            self._build(frame)
        local = dt.datetime.fromtimestamp(t, self._tz)
        scene = Scene(t=t, minute_of_day=local.hour * 60 + local.minute, frame=frame)
        motion = self._motion.update(frame)
        gate = self._whole_frame_gate and bool(motion.boxes)
        gate = gate or any(z.intersects_box(m.box) for m in motion.boxes for z in self._gate_zones)
        inferences = self._detect(scene, gate)
        if self._static is not None:
            scene.static_blobs = self._static.update(frame)
        for tamper, detector, learned in self._tamper:
            if learned[0] < tamper.rule.learn_frames:
                detector.learn(frame)
                learned[0] += 1
            else:
                scene.tamper = detector.update(frame)
        for lamp, luminance, learned in self._lamps:
            if not lamp.is_night(scene.minute_of_day):
                continue
            if learned[0] < lamp.rule.learn_frames:
                luminance.learn(frame)
                learned[0] += 1
            else:
                scene.lamps = luminance.update(frame)
        scene.read_plate = self._detectors.read_plate
        conditions = [c for e in self._evaluators for c in e.evaluate(scene)]
        zones = [z.points for z in self._zones.values()]
        messages = self.lifecycle.observe(
            conditions, t, lambda boxes: render_snapshot(frame, boxes, zones=zones)
        )
        return FrameResult(messages, inferences, bool(motion.boxes))

    def _detect(self, scene: Scene, gate: bool) -> int:
        if not self._books:
            return 0
        t = scene.t
        tracking = self._had_objects or any(book.tracks() for book in self._books.values())
        slack = 0.5 / self.rules.fps  # frames arrive on a grid: 1.99 s is "2 s later"
        due = (
            gate
            or (tracking and t - self._last_detect >= self._refresh_s - slack)
            or t - self._last_detect >= self._idle_detect_s - slack
        )
        if not due:
            for name, book in self._books.items():
                scene.tracks[name] = book.tracks()
            return 0
        self._last_detect = t
        scene.detected = True
        self._had_objects = False
        for name, book in self._books.items():
            detections = self._detectors.get(name).detect(scene.frame)
            self._had_objects = self._had_objects or bool(detections)
            seen = book.update(detections, t)
            scene.seen[name] = {track.id for track in seen}
            scene.tracks[name] = book.tracks()
        return len(self._books)
