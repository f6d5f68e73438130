"""Decode a camera's packets at the analysis rate, and no more.

When the rate is at or below one frame per GOP only keyframes are decoded (non-key packets are
skipped before the decoder sees them). Otherwise the decoder runs from each keyframe only as
far into the GOP as the last frame due before the next keyframe, and skips the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from vgateway.media import MediaPacket, StreamInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampledFrame:
    image: npt.NDArray[np.uint8]  # BGR
    captured_at: float  # wallclock of the packet that completed the frame
    media_time: float  # stream seconds


class FrameSampler:
    """Feed every packet of one stream in order; get BGR frames about `fps` times a second."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self.decoded = 0
        self.skipped = 0
        self.errors = 0
        self._codec: Any = None
        self._key: tuple[int, StreamInfo | None] | None = None
        self._next_due = -1e18
        self._last_key_time: float | None = None
        self.gop_s: float | None = None
        self._decoding = False
        self._time_offset = 0.0

    @property
    def keyframe_only(self) -> bool:
        return self.gop_s is not None and self.interval >= self.gop_s * 0.98

    def _open(self, packet: MediaPacket) -> None:
        info = packet.info
        codec = av.CodecContext.create(info.codec if info else "h264", "r")
        if info is not None and info.extradata:
            codec.extradata = info.extradata
        codec.thread_count = 1  # many cameras, one pool: threads inside a decoder only add overhead
        self._codec = codec
        self._key = (packet.epoch, info)
        self._last_key_time = None
        self._next_due = -1e18
        self._decoding = False

    def _media_time(self, packet: MediaPacket) -> float:
        seconds = packet.seconds()
        return packet.wallclock if seconds is None else seconds

    def feed(self, packet: MediaPacket) -> SampledFrame | None:
        if self._key != (packet.epoch, packet.info):
            if not packet.keyframe:
                self.skipped += 1
                return None  # a new connection: wait for its first keyframe
            self._open(packet)
        t = self._media_time(packet)
        if packet.keyframe:
            if self._last_key_time is not None and t > self._last_key_time:
                gop = t - self._last_key_time
                self.gop_s = gop if self.gop_s is None else 0.7 * self.gop_s + 0.3 * gop
            self._last_key_time = t
            self._decoding = True
        elif not self._decoding or self.keyframe_only:
            self.skipped += 1
            return None
        image = self._decode(packet)
        if image is None:
            return None
        due = t >= self._next_due - 0.02
        if due:
            # Keep the grid, but restart it after a gap rather than catching up.
            behind = t - self._next_due > self.interval
            self._next_due = t + self.interval if behind else self._next_due + self.interval
        if not packet.keyframe and self._next_due_after_next_key(t):
            self._decoding = False  # nothing more due in this GOP: skip to the next keyframe
        if not due:
            return None
        return SampledFrame(image(), packet.wallclock, t)

    def _next_due_after_next_key(self, t: float) -> bool:
        if self.gop_s is None or self._last_key_time is None:
            return False
        return self._next_due >= self._last_key_time + self.gop_s - 0.02

    def _decode(self, packet: MediaPacket) -> Any:
        try:
            frames = self._codec.decode(av.Packet(packet.data))
        except av.FFmpegError as exc:
            self.errors += 1
            self._decoding = False  # resynchronise at the next keyframe
            log.debug("decode error: %s", exc)
            return None
        self.decoded += 1
        if not frames:
            return None
        frame = frames[-1]
        return lambda: np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
