"""One camera's analysis: a cheap look at every sampled frame, detectors only when it pays.

`observe` runs on every analysed frame: motion (which gates the detector), the scene rules
(static object, streetlight, tamper) and the decision whether the object detector should see
this frame, and on which region of it. `detect` runs the detectors (stateless, any
thread); `apply` feeds their result to the tracks and the object rules. The live service runs
`detect` on a separate, shared inference stage, so object rules advance on their own timeline:
each kind of rule has its own event lifecycle, and each sees its frames in capture order.
`analyse` does all three in line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from detectors import Detection, Frame
from detectors.motion import MotionDetector, MotionOptions, MotionResult
from vgateway.analytics.assembly import CameraParts, assemble
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.region import Region, carried, kept, plan_region, stirring, within
from vgateway.analytics.rules import CameraRules
from vgateway.analytics.scene import Scene
from vgateway.events.lifecycle import EventLifecycle, Renderer
from vgateway.events.model import Event, EventMessage
from vgateway.events.snapshot import render_snapshot

# Motion is only a gate for the detector: 160 pixels across see a person at 50 m and cost a
# third of 320 (MOG2 and blob labelling scale with the pixel count).
MOTION_WIDTH = 160
# A covered or turned camera is an alarm after seconds, not at the next frame: checking every
# 2 s halves the cost at 1 fps; the frames between reuse the last verdict.
TAMPER_INTERVAL_S = 2.0
# Track refreshes (the detector on a frame without motion in a watched zone, to keep tracks of
# still objects alive) may be stretched this far when the machine is short: tracks are dropped
# after 8 s unseen, so 2 s x 2 still refreshes each one twice before that.
MAX_REFRESH_STRETCH = 2.0
# The detector sees only the region that moved (region.py), or on a track refresh the region
# of the objects known, and the whole frame at least this often: still objects are checked
# for real, not only carried, and what the motion check missed is found. A short machine
# stretches this as it does refreshes (up to 8 s): whole frames cost the most per run (at 119
# cameras on two cores, with YOLOX three times slower than on a fast core, half the
# detector's time), and tracks are kept by the carried detections between them.
WHOLE_FRAME_S = 4.0

Detections = Mapping[str, Sequence[Detection]]


@dataclass(frozen=True)
class Observation:
    messages: list[EventMessage]  # scene-rule events
    motion: bool
    gated: bool  # motion touched a zone an object rule watches
    detectors: tuple[str, ...]  # run these on this frame, then `apply` (empty: none due)
    region: Region | None = None  # ... on this region only (None: the whole frame)


@dataclass
class FrameResult:
    messages: list[EventMessage]
    inferences: int
    motion: bool


class CameraPipeline:
    """Stateful per camera. `observe` frames in capture order; `apply` detections in capture
    order; the caller keeps one camera's `observe` and `apply` calls from overlapping."""

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
        self._scene_events = EventLifecycle(camera_id, town)
        self._object_events = EventLifecycle(camera_id, town)
        self._motion = MotionDetector(MotionOptions(width=MOTION_WIDTH))
        self._parts = CameraParts()
        self._shape: tuple[int, ...] | None = None
        self._last_detect = -1e18
        self._last_whole = -1e18
        self._last_found: dict[str, list[Detection]] = {}  # what each book was last fed
        self._had_objects = False

    # -- every frame ---------------------------------------------------------------------------
    def observe(self, frame: Frame, t: float, *, refresh_stretch: float = 1.0) -> Observation:
        """`refresh_stretch` (1 to MAX_REFRESH_STRETCH) lengthens the interval between track
        refreshes, and between whole frames, while the machine is short; frames with motion in
        a zone are never delayed."""
        if self._shape != frame.shape:
            self._parts = assemble(self.rules, frame.shape[1], frame.shape[0])
            self._last_found = {}
            self._shape = frame.shape
        parts = self._parts
        scene = self._scene(frame, t)
        motion = self._motion.update(frame)
        for name, book in parts.books.items():
            scene.tracks[name] = book.tracks()
        if parts.static is not None:
            scene.static_blobs = parts.static.update(frame)
        for check in parts.tamper:
            if check.learned < check.evaluator.rule.learn_frames:
                check.detector.learn(frame)
                check.learned += 1
            elif t - check.checked_at >= TAMPER_INTERVAL_S - 0.5 / self.rules.fps:
                check.result, check.checked_at = check.detector.update(frame), t
            scene.tamper = check.result
        for lamp, luminance, learned in parts.lamps:
            if not lamp.is_night(scene.minute_of_day):
                continue
            if learned[0] < lamp.rule.learn_frames:
                luminance.learn(frame)
                learned[0] += 1
            else:
                scene.lamps = luminance.update(frame)
        conditions = [c for e in parts.scene_evaluators for c in e.evaluate(scene)]
        messages = self._scene_events.observe(conditions, t, self._renderer(frame))
        gated = parts.gate(motion.boxes)
        stretch = min(max(refresh_stretch, 1.0), MAX_REFRESH_STRETCH)
        if not self._detection_due(t, gated, self._refresh_s * stretch):
            return Observation(messages, bool(motion.boxes), gated, ())
        names = tuple(parts.books)
        region = self._region(motion if gated else None, frame.shape, t, names, stretch)
        if region is None:
            self._last_whole = t
        return Observation(messages, bool(motion.boxes), gated, names, region)

    def _region(
        self,
        motion: MotionResult | None,
        shape: tuple[int, ...],
        t: float,
        names: Sequence[str],
        stretch: float,
    ) -> Region | None:
        """The region of a frame to detect on: around the `motion` in a zone, or (a refresh,
        no motion there) around the objects known; None for the whole frame (due every
        WHOLE_FRAME_S times `stretch`, with nothing known, or regions switched off)."""
        whole_due = t - self._last_whole >= WHOLE_FRAME_S * stretch - 0.5 / self.rules.fps
        if not self.rules.motion_band or whole_due:
            return None
        known = [d.box for found in self._last_found.values() for d in found]
        rows = not self._detectors.take_regions(names)
        if motion is None:  # a refresh: the real check of the still objects, nothing kept
            return plan_region(known, known, shape[1], shape[0], rows=rows)
        stirred = stirring(known, motion.mask, shape[1])
        moving = [m.box for m in motion.boxes] + stirred
        region = plan_region(moving, known, shape[1], shape[0], rows=rows)
        if region is None:
            return None
        still = tuple(box for box in known if box not in stirred and region.overlaps(box))
        return replace(region, still=still)

    def _detection_due(self, t: float, gate: bool, refresh_s: float) -> bool:
        books = self._parts.books
        if not books:
            return False
        tracking = self._had_objects or any(book.tracks() for book in books.values())
        slack = 0.5 / self.rules.fps  # frames arrive on a grid: 1.99 s is "2 s later"
        since = t - self._last_detect
        due = (
            gate
            or (tracking and since >= refresh_s - slack)
            or since >= self._idle_detect_s - slack
        )
        if due:
            self._last_detect = t
        return due

    # -- frames the detectors saw --------------------------------------------------------------
    def detect(
        self, frame: Frame, names: Sequence[str], region: Region | None = None
    ) -> dict[str, list[Detection]]:
        """Run the named detectors (on `region` of the frame); touches no state of this
        pipeline."""
        area = None if region is None else region.box
        return {name: self._detectors.run(name, [frame], [area])[0] for name in names}

    def apply(
        self, frame: Frame, t: float, detections: Detections, region: Region | None = None
    ) -> list[EventMessage]:
        """Feed one frame's detections to the tracks and the object rules. With a `region`,
        the detectors looked at that region of the frame only."""
        if self._shape != frame.shape:
            return []  # the picture size changed while this frame waited: its tracks are gone
        parts = self._parts
        scene = self._scene(frame, t)
        scene.detected = True
        self._had_objects = any(detections.values())
        for name, book in parts.books.items():
            found = list(detections.get(name, ()))
            if region is not None:
                last = self._last_found.get(name, ())
                found = within(found, region)
                found += carried(last, region) + kept(last, region, found)
            self._last_found[name] = found
            seen = book.update(found, t)
            scene.seen[name] = {track.id for track in seen}
            scene.tracks[name] = book.tracks()
        scene.read_plate = self._detectors.read_plate
        conditions = [c for e in parts.object_evaluators for c in e.evaluate(scene)]
        return self._object_events.observe(conditions, t, self._renderer(frame))

    # -- offline: all in line ------------------------------------------------------------------
    def analyse(self, frame: Frame, t: float) -> FrameResult:
        seen = self.observe(frame, t)
        messages = list(seen.messages)
        if seen.detectors:
            found = self.detect(frame, seen.detectors, seen.region)
            messages += self.apply(frame, t, found, seen.region)
        return FrameResult(messages, len(seen.detectors), seen.motion)

    # -- events --------------------------------------------------------------------------------
    def open_events(self) -> list[Event]:
        return self._scene_events.open_events + self._object_events.open_events

    def close_all(self, now: float) -> list[EventMessage]:
        """End every open event (the camera's analytics stop)."""
        return self._scene_events.close_all(now) + self._object_events.close_all(now)

    def _scene(self, frame: Frame, t: float) -> Scene:
        local = dt.datetime.fromtimestamp(t, self._tz)
        return Scene(t=t, minute_of_day=local.hour * 60 + local.minute, frame=frame)

    def _renderer(self, frame: Frame) -> Renderer:
        zones = [z.points for z in self._parts.zones.values()]
        return lambda boxes: render_snapshot(frame, boxes, zones=zones)
