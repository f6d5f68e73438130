"""Ultralytics backend (`type: ultralytics`): any model file ultralytics loads, cpu or cuda.

ultralytics (and torch) are an optional extra. The package is imported only when a detector
of this type is built, and only after the model path is known to exist: given a bare name
such as a stock model name, ultralytics would fetch the weights, which this gateway never does.
Before the import, ultralytics is switched offline and its run-time "AutoUpdate" (pip
installing missing packages) is switched off; a model that would need either fails instead.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
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

# Read by ultralytics when it is first imported: no DNS probe, no hub/analytics traffic,
# no pip runs at inference time.
OFFLINE_ENV = {"YOLO_OFFLINE": "1", "YOLO_AUTOINSTALL": "False"}


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


def import_ultralytics() -> Any:
    """The ultralytics module, imported offline and without AutoUpdate."""
    if "ultralytics" not in sys.modules:
        os.environ.update(OFFLINE_ENV)
    try:
        module = importlib.import_module("ultralytics")
        utils = importlib.import_module("ultralytics.utils")
        checks = importlib.import_module("ultralytics.utils.checks")
    except ImportError as exc:
        raise DetectorError(INSTALL_HINT) from exc
    if utils.ONLINE or checks.AUTOINSTALL:
        # Its flags are fixed at import; someone imported it before us with them on.
        raise DetectorError(
            "ultralytics was imported before the gateway could switch it offline; "
            "set YOLO_OFFLINE=1 and YOLO_AUTOINSTALL=False in the environment"
        )
    return module


def _cuda_index(device: str) -> int | None:
    if device == "cpu":
        return None
    if device == "cuda":
        return 0
    return int(device.removeprefix("cuda:"))


def _check_device(options: UltralyticsOptions) -> None:
    index = _cuda_index(options.device)
    if index is None:
        if options.half:
            raise DetectorConfigError("ultralytics: half (fp16) needs a cuda device, not cpu")
        return
    torch = importlib.import_module("torch")
    if not torch.cuda.is_available():
        raise DetectorConfigError(
            f"ultralytics: device {options.device!r} requested but CUDA is not available "
            f"(torch {torch.__version__}); use device: cpu"
        )
    count = int(torch.cuda.device_count())
    if index >= count:
        raise DetectorConfigError(
            f"ultralytics: device {options.device!r} requested but only {count} CUDA "
            f"device(s) exist (cuda:0 .. cuda:{count - 1})"
        )


class UltralyticsDetector:
    """Wraps `ultralytics.YOLO(...).predict` behind the Detector interface."""

    type = "ultralytics"

    def __init__(self, options: UltralyticsOptions) -> None:
        path = options.model
        if not path.exists():
            raise ModelNotFoundError(path, "ultralytics model")
        self.version = _folder_version(path) if path.is_dir() else model_version(path)
        self._options = options
        ultralytics = import_ultralytics()
        _check_device(options)
        self._device = "cpu" if options.device == "cpu" else f"cuda:{_cuda_index(options.device)}"
        try:
            self._model: Any = ultralytics.YOLO(str(path), task="detect")
            # One warm-up run loads exported formats (ONNX, OpenVINO) with the same settings
            # later calls use, so a broken model fails here, not at the first frame.
            size = options.image_size
            self._predict([np.zeros((size, size, 3), np.uint8)], classes=None)
            names = self._model.names
        except Exception as exc:  # ultralytics raises many unrelated exception types
            raise DetectorError(f"ultralytics cannot load {path}: {exc}") from exc
        self.class_names: dict[int, str] = {int(k): str(v) for k, v in dict(names).items()}
        self._class_ids: list[int] | None = None
        if options.classes is not None:
            by_name = {name: index for index, name in self.class_names.items()}
            unknown = sorted(set(options.classes) - set(by_name))
            if unknown:
                known = ", ".join(sorted(by_name))
                raise DetectorConfigError(
                    f"ultralytics: {path} has no classes {unknown} (it has: {known})"
                )
            self._class_ids = [by_name[name] for name in options.classes]

    def _predict(self, frames: list[Frame], classes: list[int] | None) -> list[Any]:
        options = self._options
        results = self._model.predict(
            frames,
            conf=options.score_threshold,
            iou=options.nms_iou,
            imgsz=options.image_size,
            device=self._device,
            half=options.half,
            classes=classes,
            verbose=False,
        )
        return list(results)

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
        """All frames in one `predict` call; ultralytics splits them for fixed-batch exports."""
        checked = [check_frame(frame) for frame in frames]
        if not checked:
            return []
        try:
            results = self._predict(checked, self._class_ids)
        except Exception as exc:  # torch/ultralytics errors have no common base
            raise DetectorError(f"ultralytics inference failed: {exc}") from exc
        return [
            self._convert(result, frame) for result, frame in zip(results, checked, strict=True)
        ]


FACTORY = Factory(options=UltralyticsOptions, build=UltralyticsDetector)
