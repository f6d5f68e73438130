"""Brightness-based checks, one stateful instance per camera.

`RegionLuminance` watches polygon regions (street lamps) against a learned baseline and says
which went dark. `TamperDetector` compares frames with a learned reference view and says
whether the lens is covered, the view has moved, or the picture has gone out of focus.
Both follow the same pattern: `learn(frame)` while the scene is known good, then `update(frame)`.
Neither decides how long a condition must last: that is the caller's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .base import DetectorError, Frame, check_frame

Point = tuple[float, float]
Grey = npt.NDArray[np.uint8]


def grey_at_width(frame: Frame, width: int) -> Grey:
    """Luma (Rec.601) of `frame` resized to at most `width` pixels across."""
    grey = np.asarray(cv2.cvtColor(check_frame(frame), cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    if grey.shape[1] > width:  # grey first: shrinking one channel costs half of three
        height = max(1, round(grey.shape[0] * width / grey.shape[1]))
        grey = np.asarray(
            cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    return grey


class LuminanceOptions(BaseModel):
    """Regions to watch, as polygons in normalised coordinates (0..1 of width and height)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regions: dict[str, list[Point]] = Field(description="name -> polygon of 3+ points")
    dark_ratio: float = Field(default=0.5, gt=0.0, lt=1.0, description="relative brightness = off")
    width: int = Field(default=640, ge=64, le=4096, description="analysis width in pixels")

    @field_validator("regions")
    @classmethod
    def _polygons(cls, regions: dict[str, list[Point]]) -> dict[str, list[Point]]:
        for name, points in regions.items():
            if len(points) < 3:
                raise ValueError(f"region {name!r} needs at least 3 points")
            if any(not (0.0 <= c <= 1.0) for point in points for c in point):
                raise ValueError(f"region {name!r} has points outside 0..1 (normalised)")
        return regions


@dataclass(frozen=True)
class RegionReading:
    name: str
    mean: float  # mean luma 0..255 now
    baseline: float  # learned mean luma
    relative: float  # (mean / baseline) / (rest of the picture now / its baseline)
    lit: bool  # relative >= dark_ratio


class RegionLuminance:
    """Mean luma per region compared with a learned baseline, corrected for global changes."""

    def __init__(self, options: LuminanceOptions) -> None:
        self._options = options
        self._masks: dict[str, Grey] = {}
        self._shape: tuple[int, ...] = ()
        self._sums: dict[str, float] = {}
        self._samples = 0

    def _region_means(self, frame: Frame) -> dict[str, float]:
        grey = grey_at_width(frame, self._options.width)
        if grey.shape != self._shape:
            self._shape = grey.shape
            size = np.array([grey.shape[1], grey.shape[0]], dtype=np.float32)
            self._masks = {}
            for name, points in self._options.regions.items():
                mask = np.zeros(grey.shape, dtype=np.uint8)
                polygon = np.round(np.array(points, dtype=np.float32) * size).astype(np.int32)
                cv2.fillPoly(mask, [polygon], 255)
                self._masks[name] = mask
            inside = np.any([mask > 0 for mask in self._masks.values()], axis=0)
            self._masks[""] = np.where(inside, 0, 255).astype(np.uint8)  # the rest of the picture
        return {name: float(cv2.mean(grey, mask)[0]) for name, mask in self._masks.items()}

    @property
    def learned(self) -> bool:
        return self._samples > 0

    def learn(self, frame: Frame) -> None:
        """Add a frame to the baseline (call with frames where every lamp is lit)."""
        for name, value in self._region_means(frame).items():
            self._sums[name] = self._sums.get(name, 0.0) + value
        self._samples += 1

    def reset(self) -> None:
        self._sums, self._samples = {}, 0

    def baseline(self) -> Mapping[str, float]:
        return {name: total / max(1, self._samples) for name, total in self._sums.items() if name}

    def update(self, frame: Frame) -> list[RegionReading]:
        if not self.learned:
            raise DetectorError("RegionLuminance.update called before learn()")
        means = self._region_means(frame)
        base = {name: total / self._samples for name, total in self._sums.items()}
        # Scale by the rest of the picture (exposure, dusk) unless it is too dark to tell.
        rest = float(np.clip(means[""] / base[""], 0.2, 5.0)) if base[""] >= 20.0 else 1.0
        readings = []
        for name in self._options.regions:
            relative = means[name] / max(base[name], 1.0) / rest
            readings.append(
                RegionReading(
                    name, means[name], base[name], relative, relative >= self._options.dark_ratio
                )
            )
        return readings


class TamperOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(default=320, ge=64, le=1920, description="analysis width in pixels")
    covered_brightness: float = Field(default=40.0, ge=0.0, le=255.0, description="dark below this")
    covered_contrast: float = Field(default=12.0, ge=0.0, description="luma std below this is flat")
    moved_similarity: float = Field(
        default=0.5, ge=-1.0, le=1.0, description="structure match below"
    )
    defocus_ratio: float = Field(default=0.3, gt=0.0, lt=1.0, description="sharpness share below")


@dataclass(frozen=True)
class TamperResult:
    covered: bool
    moved: bool
    defocused: bool
    brightness: float  # mean luma 0..255
    contrast: float  # luma standard deviation
    similarity: float  # structure correlation with the reference view, -1..1
    sharpness: float  # Laplacian variance relative to the learned baseline

    @property
    def tampered(self) -> bool:
        return self.covered or self.moved or self.defocused


def _structure(grey: Grey) -> npt.NDArray[np.float32]:
    # Gradient magnitude of a blurred picture: survives defocus, not a shifted view.
    blurred = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 2.0)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1)
    magnitude = cv2.magnitude(gx, gy)
    return np.asarray(magnitude - magnitude.mean(), dtype=np.float32)


def _correlation(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    denominator = float(np.sqrt(float((a * a).sum()) * float((b * b).sum())))
    return float((a * b).sum()) / denominator if denominator > 0 else 0.0


class TamperDetector:
    """Covered lens, moved view and lost focus, judged against a learned reference view."""

    version = "tamper/1"

    def __init__(self, options: TamperOptions | None = None) -> None:
        self._options = options or TamperOptions()
        self._reference: npt.NDArray[np.float32] | None = None
        self._sharpness: list[float] = []

    @property
    def learned(self) -> bool:
        return self._reference is not None

    def learn(self, frame: Frame) -> None:
        """Take `frame` as the reference view and add it to the sharpness baseline."""
        grey = grey_at_width(frame, self._options.width)
        self._reference = _structure(grey)
        self._sharpness.append(float(cv2.Laplacian(grey, cv2.CV_64F).var()))

    def reset(self) -> None:
        self._reference, self._sharpness = None, []

    def update(self, frame: Frame) -> TamperResult:
        if self._reference is None:
            raise DetectorError("TamperDetector.update called before learn()")
        options = self._options
        grey = grey_at_width(frame, options.width)
        brightness, contrast = float(grey.mean()), float(grey.std())
        structure = _structure(grey)
        if structure.shape != self._reference.shape:  # the stream changed resolution
            height, width = self._reference.shape
            structure = np.asarray(cv2.resize(structure, (width, height)), dtype=np.float32)
        similarity = _correlation(self._reference, structure)
        baseline = max(float(np.mean(self._sharpness)), 1e-6)
        sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var()) / baseline
        covered = contrast < options.covered_contrast and (
            brightness < options.covered_brightness or contrast < options.covered_contrast / 2
        )
        return TamperResult(
            covered=covered,
            moved=not covered and similarity < options.moved_similarity,
            defocused=not covered and sharpness < options.defocus_ratio,
            brightness=brightness,
            contrast=contrast,
            similarity=similarity,
            sharpness=sharpness,
        )
