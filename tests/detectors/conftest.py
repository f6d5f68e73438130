"""Fixtures for detector tests: real frames and images from ../shared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

STREET = "media/videos/residential_street_cam_640x352.mp4"


def decode(path: Path, limit: int) -> list[np.ndarray]:
    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="bgr24"))
            if len(frames) >= limit:
                break
    return frames


def _read_image(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, f"cannot read {path}"
    return np.asarray(image, dtype=np.uint8)


@pytest.fixture(scope="session")
def read_image() -> Callable[[Path], np.ndarray]:
    """cv2.imread that fails the test with the path when the file cannot be read."""
    return _read_image


@pytest.fixture(scope="session")
def street_frames(shared_dir: Path) -> list[np.ndarray]:
    """The whole residential street clip (265 frames, 640x352, 24 fps)."""
    return decode(shared_dir / STREET, 400)


@pytest.fixture(scope="session")
def yolox_model(shared_dir: Path) -> Path:
    return shared_dir / "models" / "yolox_nano.onnx"
