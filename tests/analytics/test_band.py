"""The band of rows the detector sees when only part of the picture moved."""

from __future__ import annotations

from detectors import Detection
from vgateway.analytics.band import MARGIN, Band, carried, plan_band, shifted

HEIGHT = 352


def test_band_holds_the_motion_with_a_margin_on_the_grid() -> None:
    band = plan_band([(100.0, 200.0, 160.0, 240.0)], [], HEIGHT)
    assert band is not None
    assert band.top <= 200 - MARGIN * HEIGHT and band.bottom >= 240 + MARGIN * HEIGHT
    assert band.top % 8 == 0 and band.bottom % 8 == 0
    assert band.height < 0.35 * HEIGHT


def test_band_takes_in_every_object_it_touches_and_what_those_reach() -> None:
    # the motion touches a lorry; the lorry reaches a car above it; a far car stays out
    known = [(0.0, 150.0, 100.0, 215.0), (0.0, 100.0, 60.0, 160.0), (0.0, 10.0, 40.0, 40.0)]
    band = plan_band([(300.0, 230.0, 340.0, 250.0)], known, HEIGHT)
    assert band is not None
    assert band.top <= 100 and band.bottom >= 250
    assert not band.overlaps(known[2])


def test_no_band_without_motion_or_when_it_would_cover_most_of_the_frame() -> None:
    assert plan_band([], [], HEIGHT) is None
    assert plan_band([(0.0, 40.0, 50.0, 80.0), (0.0, 280.0, 50.0, 320.0)], [], HEIGHT) is None


def test_boxes_found_on_the_band_come_back_in_frame_pixels() -> None:
    band = Band(96, 200)
    found = shifted([Detection("car", 2, 0.8, (10.0, 5.0, 50.0, 60.0))], band)
    assert found[0].box == (10.0, 101.0, 50.0, 156.0)
    assert found[0].label == "car" and found[0].score == 0.8


def test_only_objects_wholly_outside_the_band_are_carried() -> None:
    band = Band(96, 200)
    above = Detection("car", 2, 0.9, (0.0, 20.0, 50.0, 90.0))
    across = Detection("truck", 7, 0.7, (0.0, 80.0, 50.0, 120.0))
    below = Detection("person", 0, 0.6, (0.0, 210.0, 20.0, 260.0))
    assert carried([above, across, below], band) == [above, below]
