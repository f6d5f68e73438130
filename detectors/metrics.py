"""Matching detections to ground truth boxes (IoU), for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .base import Box, Detection


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass
class ClassCounts:
    """True positives, false positives and ground-truth objects for one class."""

    tp: int = 0
    fp: int = 0
    truths: int = 0

    @property
    def recall(self) -> float:
        return self.tp / self.truths if self.truths else 0.0

    @property
    def precision(self) -> float:
        found = self.tp + self.fp
        return self.tp / found if found else 0.0


def match(
    detections: Sequence[Detection],
    truths: Iterable[tuple[int, Box]],
    iou_threshold: float = 0.5,
    counts: dict[int, ClassCounts] | None = None,
) -> dict[int, ClassCounts]:
    """Greedy same-class matching, highest score first (the usual VOC/COCO rule at one IoU).

    Adds to `counts` (per class_id) when given, so several images can be accumulated.
    """
    counts = {} if counts is None else counts
    remaining: dict[int, list[Box]] = {}
    for class_id, box in truths:
        remaining.setdefault(class_id, []).append(box)
        counts.setdefault(class_id, ClassCounts()).truths += 1
    for detection in sorted(detections, key=lambda d: -d.score):
        entry = counts.setdefault(detection.class_id, ClassCounts())
        candidates = remaining.get(detection.class_id, [])
        overlaps = [iou(detection.box, box) for box in candidates]
        best = max(range(len(overlaps)), key=overlaps.__getitem__, default=None)
        if best is not None and overlaps[best] >= iou_threshold:
            entry.tp += 1
            candidates.pop(best)
        else:
            entry.fp += 1
    return counts
