"""Object tracks across analysed frames: ids from ByteTrack (Roboflow `trackers`), plus what the
rules need that a tracker does not keep: dwell time, stillness, direction and label votes."""

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
        seen: list[Track] = []
        for box, score, class_id, track_id in zip(
            result.xyxy, result.confidence, result.class_id, result.tracker_id, strict=True
        ):
            if int(track_id) < 0:
                continue
            seen.append(
                self._touch(
                    int(track_id),
                    tuple(map(float, box)),
                    float(score),
                    self._labels[int(class_id)],
                    t,
                )
            )
        for track_id, track in list(self._tracks.items()):
            if t - track.last_seen > self._lost_after_s:
                del self._tracks[track_id]
        return seen

    def _touch(self, track_id: int, box: Any, score: float, label: str, t: float) -> Track:
        box4: Box = (box[0], box[1], box[2], box[3])
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
            track.box, track.score, track.last_seen = box4, score, t
        track.labels[label] += 1
        track.history.append((t, point))
        return track

    def tracks(self) -> list[Track]:
        return list(self._tracks.values())
