"""Zones, lines and boxes in image coordinates."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

Point = tuple[float, float]
Box = tuple[float, float, float, float]


class Polygon:
    def __init__(self, points: Sequence[Point]) -> None:
        self.points = tuple((float(x), float(y)) for x, y in points)
        self._contour = np.asarray(self.points, dtype=np.float32).reshape(-1, 1, 2)

    def scaled(self, sx: float, sy: float) -> Polygon:
        return Polygon([(x * sx, y * sy) for x, y in self.points])

    def contains(self, point: Point) -> bool:
        return cv2.pointPolygonTest(self._contour, (float(point[0]), float(point[1])), False) >= 0

    def intersects_box(self, box: Box) -> bool:
        """Whether the box overlaps the polygon (a corner or centre inside, or vice versa)."""
        x1, y1, x2, y2 = box
        probes = ((x1, y1), (x2, y1), (x1, y2), (x2, y2), ((x1 + x2) / 2, (y1 + y2) / 2))
        if any(self.contains(p) for p in probes):
            return True
        return any(x1 <= x <= x2 and y1 <= y <= y2 for x, y in self.points)


def anchor(box: Box) -> Point:
    """Where an object stands: the bottom centre of its box."""
    return ((box[0] + box[2]) / 2, box[3])


def centre(box: Box) -> Point:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def diagonal(box: Box) -> float:
    return float(np.hypot(box[2] - box[0], box[3] - box[1]))


def side(line: tuple[Point, Point], point: Point) -> float:
    """Signed side of `point` relative to the line (positive left of a→b in image coordinates)."""
    (ax, ay), (bx, by) = line
    return (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)


def segments_cross(a: Point, b: Point, line: tuple[Point, Point]) -> bool:
    """Whether the movement a→b crosses the line segment."""
    p, q = line
    d1, d2 = side(line, a), side(line, b)
    d3, d4 = side((a, b), p), side((a, b), q)
    return d1 * d2 < 0 and d3 * d4 < 0


def box_overlap(a: Box, b: Box) -> float:
    """Share of box `a` covered by box `b`."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area = (a[2] - a[0]) * (a[3] - a[1])
    return 0.0 if w <= 0 or h <= 0 or area <= 0 else w * h / area
