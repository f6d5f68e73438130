"""The detector interface: BGR frames in, `Detection`s out, and the one error hierarchy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
"""A decoded video frame: BGR, uint8, shape (H, W, 3)."""

Box = tuple[float, float, float, float]

_EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class Detection:
    """One object found in one frame.

    `box` is (x1, y1, x2, y2) in pixels of the frame given to `detect`; `extra` holds
    detector-specific facts (plate text, colour and corners; motion fraction ...).
    """

    label: str
    class_id: int
    score: float
    box: Box
    extra: Mapping[str, object] = field(default_factory=lambda: _EMPTY)


class DetectorError(Exception):
    """Base of every error raised by the detectors package."""


class ModelNotFoundError(DetectorError):
    """A model file that the configuration names does not exist."""

    def __init__(self, path: object, what: str = "model") -> None:
        super().__init__(
            f"{what} file not found: {path}. Model weights are supplied by the operator "
            "and are never downloaded; put the file there or change the path in the config."
        )
        self.path = path


class DetectorConfigError(DetectorError):
    """Unknown detector type or invalid options for one."""


@runtime_checkable
class Detector(Protocol):
    """What every detector plugin provides."""

    type: str
    version: str
    """Model file name and sha256 prefix (or algorithm revision), for evidence manifests."""

    def detect(self, frame: Frame) -> list[Detection]: ...


@runtime_checkable
class BatchDetector(Detector, Protocol):
    """A detector that can run several frames in one call."""

    def detect_batch(self, frames: Sequence[Frame]) -> list[list[Detection]]: ...


@runtime_checkable
class RegionDetector(Detector, Protocol):
    """A detector that can look at a region of each frame only (x1, y1, x2, y2 in frame pixels;
    None: the whole frame), finding there what it finds on the whole frame, at a cost that
    follows the region's size. It may look a little beyond the region (to its own grid), and
    returns every box it found, in frame pixels."""

    def detect_regions(
        self, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]: ...


def run_batch(detector: Detector, frames: Sequence[Frame]) -> list[list[Detection]]:
    """Detect in several frames, batched where the detector supports it."""
    if isinstance(detector, BatchDetector):
        return detector.detect_batch(frames)
    return [detector.detect(frame) for frame in frames]


def check_frame(frame: object) -> Frame:
    """Return `frame` if it is a BGR uint8 (H, W, 3) array; else raise DetectorError saying why."""
    if not isinstance(frame, np.ndarray):
        raise DetectorError(f"frame must be a numpy array, got {type(frame).__name__}")
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise DetectorError(
            f"frame must be uint8 with shape (H, W, 3) (BGR), got {frame.dtype} {frame.shape}"
        )
    if frame.shape[0] < 2 or frame.shape[1] < 2:
        raise DetectorError(f"frame is too small: {frame.shape}")
    return frame
