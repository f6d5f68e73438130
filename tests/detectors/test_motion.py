"""Motion and static-foreground detection on real street video decoded with PyAV."""

from __future__ import annotations

import numpy as np
import pytest

from detectors import default_registry
from detectors.metrics import iou
from detectors.motion import MotionDetector, MotionOptions, StaticForegroundTracker, StaticOptions

DEBRIS = (200, 285, 240, 315)  # x1, y1, x2, y2 on the near lane of the street clip


def test_passing_cars_make_motion_boxes(street_frames: list[np.ndarray]) -> None:
    motion = default_registry().create("motion")
    assert isinstance(motion, MotionDetector)
    results = [motion.update(frame) for frame in street_frames[:120]]
    with_boxes = [r for r in results[10:] if r.boxes]
    # cars drive through the picture for most of the first five seconds
    assert len(with_boxes) >= 60
    assert max(r.fraction for r in results) > 0.02
    height, width = street_frames[0].shape[:2]
    for result in with_boxes:
        for box in result.boxes:
            x1, y1, x2, y2 = box.box
            assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
            assert box.label == "motion" and 0 < box.score <= 1
            assert box.extra["fraction"] == result.fraction


def test_a_still_picture_has_no_motion(street_frames: list[np.ndarray]) -> None:
    motion = MotionDetector(MotionOptions(warmup_frames=2))
    frame = street_frames[0]
    results = [motion.update(frame) for _ in range(40)]
    assert all(r.boxes == [] and r.fraction == 0.0 for r in results)


def test_warmup_reports_nothing(street_frames: list[np.ndarray]) -> None:
    motion = MotionDetector(MotionOptions(warmup_frames=5))
    assert all(motion.detect(f) == [] for f in street_frames[:5])


def test_debris_left_on_the_road_is_found(street_frames: list[np.ndarray]) -> None:
    tracker = StaticForegroundTracker(StaticOptions(static_frames=48))
    rng = np.random.default_rng(7)
    debris = (rng.integers(0, 60, (30, 40, 3)) + np.array([20, 60, 150])).astype(np.uint8)
    x1, y1, x2, y2 = DEBRIS
    first_seen = None
    for index, frame in enumerate(street_frames):
        if index >= 60:  # a brown box falls on the road at frame 60 and stays
            frame = frame.copy()
            frame[y1:y2, x1:x2] = debris
        found = tracker.update(frame)
        hits = [d for d in found if iou(d.box, DEBRIS) > 0.5]
        if index < 60:
            assert not hits
        elif hits and first_seen is None:
            first_seen = index
            assert int(hits[0].extra["frames"]) >= 48  # type: ignore[call-overload]
    assert first_seen is not None and 60 + 48 <= first_seen <= 60 + 70
    # still reported at the end of the clip, 200 frames after it fell
    assert any(iou(d.box, DEBRIS) > 0.5 for d in found)


def test_static_tracker_ignores_an_unchanged_scene(street_frames: list[np.ndarray]) -> None:
    tracker = StaticForegroundTracker(StaticOptions(static_frames=5))
    assert all(tracker.update(street_frames[0]) == [] for _ in range(30))


@pytest.mark.parametrize("bad", [{"width": 10}, {"history": 0}, {"speed": 1}])
def test_motion_options_are_checked(bad: dict[str, int]) -> None:
    from detectors import DetectorConfigError

    with pytest.raises(DetectorConfigError, match=next(iter(bad))):
        default_registry().create("motion", **bad)


def test_resolution_change_restarts_learning(street_frames: list[np.ndarray]) -> None:
    motion = MotionDetector(MotionOptions(warmup_frames=2))
    for frame in street_frames[:5]:
        motion.update(frame)
    smaller = np.ascontiguousarray(street_frames[5][:, :480])  # other size and shape
    assert motion.update(smaller).boxes == []  # learning again, no error
