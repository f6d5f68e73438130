"""Object rules on hand-made tracks: what decides a condition."""

from __future__ import annotations

from collections import Counter

import numpy as np

from detectors.base import Box
from vgateway.analytics.geometry import Polygon
from vgateway.analytics.object_rules import StoppedVehicle
from vgateway.analytics.rules import StoppedVehicleRule
from vgateway.analytics.scene import Scene
from vgateway.analytics.tracking import Track

CURB = Polygon([(0.0, 100.0), (200.0, 100.0), (200.0, 200.0), (0.0, 200.0)])
IN_ZONE: Box = (50.0, 120.0, 100.0, 150.0)
OUTSIDE: Box = (300.0, 120.0, 350.0, 150.0)


def parked(place: Box, box: Box) -> Track:
    """A car still for 30 s at `place`, its latest box `box` (one stray observation)."""
    return Track(
        1, box, 0.8, 0.0, 30.0, 0.0, place, strays=int(box != place), labels=Counter(car=9)
    )


def stopped(track: Track) -> list[str]:
    rule = StoppedVehicleRule(id="parked", type="stopped_vehicle", zone="curb", duration_s=10)
    scene = Scene(t=30.0, minute_of_day=600, frame=np.zeros((352, 640, 3), np.uint8))
    scene.tracks["default"] = [track]
    return [c.subject for c in StoppedVehicle(rule, {"curb": CURB}).evaluate(scene)]


def test_a_car_stopped_in_the_zone_is_a_stopped_vehicle() -> None:
    assert stopped(parked(IN_ZONE, IN_ZONE)) == ["track:1"]


def test_what_counts_is_where_it_stopped_not_a_stray_box() -> None:
    # stopped outside, one box in the zone (a passing car's box taken for it): not stopped there
    assert stopped(parked(OUTSIDE, IN_ZONE)) == []
    # ...and stopped in the zone, one stray box outside: still stopped in the zone
    assert stopped(parked(IN_ZONE, OUTSIDE)) == ["track:1"]
