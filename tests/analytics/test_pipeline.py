"""When a camera's frame goes to the object detector: motion in a zone, track refreshes, idle."""

from __future__ import annotations

import datetime as dt
import itertools

from detectors import Detection
from tests.analytics.test_scene_rules import REPO, TZ, road
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import CameraRules, RulesFile

SPEC = {
    "fps": 1,
    "zones": {"curb": [[0, 100], [640, 100], [640, 352], [0, 352]]},
    "rules": [{"id": "parked", "type": "stopped_vehicle", "zone": "curb", "duration_s": 10}],
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
