"""When a camera's frame goes to the object detector (motion in a zone, track refreshes, idle),
and which of its rows."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from detectors import Detection
from tests.analytics.test_scene_rules import REPO, TZ, road
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.pipeline import WHOLE_FRAME_S, CameraPipeline, detection_input
from vgateway.analytics.rules import CameraRules, RulesFile

SPEC = {
    "fps": 1,
    "zones": {"curb": [[0, 100], [640, 100], [640, 352], [0, 352]]},
    "rules": [
        {
            "id": "parked",
            "type": "stopped_vehicle",
            "zone": "curb",
            "duration_s": 10,
            "classes": ["truck"],
        }
    ],
}


class ParkedCar:
    type, version = "fake", "0"

    def detect(self, frame: object) -> list[Detection]:
        return [Detection("car", 2, 0.9, (300.0, 200.0, 380.0, 250.0))]


def refreshed_seconds(stretch: float) -> list[int]:
    """Seconds (of 30, one still frame each) whose frame went to the detector."""
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", ParkedCar())
    pipe = CameraPipeline("cam001", "chengguan", CameraRules.model_validate(SPEC), pool, TZ)
    t0 = dt.datetime(2025, 6, 2, 14, tzinfo=TZ).timestamp()
    frame = road(0)  # the same picture every second: no motion anywhere
    due = []
    for second in range(30):
        seen = pipe.observe(frame, t0 + second, refresh_stretch=stretch)
        assert not seen.gated
        if seen.detectors:
            due.append(second)
            pipe.apply(frame, t0 + second, pipe.detect(frame, seen.detectors))
    return due


def test_still_tracks_are_refreshed_every_2_s() -> None:
    due = refreshed_seconds(1.0)
    assert len(due) == 15 and all(b - a == 2 for a, b in itertools.pairwise(due)), due


def test_a_short_machine_spaces_refreshes_out_but_at_most_twofold() -> None:
    due = refreshed_seconds(10.0)  # asked for 10x: capped at 2x
    assert len(due) == 8 and all(b - a == 4 for a, b in itertools.pairwise(due)), due


class ColourBlobs:
    """Finds white blobs (a moving car) and red ones (a parked car) in what it is given."""

    type, version = "fake", "0"

    def __init__(self) -> None:
        self.heights: list[int] = []

    def detect(self, frame: np.ndarray) -> list[Detection]:
        self.heights.append(frame.shape[0])
        found = []
        for label, colour in (("car", (255, 255, 255)), ("truck", (0, 0, 200))):
            ys, xs = np.nonzero(np.all(frame == colour, axis=2))
            if len(xs):
                box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
                found.append(Detection(label, 2, 0.9, box))
        return found


def test_moving_rows_only_go_to_the_detector_and_still_objects_stay_tracked() -> None:
    detector = ColourBlobs()
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", detector)
    pipe = CameraPipeline("cam001", "chengguan", CameraRules.model_validate(SPEC), pool, TZ)
    t0 = dt.datetime(2025, 6, 2, 14, tzinfo=TZ).timestamp()
    starts, bands, parked_ids, moving_seen = [], [], set(), 0
    for second in range(30):
        frame = road(second)
        frame[120:160, 300:380] = (0, 0, 200)  # parked all along, above the traffic
        x = 40 * (second % 12)
        frame[260:300, x : x + 60] = (255, 255, 255)  # a car driving along the bottom
        seen = pipe.observe(frame, t0 + second)
        if not seen.detectors:
            continue
        bands.append(seen.band)
        shown = detection_input(frame, seen.band)
        messages = pipe.apply(frame, t0 + second, pipe.detect(shown, seen.detectors), seen.band)
        starts += [m.event.label for m in messages if m.kind == "start"]
        book = pipe._parts.books["default"]
        parked = [t for t in book.tracks() if t.label == "truck"]
        parked_ids |= {t.id for t in parked}
        if len(bands) > 2:  # carried through the band frames: seen in every detected frame
            assert [t.last_seen for t in parked] == [t0 + second], (second, seen.band)
        moving = [t for t in book.tracks() if t.label == "car" and t.last_seen == t0 + second]
        if moving:  # (a new track shows from its second sighting)
            assert [t.box for t in moving] == [(x, 260.0, x + 60.0, 300.0)]  # in frame pixels
            moving_seen += 1
    cut = [band for band in bands if band is not None]
    assert moving_seen >= 20
    assert len(cut) >= 15, bands  # most frames: only the rows around the moving car
    assert all(band.top > 160 and band.bottom >= 300 for band in cut), cut
    assert min(detector.heights) < 352 / 2
    # ...and the whole frame at least every WHOLE_FRAME_S
    whole = [i for i, band in enumerate(bands) if band is None]
    assert all(b - a <= WHOLE_FRAME_S for a, b in itertools.pairwise(whole)), bands
    # the parked car kept one track while it was carried, and its stop raised one event
    assert len(parked_ids) == 1
    assert starts == ["truck"], starts
