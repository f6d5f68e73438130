"""Street-lamp regions and camera tamper checks on real frames, modified synthetically."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from detectors import DetectorError
from detectors.luminance import (
    LuminanceOptions,
    RegionLuminance,
    TamperDetector,
)

# Two "lamps" on the street clip, in normalised coordinates: the white house, the far road.
LAMP = [(0.86, 0.12), (0.97, 0.12), (0.97, 0.28), (0.86, 0.28)]
OTHER = [(0.30, 0.15), (0.40, 0.15), (0.40, 0.25), (0.30, 0.25)]


def _darken(frame: np.ndarray, polygon: list[tuple[float, float]], factor: float) -> np.ndarray:
    height, width = frame.shape[:2]
    mask = np.zeros((height, width), np.uint8)
    points = np.round(np.array(polygon) * [width, height]).astype(np.int32)
    cv2.fillPoly(mask, [points], 255)
    out = frame.copy()
    out[mask > 0] = (out[mask > 0] * factor).astype(np.uint8)
    return out


def _shift(frame: np.ndarray, dx: int, dy: int) -> np.ndarray:
    matrix = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    height, width = frame.shape[:2]
    return np.asarray(
        cv2.warpAffine(frame, matrix, (width, height), borderMode=cv2.BORDER_REFLECT), np.uint8
    )


@pytest.fixture
def lamps(street_frames: list[np.ndarray]) -> RegionLuminance:
    watcher = RegionLuminance(LuminanceOptions(regions={"lamp": LAMP, "other": OTHER}))
    for frame in street_frames[0:40:8]:
        watcher.learn(frame)
    return watcher


def test_lamp_going_dark_is_reported(
    lamps: RegionLuminance, street_frames: list[np.ndarray]
) -> None:
    frame = street_frames[100]
    normal = {r.name: r for r in lamps.update(frame)}
    assert normal["lamp"].lit and normal["other"].lit
    assert normal["lamp"].relative == pytest.approx(1.0, abs=0.2)
    out = {r.name: r for r in lamps.update(_darken(frame, LAMP, 0.2))}
    assert not out["lamp"].lit and out["lamp"].relative < 0.3
    assert out["other"].lit


def test_whole_picture_dimming_is_not_a_lamp_failure(
    lamps: RegionLuminance, street_frames: list[np.ndarray]
) -> None:
    dimmer = (street_frames[100] * 0.6).astype(np.uint8)  # dusk / exposure change
    readings = lamps.update(dimmer)
    assert all(r.lit for r in readings)
    assert all(r.mean < r.baseline * 0.8 for r in readings)


def test_luminance_needs_learning_and_valid_regions(street_frames: list[np.ndarray]) -> None:
    watcher = RegionLuminance(LuminanceOptions(regions={"lamp": LAMP}))
    with pytest.raises(DetectorError, match="before learn"):
        watcher.update(street_frames[0])
    with pytest.raises(ValidationError, match="at least 3 points"):
        LuminanceOptions(regions={"lamp": [(0.1, 0.1), (0.2, 0.2)]})
    with pytest.raises(ValidationError, match=r"outside 0\.\.1"):
        LuminanceOptions(regions={"lamp": [(10, 10), (20, 10), (20, 20)]})


@pytest.fixture
def tamper(street_frames: list[np.ndarray]) -> TamperDetector:
    detector = TamperDetector()
    detector.learn(street_frames[0])
    return detector


def test_normal_traffic_is_not_tampering(
    tamper: TamperDetector, street_frames: list[np.ndarray]
) -> None:
    for frame in street_frames[10::25]:
        result = tamper.update(frame)
        assert not result.tampered, result


def test_covered_lens(tamper: TamperDetector, street_frames: list[np.ndarray]) -> None:
    assert tamper.update(np.zeros_like(street_frames[0])).covered
    dark = (street_frames[50] * 0.08).astype(np.uint8)  # hand over the lens, a little light
    result = tamper.update(dark)
    assert result.covered and not result.moved and not result.defocused


def test_moved_view(tamper: TamperDetector, street_frames: list[np.ndarray]) -> None:
    result = tamper.update(_shift(street_frames[50], 40, 10))
    assert result.moved and not result.covered and not result.defocused
    assert tamper.update(np.ascontiguousarray(street_frames[50][:, ::-1])).moved


def test_defocused(tamper: TamperDetector, street_frames: list[np.ndarray]) -> None:
    blurred = np.asarray(cv2.GaussianBlur(street_frames[50], (0, 0), 3), np.uint8)
    result = tamper.update(blurred)
    assert result.defocused and not result.moved and not result.covered
    assert result.sharpness < 0.3


def test_tamper_needs_a_reference(street_frames: list[np.ndarray]) -> None:
    detector = TamperDetector()
    with pytest.raises(DetectorError, match="before learn"):
        detector.update(street_frames[0])
    detector.learn(street_frames[0])
    detector.reset()
    assert not detector.learned
