"""Event snapshots: the analysed frame with the event's boxes (and zone) drawn, as JPEG."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from vgateway.events.model import EventBox

_RED = (40, 40, 230)
_AMBER = (0, 190, 255)
_JPEG_QUALITY = 80


def render_snapshot(
    frame: npt.NDArray[np.uint8],
    boxes: Sequence[EventBox],
    *,
    zones: Sequence[Sequence[tuple[float, float]]] = (),
    max_width: int = 960,
) -> bytes:
    """JPEG of `frame` (BGR) with `zones` outlined and `boxes` drawn; the input is not modified."""
    canvas = frame.copy()
    for polygon in zones:
        points = np.round(np.asarray(polygon, dtype=np.float32)).astype(np.int32)
        if len(points) >= 2:
            cv2.polylines(canvas, [points], len(points) > 2, _AMBER, 1, cv2.LINE_AA)
    thickness = max(1, round(canvas.shape[1] / 400))
    for item in boxes:
        x1, y1, x2, y2 = (round(v) for v in item.box)
        cv2.rectangle(canvas, (x1, y1), (x2, y2), _RED, thickness)
        # Labels are ASCII (class names, track ids): cv2's Hershey font has no Chinese glyphs.
        text = item.label if item.track_id is None else f"{item.label} #{item.track_id}"
        text = f"{text} {item.score:.2f}" if item.score > 0 else text
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.45, 1)
        top = max(0, y1 - th - base - 2)
        cv2.rectangle(canvas, (x1, top), (x1 + tw + 4, top + th + base + 2), _RED, -1)
        cv2.putText(
            canvas,
            text,
            (x1 + 2, top + th + 1),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (255, 255, 255),
            1,
            cv2.LINE_AA,
        )
    if canvas.shape[1] > max_width:
        height = round(canvas.shape[0] * max_width / canvas.shape[1])
        canvas = np.asarray(
            cv2.resize(canvas, (max_width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    ok, encoded = cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY])
    if not ok:
        raise ValueError("JPEG encoding of the snapshot failed")
    return bytes(encoded.tobytes())
