"""Immutable encoded packets and stream descriptions.

Packets are plain bytes plus timing, never shared `av.Packet` objects: muxers and WebRTC senders
mutate the packets they are given, and one ingested packet goes to many consumers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

# Codecs a browser can decode natively, by the names FFmpeg/PyAV use.
BROWSER_PLAYABLE_CODECS = frozenset({"h264"})


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What an upstream stream carries, as learned when it was opened."""

    codec: str
    width: int
    height: int
    time_base: Fraction
    extradata: bytes = b""
    profile: str | None = None
    average_fps: float | None = None

    @property
    def browser_playable(self) -> bool:
        return self.codec in BROWSER_PLAYABLE_CODECS

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"


class MediaPacket(NamedTuple):
    """One encoded video access unit.

    `pts`/`dts` are in `time_base` units as delivered by the demuxer (they restart when the
    upstream connection restarts; `epoch` tells consumers that happened). `wallclock` is
    `time.time()` when the packet left the demuxer, used for latency and clip boundaries.
    A NamedTuple rather than a frozen dataclass: one is built per packet on the ingest hot path,
    and tuple construction costs a fraction of a frozen dataclass's `__init__`.
    """

    data: bytes
    pts: int | None
    dts: int | None
    time_base: Fraction
    keyframe: bool
    wallclock: float
    epoch: int = 0
    info: StreamInfo | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def seconds(self) -> float | None:
        """Presentation time in seconds, or None when the demuxer gave no pts."""
        ts = self.pts if self.pts is not None else self.dts
        return None if ts is None else float(ts * self.time_base)
