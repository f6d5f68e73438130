"""The band of rows the object detector needs on a frame where only part of the picture moved.

A frame goes to the detector when something moved in a zone a rule watches; the still part of
the picture holds nothing new. The detector fits its input height to the frame it is given,
at the whole frame's scale (the width sets the scale), so running it on the rows that hold the
motion costs in proportion to their height and finds a moving object as the whole frame would.
The band takes in every object it touches that the detector found last time, so no object is
cut in two; the objects wholly outside it did not move and are carried from the last detection,
so the tracker sees what it would have seen on the whole frame. A band that would cover most
of the frame is not worth it: the whole frame runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from detectors import Detection
from vgateway.analytics.geometry import Box

MARGIN = 0.08  # of the frame height above and below the motion: the object's unmoving part
MAX_SHARE = 0.7  # a taller band saves too little to carry anything: detect on the whole frame
STEP = 8  # rows: bands snap to this grid, so their heights repeat for the detector


@dataclass(frozen=True)
class Band:
    top: int
    bottom: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def overlaps(self, box: Box) -> bool:
        return box[1] < self.bottom and box[3] > self.top


def plan_band(motion: Sequence[Box], known: Iterable[Box], height: int) -> Band | None:
    """The rows holding `motion` and every `known` box they touch; None: the whole frame."""
    if not motion:
        return None
    margin = MARGIN * height
    top = min(box[1] for box in motion) - margin
    bottom = max(box[3] for box in motion) + margin
    pending = list(known)
    grown = True
    while grown:  # an object taken in may reach another one
        grown = False
        for box in list(pending):
            if box[1] < bottom and box[3] > top:
                top, bottom = min(top, box[1]), max(bottom, box[3])
                pending.remove(box)
                grown = True
    band = Band(max(0, math.floor(top / STEP) * STEP), min(height, math.ceil(bottom / STEP) * STEP))
    return band if band.height <= MAX_SHARE * height else None


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


def shifted(detections: Sequence[Detection], band: Band) -> list[Detection]:
    """Boxes found on the band's rows, in the whole frame's pixels."""
    dy = float(band.top)
    return [replace(d, box=(d.box[0], d.box[1] + dy, d.box[2], d.box[3] + dy)) for d in detections]


def carried(last: Iterable[Detection], band: Band) -> list[Detection]:
    """The last detections wholly outside the band: what the whole frame would show there."""
    return [d for d in last if not band.overlaps(d.box)]
