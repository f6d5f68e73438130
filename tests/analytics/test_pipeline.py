"""When a camera's frame goes to the object detector (motion in a zone, track refreshes, idle),
and which part of it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from detectors import Detection
from detectors.base import Box
from tests.analytics.test_scene_rules import REPO, TZ, road
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.pipeline import WHOLE_FRAME_S, CameraPipeline
from vgateway.analytics.region import Region
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


def refreshes(stretch: float) -> list[tuple[int, bool]]:
    """(second, the whole frame) of each of 30 still frames, one a second, that went to the
    detector."""
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
            due.append((second, seen.region is None))
            found = pipe.detect(frame, seen.detectors, seen.region)
            pipe.apply(frame, t0 + second, found, seen.region)
    return due


def test_still_tracks_are_refreshed_every_2_s_and_the_whole_frame_seen_every_4_s() -> None:
    due = refreshes(1.0)
    seconds = [second for second, _ in due]
    assert len(due) == 15 and all(b - a == 2 for a, b in itertools.pairwise(seconds)), due
    assert [second for second, whole in due if whole] == list(range(0, 30, int(WHOLE_FRAME_S)))


def test_a_short_machine_spaces_refreshes_and_whole_frames_out_but_at_most_twofold() -> None:
    due = refreshes(10.0)  # asked for 10x: capped at 2x
    seconds = [second for second, _ in due]
    assert len(due) == 8 and all(b - a == 4 for a, b in itertools.pairwise(seconds)), due
    assert [second for second, whole in due if whole] == list(range(0, 30, 2 * int(WHOLE_FRAME_S)))


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


class RegionBlobs(ColourBlobs):
    """The same, able to look at a region only: like YOLOX it looks a little beyond (16 px)."""

    def __init__(self) -> None:
        super().__init__()
        self.widths: list[int] = []

    def detect_regions(
        self, frames: Sequence[np.ndarray], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        results = []
        for frame, region in zip(frames, regions, strict=True):
            height, width = frame.shape[:2]
            x1, y1, x2, y2 = (0.0, 0.0, float(width), float(height)) if region is None else region
            left, top = max(0, int(x1) - 16), max(0, int(y1) - 16)
            right, bottom = min(width, int(x2) + 16), min(height, int(y2) + 16)
            self.widths.append(right - left)
            found = self.detect(frame[top:bottom, left:right])
            results.append(
                [
                    replace(
                        d, box=(d.box[0] + left, d.box[1] + top, d.box[2] + left, d.box[3] + top)
                    )
                    for d in found
                ]
            )
        return results


@pytest.mark.parametrize("regions", [False, True], ids=["rows", "regions"])
def test_moving_part_only_goes_to_the_detector_and_still_objects_stay_tracked(
    regions: bool,
) -> None:
    detector = RegionBlobs() if regions else ColourBlobs()
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", detector)
    pipe = CameraPipeline("cam001", "chengguan", CameraRules.model_validate(SPEC), pool, TZ)
    t0 = dt.datetime(2025, 6, 2, 14, tzinfo=TZ).timestamp()
    starts, bands, parked_ids, moving_seen = [], [], set(), 0
    refreshes: list[Region | None] = []
    looks: list[tuple[int, bool]] = []  # (second, the whole frame) of each detection
    for second in range(30):
        frame = road(second)
        frame[120:160, 300:380] = (0, 0, 200)  # parked all along, above the traffic
        x = 40 * (second % 12)
        frame[260:300, x : x + 60] = (255, 255, 255)  # a car driving along the bottom
        seen = pipe.observe(frame, t0 + second)
        if not seen.detectors:
            continue
        looks.append((second, seen.region is None))
        if seen.gated:
            bands.append(seen.region)
        else:  # the motion check is still learning the background: track refreshes
            refreshes.append(seen.region)
        found = pipe.detect(frame, seen.detectors, seen.region)
        messages = pipe.apply(frame, t0 + second, found, seen.region)
        starts += [m.event.label for m in messages if m.kind == "start"]
        book = pipe._parts.books["default"]
        parked = [t for t in book.tracks() if t.label == "truck"]
        parked_ids |= {t.id for t in parked}
        if bands:  # carried through the band frames: seen in every detected frame
            assert [t.last_seen for t in parked] == [t0 + second], (second, seen.region)
        moving = [t for t in book.tracks() if t.label == "car" and t.last_seen == t0 + second]
        if moving:  # (a new track shows from its second sighting)
            assert [t.box for t in moving] == [(x, 260.0, x + 60.0, 300.0)]  # in frame pixels
            moving_seen += 1
    cut = [band for band in bands if band is not None]
    assert moving_seen >= 20
    assert len(cut) >= 15, bands  # most frames: only the part around the moving car
    assert all(band.top > 160 and band.bottom >= 300 for band in cut), cut
    if regions:  # the rectangle around the car, not the whole width
        assert all(band.right - band.left < 200 for band in cut), cut
        assert isinstance(detector, RegionBlobs) and min(detector.widths) < 640 / 2
    else:
        assert all(band.left == 0 and band.right == 640 for band in cut), cut
        assert min(detector.heights) < 352 / 2
    # ...and the whole frame once WHOLE_FRAME_S have passed since the last
    last_whole = 0
    for second, whole in looks:
        assert whole or second - last_whole < WHOLE_FRAME_S, looks
        last_whole = second if whole else last_whole
    # A refresh looks at the objects known: with regions, at the rectangle holding both cars
    # (the rows holding them would be most of the frame: the whole frame instead).
    assert refreshes[0] is None  # nothing known yet
    held = [r for r in refreshes if r is not None]
    if regions:
        assert held and all(r.left <= 300 and r.right >= 380 and r.top <= 120 for r in held)
        assert all(r.area < 0.7 * 640 * 352 for r in held), held
    # the parked car kept one track while it was carried, and its stop raised one event
    assert len(parked_ids) == 1
    assert starts == ["truck"], starts
