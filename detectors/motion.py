"""Motion and static-foreground detection with OpenCV, one stateful instance per camera.

`MotionDetector` (`type: motion`) runs MOG2 background subtraction on a small grey copy of
each frame and reports moving regions plus the moving fraction of the picture.
`StaticForegroundTracker` reports regions that differ from the learned background but have
stopped changing for a number of frames: debris on the road, a stopped object.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from .base import Box, Detection, Frame, check_frame
from .registry import Factory

Mask = npt.NDArray[np.uint8]


def small_grey(frame: Frame, width: int) -> tuple[Mask, float]:
    """Grey, blurred copy at most `width` pixels wide, and the factor back to frame pixels."""
    width = min(width, frame.shape[1])
    scale = frame.shape[1] / width
    height = max(1, round(frame.shape[0] / scale))
    # Grey first: shrinking one channel costs half as much as shrinking three.
    grey = cv2.resize(
        cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), (width, height), interpolation=cv2.INTER_AREA
    )
    return np.asarray(cv2.GaussianBlur(grey, (5, 5), 0), dtype=np.uint8), scale


def mask_blobs(mask: Mask, min_area: float) -> list[tuple[int, int, int, int, int]]:
    """(x, y, w, h, area) in mask pixels of the mask's blobs of at least `min_area` pixels."""
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(x, y, w, h, area) for x, y, w, h, area in stats[1:count].tolist() if area >= min_area]


def to_frame_box(x: int, y: int, w: int, h: int, scale: float) -> Box:
    return (x * scale, y * scale, (x + w) * scale, (y + h) * scale)


class MotionOptions(BaseModel):
    """Options of the `motion` detector type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(default=320, ge=64, le=1920, description="analysis width in pixels")
    history: int = Field(default=300, ge=10, description="MOG2 history length in frames")
    var_threshold: float = Field(default=25.0, gt=0.0, description="MOG2 variance threshold")
    min_area: float = Field(
        default=0.002, ge=0.0, le=1.0, description="min blob area, picture fraction"
    )
    warmup_frames: int = Field(
        default=5, ge=0, description="frames reported as still while learning"
    )


@dataclass(frozen=True)
class MotionResult:
    boxes: list[Detection]
    fraction: float  # moving share of the picture (blobs slightly dilated), 0..1
    mask: Mask  # foreground mask at analysis size


class MotionDetector:
    """Background subtraction for one camera: feed its frames in order."""

    type = "motion"
    version = "motion-mog2/1"

    def __init__(self, options: MotionOptions | None = None) -> None:
        self._options = options or MotionOptions()
        self._kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self.reset()

    def reset(self) -> None:
        """Forget the background (after a camera reconnects or changes resolution)."""
        self._model: Any = cv2.createBackgroundSubtractorMOG2(
            history=self._options.history,
            varThreshold=self._options.var_threshold,
            detectShadows=True,
        )
        self._frames = 0
        self._shape: tuple[int, ...] = ()

    def update(self, frame: Frame) -> MotionResult:
        grey, scale = small_grey(check_frame(frame), self._options.width)
        if grey.shape != self._shape:
            self.reset()
            self._shape = grey.shape
        raw = self._model.apply(grey)
        self._frames += 1
        # MOG2 marks shadows 127: they are not motion of anything.
        mask = np.where(raw > 200, 255, 0).astype(np.uint8)
        opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, self._kernel)
        mask = np.asarray(cv2.dilate(opened, self._kernel, iterations=3), dtype=np.uint8)
        if self._frames <= self._options.warmup_frames:
            return MotionResult([], 0.0, np.zeros_like(mask))
        fraction = float(np.count_nonzero(mask)) / mask.size
        min_area = self._options.min_area * mask.size
        boxes = []
        for x, y, w, h, area in mask_blobs(mask, min_area):
            # score: how much of the box is actually moving
            extra = MappingProxyType({"fraction": fraction, "area_px": area})
            box = to_frame_box(x, y, w, h, scale)
            boxes.append(Detection("motion", 0, area / max(1, w * h), box, extra))
        return MotionResult(boxes, fraction, mask)

    def detect(self, frame: Frame) -> list[Detection]:
        return self.update(frame).boxes


class StaticOptions(BaseModel):
    """Options of `StaticForegroundTracker`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(default=320, ge=64, le=1920, description="analysis width in pixels")
    static_frames: int = Field(default=50, ge=2, description="frames a region must stay still")
    diff_threshold: int = Field(
        default=30, ge=1, le=255, description="grey-level change that counts"
    )
    background_rate: float = Field(
        default=0.002, ge=0.0, lt=1.0, description="how fast the background absorbs still things"
    )
    min_area: float = Field(
        default=0.001, ge=0.0, le=1.0, description="min blob area, picture fraction"
    )


class StaticForegroundTracker:
    """Pixels that left the background and then stayed unchanged for `static_frames` frames.

    The background is a slow running average; the frame-to-frame difference tells still
    from moving. Call `update` with every analysed frame of one camera, in order.
    """

    version = "static-fg/1"

    def __init__(self, options: StaticOptions | None = None) -> None:
        self._options = options or StaticOptions()
        self._background: npt.NDArray[np.float32] | None = None
        self._previous: Mask | None = None
        self._still: npt.NDArray[np.int32] | None = None

    def reset(self) -> None:
        self._background = self._previous = self._still = None

    def update(self, frame: Frame) -> list[Detection]:
        grey, scale = small_grey(check_frame(frame), self._options.width)
        if self._background is None or self._background.shape != grey.shape:
            self._background = grey.astype(np.float32)
            self._previous = grey
            self._still = np.zeros(grey.shape, dtype=np.int32)
            return []
        assert self._previous is not None and self._still is not None
        threshold = self._options.diff_threshold
        foreground = cv2.absdiff(grey, self._background.astype(np.uint8)) > threshold
        changing = cv2.absdiff(grey, self._previous) > threshold // 2
        self._still = np.where(foreground & ~changing, self._still + 1, 0).astype(np.int32)
        # Still things soak into the background ten times slower than the rest of the
        # picture, so debris keeps being reported while lighting drift is still followed.
        rate = np.where(foreground, 0.1, 1.0).astype(np.float32) * self._options.background_rate
        self._background += rate * (grey.astype(np.float32) - self._background)
        self._previous = grey
        still = np.where(self._still >= self._options.static_frames, 255, 0).astype(np.uint8)
        static = np.asarray(
            cv2.morphologyEx(still, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)), dtype=np.uint8
        )
        min_area = self._options.min_area * static.size
        found = []
        for x, y, w, h, area in mask_blobs(static, min_area):
            frames = int(self._still[y : y + h, x : x + w].max())
            extra = MappingProxyType({"area_px": area, "frames": frames})
            found.append(Detection("static", 0, 1.0, to_frame_box(x, y, w, h, scale), extra))
        return found


FACTORY = Factory(options=MotionOptions, build=MotionDetector)
