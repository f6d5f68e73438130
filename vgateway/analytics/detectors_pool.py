"""Detectors shared by every camera, created on first use: object detectors by the rules
file's names, and the plate reader. They are stateless per call and safe across threads.
`run` gives a detector a region of each frame: one that can look at a region (YOLOX) gets it
as it is, any other the rows the region spans (the pipeline plans full-width bands for those)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from detectors import (
    Detection,
    Detector,
    DetectorError,
    Frame,
    RegionDetector,
    Registry,
    default_registry,
    run_batch,
)
from vgateway.analytics.geometry import Box
from vgateway.analytics.loader import detector_options
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.tracking import Track

log = logging.getLogger(__name__)


class DetectorPool:
    def __init__(self, rules: RulesFile, base_dir: Path, registry: Registry | None = None) -> None:
        self._rules = rules
        self._base_dir = base_dir
        self._registry = registry or default_registry()
        self._built: dict[str, Detector] = {}
        self._plates: Any = None
        self._plates_failed = False
        self._lock = threading.Lock()

    def get(self, name: str) -> Detector:
        with self._lock:
            detector = self._built.get(name)
            if detector is None:
                spec = self._rules.detector(name)
                detector = self._registry.create(
                    spec.type, **detector_options(spec, self._base_dir)
                )
                self._built[name] = detector
            return detector

    def take_regions(self, names: Sequence[str]) -> bool:
        """Whether every named detector can look at a region of a frame only."""
        return all(isinstance(self.get(name), RegionDetector) for name in names)

    def run(
        self, name: str, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        """Detector `name` on each frame's region (None: all of it); boxes in frame pixels."""
        detector = self.get(name)
        if isinstance(detector, RegionDetector):
            return detector.detect_regions(frames, regions)
        tops = [0 if r is None else int(r[1]) for r in regions]
        views = [
            f if r is None else f[int(r[1]) : int(r[3])]
            for f, r in zip(frames, regions, strict=True)
        ]
        return [
            [replace(d, box=(d.box[0], d.box[1] + top, d.box[2], d.box[3] + top)) for d in found]
            for found, top in zip(run_batch(detector, views), tops, strict=True)
        ]

    def put(self, name: str, detector: Detector) -> None:
        """Use an already built detector under `name` (tests, benches)."""
        with self._lock:
            self._built[name] = detector

    def _plate_detector(self) -> Any:
        with self._lock:
            if self._plates is None and not self._plates_failed:
                try:
                    spec = self._rules.detectors.get("plates")
                    options = detector_options(spec, self._base_dir) if spec else {}
                    self._plates = self._registry.create("plates", **options)
                except DetectorError as exc:
                    self._plates_failed = True
                    log.error("plate reading is off: %s", exc)
            return self._plates

    def read_plate(self, frame: Frame, track: Track) -> tuple[str, float] | None:
        """Best valid plate on the track's vehicle (a slightly enlarged crop), or None."""
        detector = self._plate_detector()
        if detector is None:
            return None
        height, width = frame.shape[:2]
        x1, y1, x2, y2 = track.box
        pad_x, pad_y = (x2 - x1) * 0.08, (y2 - y1) * 0.08
        left, top = max(0, int(x1 - pad_x)), max(0, int(y1 - pad_y))
        right, bottom = min(width, int(x2 + pad_x)), min(height, int(y2 + pad_y))
        if right - left < 16 or bottom - top < 16:
            return None
        crop = np.ascontiguousarray(frame[top:bottom, left:right])
        best: tuple[str, float] | None = None
        for found in detector.detect(crop):
            text = str(found.extra.get("text", ""))
            score = float(str(found.extra.get("text_score", found.score)))
            if text and (best is None or score > best[1]):
                best = (text, score)
        return best
