"""Decode a camera's packets at the analysis rate, and no more.

`FrameSampler.latest(packets)` takes everything that arrived since the last call and returns
only the newest frame that is due. Packets before the batch's last keyframe are never decoded
(a newer picture makes them stale: the latest frame wins). `FrameSampler.due(packets)` also
returns the keyframes due before that one: a caller that came late (two or three GOPs in one
batch) still checks the picture once per GOP, for one keyframe decode each, and never more
than three frames per call however late it is (later than that the machine is short, and the
rate drops). When the rate is at or below one frame per GOP only keyframes are decoded;
otherwise the decoder runs from each keyframe only as far into the GOP as the last frame due
before the next keyframe, and skips the rest.
Decoding into a GOP is most of the cost of a frame between keyframes (a check 1 s after the
keyframe needs ~25 decodes, the keyframe one), so when the machine cannot afford it the caller
lowers `full_share`: only that share of GOPs is decoded past its keyframe, spread evenly over
time, and the others are checked at their keyframe alone.
The loop filter is skipped: a third of H.264 decode time, invisible to motion and detection.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from vgateway.media import MediaPacket, StreamInfo

log = logging.getLogger(__name__)
DECODER_OPTIONS = {"skip_loop_filter": "all"}
_SLACK_S = 0.02  # frames sit on a grid: 0.998 s is "1 s later"
CATCH_UP = 2  # a late turn checks at most this many keyframes before its newest frame


@dataclass(frozen=True)
class SampledFrame:
    picture: Any  # av.VideoFrame, converted to BGR only when this frame is the one analysed
    captured_at: float  # wallclock of the packet that completed the frame
    media_time: float  # stream seconds
    epoch: int = 0  # the upstream connection: stream seconds restart with each
    # The camera's converter: it keeps its swscale context from frame to frame, where
    # `VideoFrame.to_ndarray` builds a new one each call (half the conversion time here).
    reformatter: VideoReformatter | None = None

    def image(self) -> npt.NDArray[np.uint8]:
        """The picture as a BGR array."""
        reformatter = self.reformatter or VideoReformatter()
        bgr = reformatter.reformat(self.picture, format="bgr24")
        return np.ascontiguousarray(bgr.to_ndarray(), dtype=np.uint8)


class FrameSampler:
    """Feed every packet of one stream in order; get BGR frames about `fps` times a second."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self.decoded = 0
        self.skipped = 0  # packets never decoded (not needed for the rate, or stale)
        self.replaced = 0  # due frames replaced by a newer one in the same batch
        self.errors = 0
        self.full_share = 1.0  # of GOPs decoded past their keyframe (set by the caller)
        self.lean_gops = 0  # GOPs checked at their keyframe only, for want of CPU
        self._credit = 0.0
        self._codec: Any = None
        self._key: tuple[int, StreamInfo | None] | None = None
        self._next_due = -1e18
        self._last_key_time: float | None = None
        self.gop_s: float | None = None
        self._decoding = False
        self._time_base: tuple[Fraction | None, float] = (None, 0.0)
        self._last_time = 0.0  # stream seconds of the last packet fed
        self._reformatter = VideoReformatter()

    @property
    def keyframe_only(self) -> bool:
        return self.gop_s is not None and self.interval >= self.gop_s * 0.98

    def latest(self, packets: Sequence[MediaPacket]) -> SampledFrame | None:
        """The newest due frame among `packets` (in arrival order), or None."""
        frames = self.due(packets, catch_up=False)
        return frames[-1] if frames else None

    def due(self, packets: Sequence[MediaPacket], *, catch_up: bool = True) -> list[SampledFrame]:
        """The frames to check among `packets` (in arrival order), oldest first: the newest due
        frame and, with `catch_up`, the keyframes due a check interval apart before it."""
        start = next((i for i in range(len(packets) - 1, 0, -1) if packets[i].keyframe), 0)
        earlier = self._catch_up(packets, start) if catch_up and start > 0 else set()
        found: list[SampledFrame] = []
        self.skipped += start - len(earlier)
        for index in range(start):
            packet = packets[index]
            if not packet.keyframe:
                continue
            if index in earlier:
                frame = self.feed(packet)
                found += [frame] if frame is not None else []
            elif self._key == (packet.epoch, packet.info):
                t = self._seconds(packet)
                if t is not None:
                    self._keyframe_at(t)  # skipped, but the GOP length still counts it
        newest: SampledFrame | None = None
        for packet in packets[start:]:
            frame = self.feed(packet)
            if frame is not None:
                self.replaced += newest is not None
                newest = frame
        return [*found, newest] if newest is not None else found

    def _catch_up(self, packets: Sequence[MediaPacket], start: int) -> set[int]:
        """The indexes of the keyframes to check before `packets[start]`: up to CATCH_UP
        of them, each at least a check interval before the next (an extra keyframe a moment
        before, at a scene cut, would leave the GOP before unchecked), from the first due."""
        t_newest = self._seconds(packets[start])
        if t_newest is None:
            return set()
        picked: list[int] = []
        limit = t_newest - self.interval + _SLACK_S
        for index in range(start - 1, -1, -1):
            packet = packets[index]
            if packet.epoch != packets[start].epoch:
                break  # a reconnect: stream time restarted
            t = self._seconds(packet) if packet.keyframe else None
            if t is not None and t <= limit:
                picked.append(index)
                limit = t - self.interval + _SLACK_S
                if len(picked) == CATCH_UP:
                    break
        return {index for index in picked if self._due_at(packets[index])}

    def _due_at(self, packet: MediaPacket) -> bool:
        """Whether a check would fall due at `packet` (without decoding it)."""
        if self._key != (packet.epoch, packet.info):
            return packet.keyframe
        t = self._seconds(packet)
        return t is not None and t >= self._next_due - _SLACK_S

    def _open(self, packet: MediaPacket) -> None:
        info = packet.info
        codec = av.CodecContext.create(info.codec if info else "h264", "r")
        if info is not None and info.extradata:
            codec.extradata = info.extradata
        codec.thread_count = 1  # many cameras, few threads: decoder threads only add overhead
        codec.options = dict(DECODER_OPTIONS)
        self._codec = codec
        self._key = (packet.epoch, info)
        self._last_key_time = None
        self._next_due = -1e18
        self._decoding = False

    def _seconds(self, packet: MediaPacket) -> float | None:
        ts = packet.pts if packet.pts is not None else packet.dts
        if ts is None:
            return None
        base = packet.time_base
        if base is not self._time_base[0] and base != self._time_base[0]:
            self._time_base = (base, float(base))  # Fraction arithmetic per packet is slow
        return ts * self._time_base[1]

    def _media_time(self, packet: MediaPacket) -> float:
        t = self._seconds(packet)
        if t is None:
            # FFmpeg's RTSP demuxer leaves some packets untimed: place it just after the last.
            # (Falling back to the wallclock would mix two clocks and stall the sampling grid.)
            return self._last_time + 1e-3
        if t < self._last_time - 1.0:
            self._next_due = -1e18  # the timestamps restarted: start the grid again
        return t

    def feed(self, packet: MediaPacket) -> SampledFrame | None:
        """One packet; returns a frame when one is due."""
        if self._key != (packet.epoch, packet.info):
            if not packet.keyframe:
                self.skipped += 1
                return None  # a new connection: wait for its first keyframe
            self._open(packet)
        t = self._last_time = self._media_time(packet)
        if packet.keyframe:
            self._keyframe_at(t)
            if self.keyframe_only and t < self._next_due - _SLACK_S:
                self.skipped += 1  # an extra keyframe (a scene cut) between two checks
                return None
            self._decoding = self._afford_gop()
        elif not self._decoding or self.keyframe_only:
            self.skipped += 1
            return None
        picture = self._decode(packet)
        if picture is None:
            return None
        due = t >= self._next_due - _SLACK_S
        if due:
            # Keep the grid, but restart it after a gap rather than catching up.
            behind = t - self._next_due > self.interval
            self._next_due = t + self.interval if behind else self._next_due + self.interval
        if not packet.keyframe and self._next_due_after_next_key():
            self._decoding = False  # nothing more due in this GOP: skip to the next keyframe
        if not due:
            return None
        return SampledFrame(picture, packet.wallclock, t, packet.epoch, self._reformatter)

    def _keyframe_at(self, t: float) -> None:
        if self._last_key_time is not None and t > self._last_key_time:
            gop = t - self._last_key_time
            self.gop_s = gop if self.gop_s is None else 0.7 * self.gop_s + 0.3 * gop
        self._last_key_time = t

    def _afford_gop(self) -> bool:
        """Whether this GOP is decoded past its keyframe: a `full_share` of GOPs, evenly."""
        if self.keyframe_only:
            return False
        self._credit = min(1.0, self._credit + self.full_share)
        if self._credit >= 1.0 - 1e-9:
            self._credit -= 1.0
            return True
        self.lean_gops += 1
        return False

    def _next_due_after_next_key(self) -> bool:
        if self.gop_s is None or self._last_key_time is None:
            return False
        return self._next_due >= self._last_key_time + self.gop_s - _SLACK_S

    def _decode(self, packet: MediaPacket) -> Any:
        try:
            frames = self._codec.decode(av.Packet(packet.data))
        except av.FFmpegError as exc:
            self.errors += 1
            self._decoding = False  # resynchronise at the next keyframe
            log.debug("decode error: %s", exc)
            return None
        self.decoded += 1
        return frames[-1] if frames else None
