"""Run one camera's rules over a video file: for the evaluation bench, tests and rule tuning.

Frames are sampled at the rules' rate from the file (looped or reversed on request) and given
capture times starting at `t0`, so time windows and dwell times behave as on a live camera.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np
import numpy.typing as npt

from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import CameraRules
from vgateway.events.model import Event, EventMessage

Frame = npt.NDArray[np.uint8]


def clip_frames(
    path: Path, fps: float, *, loops: int = 1, reverse: bool = False
) -> Iterator[tuple[float, Frame]]:
    """(seconds since start, BGR frame) at about `fps`, over `loops` plays of the file."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 25)
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(stream)]
    if reverse:
        frames.reverse()
    step = max(1, round(rate / fps))
    index = 0
    for _ in range(loops):
        for position in range(0, len(frames), step):
            yield index * step / rate, np.ascontiguousarray(frames[position], dtype=np.uint8)
            index += 1


def run_clip(
    path: Path,
    rules: CameraRules,
    detectors: DetectorPool,
    *,
    t0: float,
    loops: int = 1,
    reverse: bool = False,
    camera_id: str = "clip",
    town: str = "test",
    timezone: str = "Asia/Shanghai",
) -> tuple[list[Event], list[EventMessage]]:
    """Every event the rules raise on the clip (final state of each) and all messages."""
    pipeline = CameraPipeline(camera_id, town, rules, detectors, ZoneInfo(timezone))
    messages: list[EventMessage] = []
    t = t0
    for offset, frame in clip_frames(path, rules.fps, loops=loops, reverse=reverse):
        t = t0 + offset
        messages.extend(pipeline.analyse(frame, t).messages)
    messages.extend(pipeline.close_all(t))
    final: dict[str, Event] = {}
    for message in messages:
        final[message.event.id] = message.event
    return list(final.values()), messages
