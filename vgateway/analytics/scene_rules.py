"""Rules about the picture rather than tracked objects: static object (debris), streetlight
out and camera tamper. Each keeps how long its condition has held."""

from __future__ import annotations

from detectors import Detection
from vgateway.analytics.geometry import Box, Polygon, box_overlap, centre
from vgateway.analytics.rules import StaticObjectRule, StreetlightOutRule, TamperRule, in_windows
from vgateway.analytics.scene import Scene, rule_ref
from vgateway.events.lifecycle import Condition, iou
from vgateway.events.model import EventBox

_NOT_DEBRIS = frozenset({"car", "bus", "truck", "motorbike", "bicycle", "person", "train"})


class StaticObject:
    """A still foreground blob in the zone that no vehicle or person track explains."""

    def __init__(self, rule: StaticObjectRule, zones: dict[str, Polygon]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._zone = zones[rule.zone]
        self._blobs: list[tuple[Box, float]] = []  # (box, first seen)

    def _explained(self, blob: Detection, scene: Scene) -> bool:
        for tracks in scene.tracks.values():
            for track in tracks:
                if track.label in _NOT_DEBRIS and box_overlap(blob.box, track.box) > 0.3:
                    return True
        return False

    def evaluate(self, scene: Scene) -> list[Condition]:
        height, width = scene.frame.shape[:2]
        min_px = self.rule.min_area * width * height
        kept: list[tuple[Box, float]] = []
        found = []
        for blob in scene.static_blobs:
            x1, y1, x2, y2 = blob.box
            if (x2 - x1) * (y2 - y1) < min_px or not self._zone.contains(centre(blob.box)):
                continue
            if self._explained(blob, scene):
                continue
            since = next((s for b, s in self._blobs if iou(b, blob.box) >= 0.3), scene.t)
            kept.append((blob.box, since))
            if scene.t - since >= self.rule.duration_s:
                key = "static:{:.0f},{:.0f}".format(*centre(blob.box))
                found.append(
                    Condition(
                        rule=self.ref,
                        subject=key,
                        zone=self.rule.zone,
                        score=blob.score,
                        boxes=(EventBox(label="object", score=0.0, box=blob.box),),
                        label="object",
                        details={"still_s": round(scene.t - since, 1)},
                    )
                )
        self._blobs = kept
        return found


class StreetlightOut:
    def __init__(self, rule: StreetlightOutRule) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._dark_since: dict[str, float] = {}

    def is_night(self, minute_of_day: int) -> bool:
        return in_windows((self.rule.night,), minute_of_day)

    def evaluate(self, scene: Scene) -> list[Condition]:
        if scene.lamps is None or not self.is_night(scene.minute_of_day):
            self._dark_since.clear()
            return []
        found = []
        for reading in scene.lamps:
            if reading.lit:
                self._dark_since.pop(reading.name, None)
                continue
            since = self._dark_since.setdefault(reading.name, scene.t)
            if scene.t - since >= self.rule.duration_s:
                found.append(
                    Condition(
                        rule=self.ref,
                        subject=f"lamp:{reading.name}",
                        zone=reading.name,
                        score=round(1.0 - min(1.0, reading.relative), 3),
                        details={
                            "lamp": reading.name,
                            "relative": round(reading.relative, 3),
                            "dark_s": round(scene.t - since, 1),
                        },
                    )
                )
        return found


class Tamper:
    def __init__(self, rule: TamperRule) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._since: float | None = None

    def evaluate(self, scene: Scene) -> list[Condition]:
        result = scene.tamper
        if result is None or not result.tampered:
            self._since = None
            return []
        if self._since is None:
            self._since = scene.t
        if scene.t - self._since < self.rule.duration_s:
            return []
        kinds = [k for k in ("covered", "moved", "defocused") if getattr(result, k)]
        return [
            Condition(
                rule=self.ref,
                subject="camera",
                score=1.0,
                details={
                    "kinds": kinds,
                    "brightness": round(result.brightness, 1),
                    "similarity": round(result.similarity, 3),
                    "sharpness": round(result.sharpness, 3),
                },
            )
        ]
