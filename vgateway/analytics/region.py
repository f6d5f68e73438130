"""The region of a frame the object detector needs when only part of the picture moved.

A frame goes to the detector when something moved in a zone a rule watches; the still part of
the picture holds nothing new. A detector that can look at a region of a frame (YOLOX) runs on
the rectangle around the motion at the whole frame's scale and grid, at a cost in proportion
to its area, and finds a moving object there as the whole frame would; any other detector gets
the band of rows that holds the rectangle, across the frame's width. The region takes in every
object it touches that the detector found last time, so no object is cut in two; the objects
wholly outside it did not move and are carried from the last detection, so the tracker sees
what it would have seen on the whole frame. A region that would cover most of the frame is not
worth it: the whole frame runs. A still object inside the region (no motion on it) that the
detector misses there is kept too: it did not move, so the miss is the detector's flicker at the
region's edge, not the object leaving.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detectors import Detection
from vgateway.analytics.geometry import Box, box_overlap

MARGIN = 0.08  # of the frame height, around the motion: the object's unmoving part
MAX_SHARE = 0.7  # of the frame's area: a larger region saves too little to carry anything
STEP = 8  # pixels: regions snap to this grid, so their sizes repeat for the detector


@dataclass(frozen=True)
class Region:
    left: int
    top: int
    right: int
    bottom: int
    still: tuple[Box, ...] = ()  # known boxes inside it with no motion on them

    @property
    def box(self) -> Box:
        return (float(self.left), float(self.top), float(self.right), float(self.bottom))

    @property
    def area(self) -> int:
        return (self.right - self.left) * (self.bottom - self.top)

    def overlaps(self, box: Box) -> bool:
        return (
            box[0] < self.right
            and box[2] > self.left
            and box[1] < self.bottom
            and box[3] > self.top
        )

    def holds_centre(self, box: Box) -> bool:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return self.left <= x < self.right and self.top <= y < self.bottom


def plan_region(
    motion: Sequence[Box], known: Iterable[Box], width: int, height: int, *, rows: bool = False
) -> Region | None:
    """The rectangle holding `motion` and every `known` box it touches (`rows`: the band of
    rows, across the whole width); None: the whole frame."""
    if not motion:
        return None
    margin = MARGIN * height
    left = 0.0 if rows else min(box[0] for box in motion) - margin
    right = float(width) if rows else max(box[2] for box in motion) + margin
    top = min(box[1] for box in motion) - margin
    bottom = max(box[3] for box in motion) + margin
    pending = list(known)
    grown = True
    while grown:  # an object taken in may reach another one
        grown = False
        for box in list(pending):
            if box[0] < right and box[2] > left and box[1] < bottom and box[3] > top:
                left, right = min(left, box[0]), max(right, box[2])
                top, bottom = min(top, box[1]), max(bottom, box[3])
                pending.remove(box)
                grown = True
    region = Region(
        max(0, math.floor(left / STEP) * STEP),
        max(0, math.floor(top / STEP) * STEP),
        min(width, math.ceil(right / STEP) * STEP),
        min(height, math.ceil(bottom / STEP) * STEP),
    )
    return region if region.area <= MAX_SHARE * width * height else None


def stirring(known: Iterable[Box], mask: npt.NDArray[np.uint8], width: int) -> list[Box]:
    """The `known` boxes with any foreground in the motion `mask` (at its own, smaller size, for
    a frame `width` wide): objects too small or slow for a motion blob of their own still move."""
    scale = mask.shape[1] / width
    found = []
    for box in known:
        x1, y1, x2, y2 = (int(v * scale) for v in box)
        if np.count_nonzero(mask[y1 : y2 + 1, x1 : x2 + 1]):
            found.append(box)
    return found


def within(found: Iterable[Detection], region: Region) -> list[Detection]:
    """What the detector found in the region: it may have looked a little beyond it, where the
    objects carried from last time stand in for what it saw."""
    return [d for d in found if region.holds_centre(d.box)]


def carried(last: Iterable[Detection], region: Region) -> list[Detection]:
    """The last detections wholly outside the region: what the whole frame would show there."""
    return [d for d in last if not region.overlaps(d.box)]


def kept(last: Iterable[Detection], region: Region, found: Sequence[Detection]) -> list[Detection]:
    """The last detections of the region's still objects that nothing `found` covers."""
    return [
        d
        for d in last
        if d.box in region.still and not any(box_overlap(d.box, f.box) >= 0.5 for f in found)
    ]
