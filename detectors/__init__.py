"""Detector plugins: frames in, detections out. Knows nothing of vgateway.

Owns: the `Detector` interface and `Detection` record (`base`), the `Registry` of detector
types (`registry`), and the built-in detectors: `yolox` (COCO objects, ONNX Runtime, the
default), `ultralytics` (optional extra), `plates` (Chinese licence plates), `motion`
(MOG2 motion boxes; plus a static-foreground tracker for debris) and, outside the registry,
`luminance` (street-lamp regions and camera tamper checks, with learn/update state).

Consumes: BGR uint8 frames of shape (H, W, 3) and model files supplied by the operator
(weights are never downloaded). Emits: lists of `Detection` (label, class_id, score, box in
frame pixels, extra facts) or small result dataclasses; errors are `DetectorError`s.
Stateful detectors (motion, luminance, tamper) need one instance per camera.
"""

from .base import (
    BatchDetector,
    Detection,
    Detector,
    DetectorConfigError,
    DetectorError,
    Frame,
    ModelNotFoundError,
    RegionDetector,
    run_batch,
)
from .registry import Factory, Registry, default_registry

__all__ = [
    "BatchDetector",
    "Detection",
    "Detector",
    "DetectorConfigError",
    "DetectorError",
    "Factory",
    "Frame",
    "ModelNotFoundError",
    "RegionDetector",
    "Registry",
    "default_registry",
    "run_batch",
]
