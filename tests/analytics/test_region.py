"""The region of a frame the detector sees when only part of the picture moved."""

from __future__ import annotations

from detectors import Detection
from vgateway.analytics.region import MARGIN, Region, carried, kept, plan_region, within

WIDTH, HEIGHT = 640, 352


def test_region_holds_the_motion_with_a_margin_on_the_grid() -> None:
    region = plan_region([(100.0, 200.0, 160.0, 240.0)], [], WIDTH, HEIGHT)
    assert region is not None
    margin = MARGIN * HEIGHT
    assert region.left <= 100 - margin and region.right >= 160 + margin
    assert region.top <= 200 - margin and region.bottom >= 240 + margin
    assert all(v % 8 == 0 for v in (region.left, region.top, region.right, region.bottom))
    assert region.area < 0.1 * WIDTH * HEIGHT
    rows = plan_region([(100.0, 200.0, 160.0, 240.0)], [], WIDTH, HEIGHT, rows=True)
    assert rows == Region(0, region.top, WIDTH, region.bottom)  # for detectors without regions


def test_region_takes_in_every_object_it_touches_and_what_those_reach() -> None:
    known = [(150.0, 180.0, 260.0, 230.0), (250.0, 100.0, 330.0, 190.0), (500.0, 20.0, 600.0, 60.0)]
    region = plan_region([(120.0, 230.0, 140.0, 250.0)], known, WIDTH, HEIGHT)
    assert region is not None
    assert region.left <= 120 - MARGIN * HEIGHT and region.right >= 330
    assert region.top <= 100 and region.bottom >= 250
    assert not region.overlaps(known[2])


def test_no_region_without_motion_or_when_it_would_cover_most_of_the_frame() -> None:
    assert plan_region([], [], WIDTH, HEIGHT) is None
    corners = [(0.0, 0.0, 50.0, 40.0), (590.0, 300.0, 640.0, 352.0)]
    assert plan_region(corners, [], WIDTH, HEIGHT) is None
    # one column top to bottom is a small region, but the whole band of rows for others
    column = [(300.0, 10.0, 340.0, 340.0)]
    assert plan_region(column, [], WIDTH, HEIGHT) is not None
    assert plan_region(column, [], WIDTH, HEIGHT, rows=True) is None


def test_what_was_found_counts_where_its_centre_is_and_the_rest_is_carried() -> None:
    region = Region(96, 96, 320, 200)
    inside = Detection("car", 2, 0.8, (100.0, 100.0, 200.0, 150.0))
    beyond = Detection("car", 2, 0.8, (300.0, 120.0, 380.0, 160.0))  # the detector's overshoot
    assert within([inside, beyond], region) == [inside]
    above = Detection("car", 2, 0.8, (100.0, 10.0, 200.0, 90.0))
    across = Detection("car", 2, 0.8, (300.0, 120.0, 380.0, 160.0))
    right = Detection("car", 2, 0.8, (330.0, 100.0, 400.0, 160.0))
    assert carried([above, across, right], region) == [above, right]


def test_a_still_object_the_detector_misses_in_the_region_is_kept() -> None:
    parked = Detection("car", 2, 0.6, (100.0, 100.0, 160.0, 140.0))
    stirred = Detection("car", 2, 0.6, (200.0, 100.0, 260.0, 140.0))  # motion on it: not still
    region = Region(96, 96, 320, 200, still=(parked.box,))
    assert kept([parked, stirred], region, []) == [parked]
    again = Detection("car", 2, 0.7, (102.0, 101.0, 161.0, 141.0))
    assert kept([parked, stirred], region, [again]) == []  # found again: the new box counts
