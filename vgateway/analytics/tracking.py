"""Object tracks across analysed frames: ids from ByteTrack (Roboflow `trackers`), plus what the
rules need that a tracker does not keep: dwell time, stillness, direction and label votes.

ByteTrack follows moving objects well and parked ones badly. YOLOX-Nano finds some parked cars
with low scores, or in two halves (a sign post splits one), so a parked car's box jumps now and
then. ByteTrack's motion model takes a jump for speed and predicts the car away from where it
stands; a car found again below ByteTrack's score for new tracks gets no track at all; and when
both halves are found in one frame, one of them starts a second track. So a detection that
ByteTrack leaves without a track, gives a new one, gives a track not yet still for `_SETTLED_S`,
or gives a still track it lies away from, is first offered to the tracks that stood in the same
place (one box lying mostly within the other, `_NESTED`) with a label they have had:
- a part of a track seen in this frame and still for a while is that track's, not news;
- a parked track (still for `_PARKED_S`) not seen in this frame is found again there (a still
  track's box that jumped away goes to the parked track that stands where it landed). Only
  parked ones: a car that waited a moment would lend its time to the next car passing there.
A still object's place is the box where it was first seen still, or, once it has been still for
a while, the larger box holding it (the object seen whole): either part of a car split by a sign
post lies within the car. A car driving towards the camera grows too, hence the wait. Boxes of
very different sizes (`_PART`) are never the same place: a car near the camera passing over a
far car's place is not that car.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import supervision as sv
from trackers import ByteTrackTracker

from detectors import Detection
from vgateway.analytics.geometry import Box, Point, anchor, box_overlap, diagonal

_HISTORY = 12
_NESTED = 0.7  # share of one box inside the other: the same still object, seen in part
_SETTLED_S = 3.0  # still this long: its parts are its own, and its place may grow
_PARKED_S = 10.0  # still this long: found again where it stood once lost
_WHOLE = 1.5  # a box this much larger than the still box, holding it: the object seen whole
_PART = 3.0  # a part of an object is at least a third of it


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


class _Row(NamedTuple):
    track_id: int  # ByteTrack's (-1: none)
    box: Box
    score: float
    label: str


def _box(xyxy: Any) -> Box:
    return (float(xyxy[0]), float(xyxy[1]), float(xyxy[2]), float(xyxy[3]))


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _comparable(a: Box, b: Box) -> bool:
    """Neither box is far larger than the other (a car near the camera passing over a far
    one's place is not that car, nor a part of it)."""
    small, large = sorted((_area(a), _area(b)))
    return large <= _PART * small


def _nested(a: Box, b: Box, *, inside: bool = False) -> float:
    """How much of the smaller box lies within the other (`inside`: of `a` within `b`); 0 when
    they are not comparable."""
    if not _comparable(a, b):
        return 0.0
    return box_overlap(a, b) if inside else max(box_overlap(a, b), box_overlap(b, a))


def _same_place(row: _Row, tracks: Iterable[Track], *, inside: bool = False) -> Track | None:
    """The track among `tracks` whose place holds the detection `row` (`inside`: holds it, not
    the other way round), with a label it has had; the one that holds most of it."""
    best, best_nested = None, _NESTED
    for track in tracks:
        if row.label not in track.labels:
            continue
        nested = _nested(row.box, track.still_box, inside=inside)
        if nested >= best_nested:
            best, best_nested = track, nested
    return best


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
        doubtful: list[tuple[_Row, Track | None]] = []
        for xyxy, score, class_id, track_id in zip(
            result.xyxy, result.confidence, result.class_id, result.tracker_id, strict=True
        ):
            row = _Row(int(track_id), _box(xyxy), float(score), self._labels[int(class_id)])
            track = self._tracks.get(self._aliases.get(row.track_id, row.track_id))
            if track is None or track.still_s < _SETTLED_S or self._stray(track, row.box):
                doubtful.append((row, track))  # no track (-1), a new one, not settled, or away
            elif track.id not in seen:  # (a second part of a car found again: the first counts)
                seen[track.id] = self._touch(track, row, t)
        for row, own in doubtful:
            self._settle(row, own, seen, t)
        for track_id, track in list(self._tracks.items()):
            if t - track.last_seen > self._lost_after_s:
                del self._tracks[track_id]
        self._aliases = {k: v for k, v in self._aliases.items() if v in self._tracks}
        return list(seen.values())

    def _settle(self, row: _Row, own: Track | None, seen: dict[int, Track], t: float) -> None:
        """Whose detection `row` is, when ByteTrack gave it no track, a new one, or a track
        (`own`) not still for a while or that it lies away from (see the module's docstring)."""
        still = [k for k in seen.values() if k is not own and k.still_s >= _SETTLED_S]
        part_of = _same_place(row, still, inside=True)
        if part_of is not None:  # a part of a still object seen in this frame: not news
            if own is None and row.track_id >= 0:
                self._aliases[row.track_id] = part_of.id
            return
        if own is None or own.still_s >= _SETTLED_S:  # (a still track's box jumped away)
            unseen = [k for k in self._tracks.values() if k.id not in seen and k is not own]
            lost = _same_place(row, [k for k in unseen if k.still_s >= _PARKED_S])
            if lost is not None and own is None and row.track_id >= 0:
                self._aliases[row.track_id] = lost.id  # found again
            own = lost or own
        if own is None and row.track_id >= 0:
            own = self._tracks[row.track_id] = Track(row.track_id, row.box, 0.0, t, t, t, row.box)
        if own is not None and own.id not in seen:
            seen[own.id] = self._touch(own, row, t)

    def _stray(self, track: Track, box: Box) -> bool:
        """`box` lies away from where `track` stands still (for one observation)."""
        point, place = anchor(box), track.still_anchor
        radius = self._still_radius * max(diagonal(box), 1.0)
        moved = float(np.hypot(point[0] - place[0], point[1] - place[1]))
        # A partly hidden still object comes back whole one time and in part the next (a sign
        # post splits a parked car): one box lying within the other is the same place.
        return moved > radius and _nested(box, track.still_box) < _NESTED

    def _touch(self, track: Track, row: _Row, t: float) -> Track:
        if t > track.first_seen:
            stray = self._stray(track, row.box)
            # One stray observation (a passing car's box taken for this one) does not end a
            # stop; two in a row do.
            track.strays = track.strays + 1 if stray else 0
            if track.strays >= 2:
                track.still_since, track.still_box, track.strays = t, row.box, 0
            elif (
                not stray
                and track.still_s >= _SETTLED_S
                and _area(row.box) >= _WHOLE * _area(track.still_box)
            ):
                # seen whole after being seen in part: its place is the whole box, so either
                # part is the same place (a part is not nested in the other part). Only once
                # settled: a car driving towards the camera grows too.
                track.still_box = row.box
        track.box, track.score, track.last_seen = row.box, row.score, t
        track.labels[row.label] += 1
        track.history.append((t, anchor(row.box)))
        return track

    def tracks(self) -> list[Track]:
        return list(self._tracks.values())
