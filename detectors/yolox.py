"""YOLOX object detector on ONNX Runtime (COCO 80 classes): the default detector."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from ._onnx import model_version, open_session, require_file, with_free_size
from .base import (
    Box,
    Detection,
    DetectorConfigError,
    DetectorError,
    Frame,
    check_frame,
)
from .coco_names import COCO_CLASSES
from .registry import Factory

FloatArray = npt.NDArray[np.float32]
Size = tuple[int, int]  # (height, width)
Window = tuple[int, int, int, int]  # left, top, right, bottom in input pixels

_PAD_VALUE = 114  # YOLOX was trained with grey letterbox padding
_STRIDES = (8, 16, 32)
# A wide frame letterboxed into the square input leaves much of it padding: two such frames
# stacked fill it, each at this share of its single-frame scale or more.
_PAIR_MIN_SCALE = 0.85


class YoloxOptions(BaseModel):
    """Options of the `yolox` detector type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Path = Field(description="YOLOX .onnx file (input `images` NCHW BGR 0..255)")
    score_threshold: float = Field(
        default=0.3, ge=0.0, le=1.0, description="min objectness x class"
    )
    nms_iou: float = Field(default=0.45, gt=0.0, le=1.0, description="IoU above which boxes merge")
    classes: list[str] | None = Field(
        default=None, description="keep only these class names (None: all classes)"
    )
    threads: int = Field(default=1, ge=1, le=64, description="onnxruntime intra-op threads")
    fit_height: bool = Field(
        default=True,
        description="run the model only as large as the letterboxed frame needs (multiples of "
        "32): a 16:9 frame takes 416x256 instead of 416x416, about a third less CPU at the same "
        "scale, and a region of a frame (detect_regions) only its share of that; off: always "
        "the model's square input",
    )
    pair_wide_frames: bool = Field(
        default=False,
        description="in detect_batch, run two wide frames (16:9 and wider) per inference, one "
        "above the other: half the cost per frame, each at about 90% of its single-frame scale",
    )


def _load_class_names(model: Path, count: int) -> tuple[str, ...]:
    """Names from coco_classes.txt beside the model, else the built-in COCO list."""
    names_file = model.with_name("coco_classes.txt")
    if names_file.is_file():
        names = tuple(line.strip() for line in names_file.read_text(encoding="utf-8").splitlines())
        names = tuple(name for name in names if name)
    else:
        names = COCO_CLASSES
    if len(names) != count:
        raise DetectorConfigError(
            f"{model}: the model predicts {count} classes but "
            f"{names_file if names_file.is_file() else 'the built-in list'} names {len(names)}"
        )
    return names


def _grids(height: int, width: int) -> tuple[FloatArray, FloatArray]:
    """Per-anchor (x, y) grid offsets and strides, in YOLOX's output order."""
    grids, strides = [], []
    for stride in _STRIDES:
        ys, xs = np.meshgrid(np.arange(height // stride), np.arange(width // stride), indexing="ij")
        grid = np.stack((xs, ys), axis=-1).reshape(-1, 2)
        grids.append(grid)
        strides.append(np.full((grid.shape[0], 1), stride))
    return (
        np.concatenate(grids).astype(np.float32),
        np.concatenate(strides).astype(np.float32),
    )


class YoloxDetector:
    """Letterbox -> ONNX -> grid decode -> class-aware NMS -> boxes in frame pixels."""

    type = "yolox"

    def __init__(self, options: YoloxOptions) -> None:
        require_file(options.model)
        self._options = options
        # Single frames and regions run at the size they need (pairs fill the square): the
        # session gets the model with a free input size, the shapes come from the export.
        self._fit = options.fit_height
        self._session: Any
        if self._fit:
            free, input_shape, output_shape = with_free_size(options.model)
            self._session = open_session(options.model, options.threads, model=free)
        else:
            self._session = open_session(options.model, options.threads)
            input_shape = tuple(self._session.get_inputs()[0].shape)
            output_shape = tuple(self._session.get_outputs()[0].shape)
        self._input_name: str = self._session.get_inputs()[0].name
        batch, _channels, height, width = input_shape
        if not isinstance(height, int) or not isinstance(width, int):
            raise DetectorConfigError(
                f"{options.model}: input size must be fixed, got {height}x{width}"
            )
        self._size: tuple[int, int] = (int(height), int(width))
        self._fixed_batch = batch == 1
        anchors, values = output_shape[1], output_shape[-1]
        if not isinstance(values, int):
            raise DetectorConfigError(f"{options.model}: output size must be fixed, got {values}")
        self.class_names = _load_class_names(options.model, values - 5)
        self._grids: dict[Size, tuple[FloatArray, FloatArray]] = {}
        if self._grid_for(self._size)[0].shape[0] != anchors:
            raise DetectorConfigError(
                f"{options.model}: {anchors} outputs do not match strides {_STRIDES}"
            )
        self._keep: npt.NDArray[np.bool_] | None = None
        if options.classes is not None:
            unknown = sorted(set(options.classes) - set(self.class_names))
            if unknown:
                raise DetectorConfigError(
                    f"yolox: unknown class names {unknown}; known: {', '.join(self.class_names)}"
                )
            self._keep = np.isin(np.array(self.class_names), options.classes)
        self.version = model_version(options.model)

    def _grid_for(self, size: Size) -> tuple[FloatArray, FloatArray]:
        grid = self._grids.get(size)
        if grid is None:
            grid = self._grids[size] = _grids(*size)
        return grid

    def _ratio(self, whole: Size, height: int | None = None) -> float:
        """Input pixels per pixel of a picture of size `whole` letterboxed into the square
        (or into the square's width and `height` rows)."""
        return float(min((height or self._size[0]) / whole[0], self._size[1] / whole[1]))

    def _input_size(self, frame: Size, ratio: float) -> Size:
        """Input size for a frame at `ratio`: the square's, or (fitting) what it fills."""
        if not self._fit:
            return self._size
        step = _STRIDES[-1]
        height, width = (
            min(limit, max(step, -(-round(side * ratio) // step) * step))
            for side, limit in zip(frame, self._size, strict=True)
        )
        return height, width

    def _window(self, region: Box | None, ratio: float, size: Size) -> Window:
        """The part of an input of `size` that holds `region` (frame pixels; None: all of it),
        on the grid of the largest stride: the network sees there what it sees on the whole
        frame, apart from the context beyond the window's edges."""
        if region is None:
            return 0, 0, size[1], size[0]
        step = _STRIDES[-1]
        x1, y1, x2, y2 = (v * ratio for v in region)
        # at least one cell, inside the input, however small or far out the region
        left = min(size[1] - step, max(0, int(x1) // step * step))
        top = min(size[0] - step, max(0, int(y1) // step * step))
        right = min(size[1], max(left + step, -(-math.ceil(x2) // step) * step))
        bottom = min(size[0], max(top + step, -(-math.ceil(y2) // step) * step))
        return left, top, right, bottom

    def _place(self, canvas: npt.NDArray[np.uint8], frame: Frame, top: int, ratio: float) -> None:
        new_w = max(1, min(canvas.shape[1], round(frame.shape[1] * ratio)))
        new_h = max(1, min(canvas.shape[0] - top, round(frame.shape[0] * ratio)))
        resized = cv2.resize(frame, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
        canvas[top : top + new_h, :new_w] = resized

    def _letterbox(self, frame: Frame, size: Size, ratio: float, window: Window) -> FloatArray:
        """`frame` scaled by `ratio` into the top left of a canvas of `size`: the `window`."""
        canvas = np.full((*size, 3), _PAD_VALUE, dtype=np.uint8)
        self._place(canvas, frame, 0, ratio)
        left, top, right, bottom = window
        return canvas[top:bottom, left:right].transpose(2, 0, 1).astype(np.float32)

    def _pairable(self, frame: Frame) -> bool:
        whole, height = frame.shape[:2], self._size[0]
        return self._ratio(whole, height // 2) >= _PAIR_MIN_SCALE * self._ratio(whole)

    def _pair(self, top: Frame, bottom: Frame) -> tuple[FloatArray, float, float]:
        height, width = self._size
        half = height // 2
        canvas = np.full((height, width, 3), _PAD_VALUE, dtype=np.uint8)
        ratio_top = self._ratio(top.shape[:2], half)
        ratio_bottom = self._ratio(bottom.shape[:2], half)
        self._place(canvas, top, 0, ratio_top)
        self._place(canvas, bottom, half, ratio_bottom)
        return canvas.transpose(2, 0, 1).astype(np.float32), ratio_top, ratio_bottom

    def _candidates(
        self, raw: FloatArray, size: Size
    ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]] | None:
        """Boxes (x, y, w, h in input pixels), scores and classes above the score threshold,
        from the output `raw` of an input of `size`."""
        grid, stride = self._grid_for(size)
        scores_all = raw[:, 4:5] * raw[:, 5:]
        if self._keep is not None:
            scores_all = scores_all * self._keep
        class_ids = scores_all.argmax(axis=1)
        scores = scores_all[np.arange(len(class_ids)), class_ids]
        mask = scores >= self._options.score_threshold
        if not mask.any():
            return None
        raw, class_ids, scores = raw[mask], class_ids[mask], scores[mask]
        centre = (raw[:, :2] + grid[mask]) * stride[mask]
        extent = np.exp(raw[:, 2:4]) * stride[mask]
        return np.concatenate((centre - extent / 2, extent), axis=1), scores, class_ids

    def _boxes(
        self,
        found: tuple[FloatArray, FloatArray, npt.NDArray[np.int64]],
        ratio: float,
        origin: tuple[float, float],
        shape: tuple[int, ...],
    ) -> list[Detection]:
        """Non-maximum suppression, then boxes in the pixels of the frame whose top left corner
        is at input pixel `origin`."""
        xywh, scores, class_ids = found
        if not len(scores):
            return []
        shift = np.array([origin[0], origin[1], 0.0, 0.0], dtype=np.float32)
        xywh = (xywh - shift) / ratio
        keep = cv2.dnn.NMSBoxesBatched(
            xywh.tolist(),
            scores.tolist(),
            class_ids.tolist(),
            self._options.score_threshold,
            self._options.nms_iou,
        )
        height, width = shape[:2]
        detections = []
        for index in np.asarray(keep, dtype=np.int64).reshape(-1):
            x, y, w, h = xywh[index]
            box = (
                float(max(0.0, x)),
                float(max(0.0, y)),
                float(min(width, x + w)),
                float(min(height, y + h)),
            )
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            class_id = int(class_ids[index])
            detections.append(
                Detection(self.class_names[class_id], class_id, float(scores[index]), box)
            )
        detections.sort(key=lambda d: -d.score)
        return detections

    def _decode(
        self, raw: FloatArray, window: Window, ratio: float, shape: Size
    ) -> list[Detection]:
        left, top, right, bottom = window
        found = self._candidates(raw, (bottom - top, right - left))
        return [] if found is None else self._boxes(found, ratio, (-left, -top), shape)

    def _decode_pair(
        self, raw: FloatArray, ratios: tuple[float, float], frames: tuple[Frame, Frame]
    ) -> list[list[Detection]]:
        found = self._candidates(raw, self._size)
        if found is None:
            return [[], []]
        xywh, scores, class_ids = found
        half = self._size[0] // 2
        in_top = xywh[:, 1] + xywh[:, 3] / 2 < half  # a box belongs where its centre is
        return [
            self._boxes((xywh[part], scores[part], class_ids[part]), ratio, (0.0, top), frame.shape)
            for part, ratio, top, frame in (
                (in_top, ratios[0], 0.0, frames[0]),
                (~in_top, ratios[1], float(half), frames[1]),
            )
        ]

    def detect(self, frame: Frame) -> list[Detection]:
        return self.detect_batch([frame])[0]

    def detect_batch(self, frames: Sequence[Frame]) -> list[list[Detection]]:
        return self.detect_regions(frames, [None] * len(frames))

    def detect_regions(
        self, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        """Each frame within its region, on the whole frame's grid (see `RegionDetector`);
        with `pair_wide_frames`, the whole frames two at a time."""
        frames = [check_frame(frame) for frame in frames]
        if len(regions) != len(frames):
            raise DetectorError(f"{len(frames)} frames but {len(regions)} regions")
        if not (self._fixed_batch and self._options.pair_wide_frames):
            return self._detect_windows(frames, regions)
        results: list[list[Detection]] = [[] for _ in frames]
        parts = [i for i, r in enumerate(regions) if r is not None]
        wholes = [i for i, r in enumerate(regions) if r is None]
        found = self._detect_windows([frames[i] for i in parts], [regions[i] for i in parts])
        found += self._detect_pairs([frames[i] for i in wholes])
        for index, detections in zip(parts + wholes, found, strict=True):
            results[index] = detections
        return results

    def _detect_windows(
        self, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        if not frames:
            return []
        ratios = [self._ratio(frame.shape[:2]) for frame in frames]
        sizes = [self._input_size(f.shape[:2], r) for f, r in zip(frames, ratios, strict=True)]
        windows = [
            self._window(region, ratio, size)
            for region, ratio, size in zip(regions, ratios, sizes, strict=True)
        ]
        tensors = [
            self._letterbox(frame, size, ratio, window)
            for frame, size, ratio, window in zip(frames, sizes, ratios, windows, strict=True)
        ]
        if self._fixed_batch or len({t.shape for t in tensors}) > 1:
            raws = [self._run(tensor[None])[0] for tensor in tensors]
        else:
            raws = list(self._run(np.stack(tensors)))
        return [
            self._decode(raw, window, ratio, frame.shape[:2])
            for raw, window, ratio, frame in zip(raws, windows, ratios, frames, strict=True)
        ]

    def _detect_pairs(self, frames: Sequence[Frame]) -> list[list[Detection]]:
        results: list[list[Detection]] = [[] for _ in frames]
        pairable = [i for i, frame in enumerate(frames) if self._pairable(frame)]
        single = [i for i in range(len(frames)) if i not in pairable]
        if len(pairable) % 2:
            single.append(pairable.pop())
        for a, b in zip(pairable[::2], pairable[1::2], strict=True):
            tensor, ratio_a, ratio_b = self._pair(frames[a], frames[b])
            raw = self._run(tensor[None])[0]
            results[a], results[b] = self._decode_pair(
                raw, (ratio_a, ratio_b), (frames[a], frames[b])
            )
        if single:
            alone = self._detect_windows([frames[i] for i in single], [None] * len(single))
            for index, found in zip(single, alone, strict=True):
                results[index] = found
        return results

    def _run(self, batch: FloatArray) -> FloatArray:
        try:
            out = self._session.run(None, {self._input_name: batch})[0]
        except Exception as exc:  # onnxruntime's exception classes are untyped
            raise DetectorError(f"yolox inference failed: {exc}") from exc
        return np.asarray(out, dtype=np.float32)


FACTORY = Factory(options=YoloxOptions, build=YoloxDetector)
