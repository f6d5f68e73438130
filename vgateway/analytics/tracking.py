"""Object tracks across analysed frames: ids from ByteTrack (Roboflow `trackers`), plus what the
rules need that a tracker does not keep: dwell time, stillness, direction and label votes.

ByteTrack follows moving objects; a parked car it can lose. YOLOX-Nano finds some parked cars
with low scores, or in two halves, so the car's box jumps now and then; ByteTrack's motion
model takes the jump for speed and predicts the car away from where it stands, and a car found
again below ByteTrack's threshold for new tracks gets no track at all. So a detection that
ByteTrack leaves without a track, or gives a new one, is first offered to the tracks of this
book that were in the same place: one lying mostly within the other (`_NESTED`), with a label
the track has had, among the tracks not seen in this frame that have been seen for a while.
A still object's place is the box where it was first seen still, or the larger box holding it
once the object is seen whole: either part of a car split by a sign post lies within the car.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import supervision as sv
from trackers import ByteTrackTracker

from detectors import Detection
from vgateway.analytics.geometry import Box, Point, anchor, box_overlap, diagonal

_HISTORY = 12
_NESTED = 0.7  # share of one box inside the other: the same still object, seen in part
_REFIND_AFTER_S = 3.0  # a track seen this long is found again where it stood
_WHOLE = 1.5  # a box this much larger than the still box, holding it: the object seen whole


@dataclass
class Track:
    id: int
    box: Box
    score: float
    first_seen: float
    last_seen: float
    still_since: float
    still_box: Box  # where the stillness began
    strays: int = 0  # consecutive observations away from where the stillness began
    labels: Counter[str] = field(default_factory=Counter)
    history: deque[tuple[float, Point]] = field(default_factory=lambda: deque(maxlen=_HISTORY))

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0] if self.labels else "object"

    @property
    def anchor(self) -> Point:
        return anchor(self.box)

    @property
    def still_anchor(self) -> Point:
        return anchor(self.still_box)

    @property
    def dwell_s(self) -> float:
        return self.last_seen - self.first_seen

    @property
    def still_s(self) -> float:
        return self.last_seen - self.still_since

    def previous_anchor(self) -> Point | None:
        return self.history[-2][1] if len(self.history) >= 2 else None

    def displacement(self) -> Point:
        """Movement of the anchor over the kept history."""
        if len(self.history) < 2:
            return (0.0, 0.0)
        (_, a), (_, b) = self.history[0], self.history[-1]
        return (b[0] - a[0], b[1] - a[1])


def _box(xyxy: Any) -> Box:
    return (float(xyxy[0]), float(xyxy[1]), float(xyxy[2]), float(xyxy[3]))


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


class TrackBook:
    """Tracks of one camera; feed it each frame's detections in time order."""

    def __init__(
        self, fps: float, *, lost_after_s: float = 8.0, still_radius: float = 0.15
    ) -> None:
        self._tracker = ByteTrackTracker(
            lost_track_buffer=max(1, round(lost_after_s * 30)),  # counted in 30 fps frames
            frame_rate=fps,
            track_activation_threshold=0.35,
            minimum_consecutive_frames=1,
            minimum_iou_threshold=0.1,
            high_conf_det_threshold=0.5,
        )
        self._lost_after_s = lost_after_s
        self._still_radius = still_radius
        self._tracks: dict[int, Track] = {}
        self._aliases: dict[int, int] = {}  # ByteTrack's new id for a track found again
        self._label_ids: dict[str, int] = {}
        self._labels: list[str] = []
        self._last_t: float | None = None

    def _class_id(self, label: str) -> int:
        if label not in self._label_ids:
            self._label_ids[label] = len(self._labels)
            self._labels.append(label)
        return self._label_ids[label]

    def update(self, detections: Sequence[Detection], t: float) -> list[Track]:
        """Associate `detections` (one frame, time `t`); returns the tracks seen in this frame."""
        if self._last_t is not None and t <= self._last_t:
            t = self._last_t + 1e-3  # the tracker skips updates whose time does not advance
        self._last_t = t
        if detections:
            found = sv.Detections(
                xyxy=np.array([d.box for d in detections], dtype=np.float32),
                confidence=np.array([d.score for d in detections], dtype=np.float32),
                class_id=np.array([self._class_id(d.label) for d in detections], dtype=int),
            )
        else:
            found = sv.Detections.empty()
        result: Any = self._tracker.update(found, timestamp=t)
        seen: dict[int, Track] = {}
        unknown: list[tuple[int, Box, float, str]] = []
        for xyxy, score, class_id, track_id in zip(
            result.xyxy, result.confidence, result.class_id, result.tracker_id, strict=True
        ):
            row = (int(track_id), _box(xyxy), float(score), self._labels[int(class_id)])
            known = self._aliases.get(row[0], row[0])
            if known not in self._tracks:  # no track (-1), or a new one
                unknown.append(row)
            elif known not in seen:  # (a second part of a car found again: the first counts)
                seen[known] = self._touch(known, *row[1:], t)
        for track_id, box, score, label in unknown:
            same = self._same_place(box, label, seen)
            if same is not None:
                if track_id >= 0:
                    self._aliases[track_id] = same.id
                seen[same.id] = self._touch(same.id, box, score, label, t)
            elif track_id >= 0:
                seen[track_id] = self._touch(track_id, box, score, label, t)
        for track_id, track in list(self._tracks.items()):
            if t - track.last_seen > self._lost_after_s:
                del self._tracks[track_id]
        self._aliases = {k: v for k, v in self._aliases.items() if v in self._tracks}
        return list(seen.values())

    def _same_place(self, box: Box, label: str, seen: dict[int, Track]) -> Track | None:
        """The track, not seen in this frame, that stood where `box` is (see the module's
        docstring); the one whose place holds most of it."""
        best, best_nested = None, _NESTED
        for track in self._tracks.values():
            if track.id in seen or label not in track.labels:
                continue
            if track.dwell_s < _REFIND_AFTER_S:
                continue
            nested = max(box_overlap(box, track.still_box), box_overlap(track.still_box, box))
            if nested >= best_nested:
                best, best_nested = track, nested
        return best

    def _touch(self, track_id: int, box4: Box, score: float, label: str, t: float) -> Track:
        point = anchor(box4)
        track = self._tracks.get(track_id)
        if track is None:
            track = Track(track_id, box4, score, t, t, t, box4)
            self._tracks[track_id] = track
        else:
            radius = self._still_radius * max(diagonal(box4), 1.0)
            moved = float(
                np.hypot(point[0] - track.still_anchor[0], point[1] - track.still_anchor[1])
            )
            # A partly hidden still object comes back whole one time and in part the next (a
            # sign post splits a parked car): one box lying within the other is the same place.
            nested = max(box_overlap(box4, track.still_box), box_overlap(track.still_box, box4))
            stray = moved > radius and nested < _NESTED
            # One stray observation (a passing car's box taken for this one) does not end a
            # stop; two in a row do.
            track.strays = track.strays + 1 if stray else 0
            if track.strays >= 2:
                track.still_since, track.still_box, track.strays = t, box4, 0
            elif not stray and _area(box4) >= _WHOLE * _area(track.still_box):
                # seen whole after being seen in part: its place is the whole box, so either
                # part is the same place (a part is not nested in the other part)
                track.still_box = box4
            track.box, track.score, track.last_seen = box4, score, t
        track.labels[label] += 1
        track.history.append((t, point))
        return track

    def tracks(self) -> list[Track]:
        return list(self._tracks.values())
