"""Ultralytics backend (`type: ultralytics`): any model file ultralytics loads, cpu or cuda.

ultralytics (and torch) are an optional extra. The package is imported only when a detector
of this type is built, and only after the model path is known to exist: given a bare name
such as "yolo11n.pt", ultralytics would download weights, which this gateway never does.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ._onnx import model_version
from .base import (
    Detection,
    DetectorConfigError,
    DetectorError,
    Frame,
    ModelNotFoundError,
    check_frame,
)
from .registry import Factory

INSTALL_HINT = "ultralytics is not installed; pip install 'vgateway[ultralytics]'"


class UltralyticsOptions(BaseModel):
    """Options of the `ultralytics` detector type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Path = Field(description="existing .pt / .onnx file or OpenVINO model folder")
    device: str = Field(
        default="cpu", pattern=r"^(cpu|cuda(:\d+)?|\d+)$", description="cpu, cuda, cuda:N"
    )
    score_threshold: float = Field(default=0.3, ge=0.0, le=1.0)
    nms_iou: float = Field(default=0.45, gt=0.0, le=1.0)
    image_size: int = Field(
        default=640, ge=32, le=4096, description="inference size (multiple of 32)"
    )
    classes: list[str] | None = Field(default=None, description="keep only these class names")
    half: bool = Field(default=False, description="fp16 inference (cuda only)")


def _folder_version(path: Path) -> str:
    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(item.relative_to(path).as_posix().encode())
        digest.update(item.read_bytes())
    return f"{path.name}:{digest.hexdigest()[:12]}"


def _import_ultralytics() -> Any:
    try:
        return importlib.import_module("ultralytics")
    except ImportError as exc:
        raise DetectorError(INSTALL_HINT) from exc


class UltralyticsDetector:
    """Wraps `ultralytics.YOLO(...).predict` behind the Detector interface."""

    type = "ultralytics"

    def __init__(self, options: UltralyticsOptions) -> None:
        path = options.model
        if not path.exists():
            raise ModelNotFoundError(path, "ultralytics model")
        self.version = _folder_version(path) if path.is_dir() else model_version(path)
        self._options = options
        ultralytics = _import_ultralytics()
        try:
            self._model: Any = ultralytics.YOLO(str(path))
        except Exception as exc:  # ultralytics raises many unrelated exception types
            raise DetectorError(f"ultralytics cannot load {path}: {exc}") from exc
        names = self._model.names
        self.class_names: dict[int, str] = {int(k): str(v) for k, v in dict(names).items()}
        self._class_ids: list[int] | None = None
        if options.classes is not None:
            by_name = {name: index for index, name in self.class_names.items()}
            unknown = sorted(set(options.classes) - set(by_name))
            if unknown:
                raise DetectorConfigError(f"ultralytics: {path} has no classes {unknown}")
            self._class_ids = [by_name[name] for name in options.classes]

    def _convert(self, result: Any, frame: Frame) -> list[Detection]:
        boxes = result.boxes
        if boxes is None or len(boxes) == 0:
            return []
        xyxy = np.asarray(boxes.xyxy.cpu().numpy(), dtype=np.float32)
        scores = np.asarray(boxes.conf.cpu().numpy(), dtype=np.float32)
        classes = np.asarray(boxes.cls.cpu().numpy(), dtype=np.int64)
        height, width = frame.shape[:2]
        found = []
        for (x1, y1, x2, y2), score, class_id in zip(xyxy, scores, classes, strict=True):
            box = (
                float(max(0, x1)),
                float(max(0, y1)),
                float(min(width, x2)),
                float(min(height, y2)),
            )
            name = self.class_names.get(int(class_id), str(int(class_id)))
            found.append(Detection(name, int(class_id), float(score), box))
        return found

    def detect(self, frame: Frame) -> list[Detection]:
        return self.detect_batch([frame])[0]

    def detect_batch(self, frames: Sequence[Frame]) -> list[list[Detection]]:
        checked = [check_frame(frame) for frame in frames]
        if not checked:
            return []
        options = self._options
        try:
            results = self._model.predict(
                checked,
                conf=options.score_threshold,
                iou=options.nms_iou,
                imgsz=options.image_size,
                device=options.device,
                half=options.half,
                classes=self._class_ids,
                verbose=False,
            )
        except Exception as exc:  # torch/ultralytics errors have no common base
            raise DetectorError(f"ultralytics inference failed: {exc}") from exc
        return [
            self._convert(result, frame) for result, frame in zip(results, checked, strict=True)
        ]


FACTORY = Factory(options=UltralyticsOptions, build=UltralyticsDetector)
