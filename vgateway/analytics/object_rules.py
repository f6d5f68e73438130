"""Rules about tracked objects: designated vehicle, plate watch, stopped vehicle, person in
zone, wrong way. Each evaluator is stateful per camera (dwell and read bookkeeping)."""

from __future__ import annotations

from dataclasses import dataclass

from detectors.plate_text import normalize_plate, plate_matches
from vgateway.analytics.geometry import Point, Polygon, segments_cross, side
from vgateway.analytics.rules import (
    DesignatedVehicleRule,
    PersonInZoneRule,
    PlateWatchRule,
    StoppedVehicleRule,
    WrongWayRule,
    in_windows,
)
from vgateway.analytics.scene import Scene, rule_ref, track_box
from vgateway.analytics.tracking import Track
from vgateway.events.lifecycle import Condition


class _ZoneDwell:
    """When each track entered a zone (its anchor inside), dropped when it leaves or is lost."""

    def __init__(self, zone: Polygon) -> None:
        self.zone = zone
        self._entered: dict[int, float] = {}

    def inside(self, tracks: list[Track], t: float) -> list[tuple[Track, float]]:
        present: dict[int, float] = {}
        result = []
        for track in tracks:
            if self.zone.contains(track.anchor):
                entered = self._entered.get(track.id, track.last_seen)
                present[track.id] = entered
                result.append((track, t - entered))
        self._entered = present
        return result


def _condition(ref_rule: object, track: Track, zone: str | None, **details: object) -> Condition:
    return Condition(
        rule=rule_ref(ref_rule),
        subject=f"track:{track.id}",
        zone=zone,
        score=track.score,
        boxes=(track_box(track),),
        track_id=track.id,
        label=track.label,
        details=details,
    )


class DesignatedVehicle:
    def __init__(self, rule: DesignatedVehicleRule, zones: dict[str, Polygon]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._dwell = _ZoneDwell(zones[rule.zone])

    def evaluate(self, scene: Scene) -> list[Condition]:
        rule = self.rule
        tracks = [
            t
            for t in scene.recent_tracks(rule.detector)
            if t.label in rule.classes and t.score >= rule.min_score
        ]
        inside = self._dwell.inside(tracks, scene.t)
        if not in_windows(rule.windows, scene.minute_of_day):
            return []
        return [
            _condition(rule, track, rule.zone, dwell_s=round(dwell, 1))
            for track, dwell in inside
            if dwell >= rule.min_duration_s
        ]


class StoppedVehicle:
    def __init__(self, rule: StoppedVehicleRule, zones: dict[str, Polygon]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._zone = zones[rule.zone]

    def evaluate(self, scene: Scene) -> list[Condition]:
        rule = self.rule
        return [
            _condition(rule, track, rule.zone, still_s=round(track.still_s, 1))
            for track in scene.recent_tracks()
            if track.label in rule.classes
            and track.still_s >= rule.duration_s
            and self._zone.contains(track.still_anchor)  # where it stood, not a stray box
        ]


class PersonInZone:
    def __init__(self, rule: PersonInZoneRule, zones: dict[str, Polygon]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._dwell = _ZoneDwell(zones[rule.zone])

    def evaluate(self, scene: Scene) -> list[Condition]:
        tracks = [t for t in scene.recent_tracks() if t.label == "person"]
        return [
            _condition(self.rule, track, self.rule.zone, dwell_s=round(dwell, 1))
            for track, dwell in self._dwell.inside(tracks, scene.t)
            if dwell >= self.rule.duration_s
        ]


class WrongWay:
    def __init__(self, rule: WrongWayRule, lines: dict[str, tuple[Point, Point]]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._line = lines[rule.line]
        (ax, ay), (bx, by) = rule.allowed_direction
        self._allowed = (bx - ax, by - ay)

    def evaluate(self, scene: Scene) -> list[Condition]:
        found = []
        seen = scene.seen.get("default", set())
        for track in scene.recent_tracks():
            before = track.previous_anchor()
            if track.id not in seen or before is None or track.label not in self.rule.classes:
                continue
            after = track.anchor
            if not segments_cross(before, after, self._line):
                continue
            move = (after[0] - before[0], after[1] - before[1])
            if move[0] * self._allowed[0] + move[1] * self._allowed[1] < 0:
                found.append(
                    _condition(
                        self.rule,
                        track,
                        self.rule.line,
                        side=1 if side(self._line, after) > 0 else -1,
                    )
                )
        return found


@dataclass
class _Reads:
    count: int = 0
    last: float = -1e9
    hit: Condition | None = None


class PlateWatch:
    def __init__(self, rule: PlateWatchRule, zones: dict[str, Polygon]) -> None:
        self.rule, self.ref = rule, rule_ref(rule)
        self._zone = zones[rule.zone] if rule.zone else None
        self._reads: dict[int, _Reads] = {}

    def _match(self, text: str) -> tuple[str, int, str] | None:
        """(listed plate, list index) of the first entry the read may be."""
        for index, plate_list in enumerate(self.rule.lists):
            for listed in plate_list.plates:
                if plate_matches(text, listed, self.rule.max_confusions):
                    return normalize_plate(listed), index, plate_list.name
        return None

    def evaluate(self, scene: Scene) -> list[Condition]:
        rule = self.rule
        alive = {t.id for t in scene.recent_tracks()}
        self._reads = {k: v for k, v in self._reads.items() if k in alive}
        found = []
        for track in scene.recent_tracks():
            reads = self._reads.setdefault(track.id, _Reads())
            if reads.hit is not None:
                found.append(reads.hit)
                continue
            if not self._wants_read(track, reads, scene):
                continue
            reads.count, reads.last = reads.count + 1, scene.t
            assert scene.read_plate is not None
            result = scene.read_plate(scene.frame, track)
            if result is None:
                continue
            text, score = result
            match = self._match(text)
            if match is None:
                continue
            listed, index, list_name = match
            plate_list = rule.lists[index]
            reads.hit = Condition(
                rule=self.ref,
                subject=f"plate:{listed}",
                zone=rule.zone,
                score=score,
                boxes=(track_box(track),),
                track_id=track.id,
                label=track.label,
                plate=text,
                priority=plate_list.priority,
                details={"listed": listed, "list": list_name, "category": plate_list.category},
            )
            found.append(reads.hit)
        return found

    def _wants_read(self, track: Track, reads: _Reads, scene: Scene) -> bool:
        rule = self.rule
        x1, _y1, x2, _y2 = track.box
        return (
            scene.read_plate is not None
            and track.id in scene.seen.get("default", set())
            and track.label in rule.classes
            and x2 - x1 >= rule.min_crop_width
            and reads.count < rule.max_reads_per_track
            and scene.t - reads.last >= rule.read_interval_s
            and (self._zone is None or self._zone.contains(track.anchor))
        )
