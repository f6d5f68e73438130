"""Camera H.264 packets to fragmented MP4 for Media Source Extensions, without re-encoding.

PyAV's mp4 muxer writes into memory with `empty_moov` (an init segment with no samples) and
one fragment per frame (`frag_every_frame`): a fragment leaves the muxer when the next frame
arrives, so the fallback path lags the camera by one frame interval. It is cheap (about
13 µs per frame at 640x352) and runs once per stream, whatever the number of viewers.
"""

from __future__ import annotations

import contextlib
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

from vgateway.media import MediaPacket
from vgateway.relay.h264 import KeyframePreparer, ParameterSets
from vgateway.relay.timeline import CLOCK_RATE, Timeline

MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof+frag_every_frame"
TIME_BASE = Fraction(1, CLOCK_RATE)


class UnsupportedCodec(Exception):
    def __init__(self, codec: str) -> None:
        super().__init__(f"{codec} cannot be played by a browser without transcoding")
        self.codec = codec


@dataclass(frozen=True, slots=True)
class InitSegment:
    data: bytes  # ftyp + moov
    codec_string: str
    width: int
    height: int

    @property
    def mime(self) -> str:
        return f'video/mp4; codecs="{self.codec_string}"'


@dataclass(frozen=True, slots=True)
class Fragment:
    data: bytes  # moof + mdat: one frame
    keyframe: bool


class _Sink:
    """The muxer's output file: bytes accumulate until whole boxes can be cut off."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: Any) -> int:
        self.buffer += data
        return len(data)


def _take_box(buffer: bytearray) -> tuple[bytes, bytes] | None:
    """Remove and return (type, whole box) from the front of `buffer` once it is complete."""
    if len(buffer) < 8:
        return None
    size = int.from_bytes(buffer[:4], "big")
    header = 8
    if size == 1:
        if len(buffer) < 16:
            return None
        size, header = int.from_bytes(buffer[8:16], "big"), 16
    if size < header or len(buffer) < size:
        return None
    box = bytes(buffer[:size])
    del buffer[:size]
    return box[4:8], box


class _Writer:
    """One muxer instance: a fixed init segment, then a fragment per frame."""

    def __init__(self, width: int, height: int, params: ParameterSets) -> None:
        self._sink = _Sink()
        self._container: Any = av.open(
            self._sink, mode="w", format="mp4", options={"movflags": MOVFLAGS}
        )
        self._stream = self._container.add_mux_stream("h264", width=width, height=height)
        self._stream.time_base = TIME_BASE
        self._params = params
        self._size = (width, height)
        self._keyflags: deque[bool] = deque()
        self._head: list[bytes] = []
        self._moof: bytes | None = None

    def write(
        self, data: bytes, pts: int, dts: int, duration: int, keyframe: bool
    ) -> list[InitSegment | Fragment]:
        packet = av.Packet(data)
        packet.stream = self._stream
        packet.pts, packet.dts, packet.duration = pts, dts, duration
        packet.time_base = TIME_BASE
        packet.is_keyframe = keyframe
        self._keyflags.append(keyframe)
        self._container.mux(packet)
        return self._drain()

    def _drain(self) -> list[InitSegment | Fragment]:
        out: list[InitSegment | Fragment] = []
        while (box := _take_box(self._sink.buffer)) is not None:
            kind, data = box
            if kind in (b"ftyp", b"moov"):
                self._head.append(data)
                if kind == b"moov":
                    width, height = self._size
                    out.append(
                        InitSegment(b"".join(self._head), self._params.codec_string, width, height)
                    )
            elif kind == b"moof":
                self._moof = data
            elif kind == b"mdat" and self._moof is not None:
                out.append(Fragment(self._moof + data, self._keyflags.popleft()))
                self._moof = None
        return out

    def close(self) -> None:
        # the trailer of an abandoned live fragment stream is irrelevant
        with contextlib.suppress(Exception):
            self._container.close()


class Fragmenter:
    """Feeds one camera stream's packets through a muxer, starting a new one (and a new init
    segment) when the parameter sets change; reconnects with the same ones keep the timeline."""

    def __init__(self) -> None:
        self._writer: _Writer | None = None
        self._keyframes = KeyframePreparer()
        self._timeline: Timeline | None = None
        self._epoch: int | None = None

    def push(self, packet: MediaPacket) -> list[InitSegment | Fragment]:
        info = packet.info
        if info is not None and not info.browser_playable:
            raise UnsupportedCodec(info.codec)
        previous = self._keyframes.params
        if packet.epoch != self._epoch:
            if not packet.keyframe:
                return []  # a new connection is decodable from its first keyframe on
            self._epoch = packet.epoch
            if info is not None:
                self._keyframes.reset(info.extradata)
        data = self._keyframes.prepare(packet.data, packet.keyframe)
        if self._writer is None or self._keyframes.params != previous:
            if not packet.keyframe:
                return []
            self.close()
            width, height = (info.width, info.height) if info else (0, 0)
            self._writer = _Writer(width, height, self._keyframes.params)
        if self._timeline is None:
            self._timeline = Timeline(info.average_fps if info else None)
        stamp = self._timeline.stamp(packet)
        return self._writer.write(data, stamp.pts, stamp.dts, stamp.duration, packet.keyframe)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
