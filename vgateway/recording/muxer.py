"""Remuxing encoded packets into MP4 with PyAV: no decoding, no encoding.

The MP4 muxer converts Annex-B packets (as RTSP delivers them) to avcC itself, and PyAV takes
the parameter sets from the first keyframe. A camera that sends SPS/PPS only in its SDP gets
them prepended to the first keyframe from `StreamInfo.extradata`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av

from vgateway.media import MediaPacket, StreamInfo

FRAGMENTED = "frag_keyframe+empty_moov+default_base_moof"
FASTSTART = "+faststart"
_START_CODES = (b"\x00\x00\x01", b"\x00\x00\x00\x01")
# NAL unit types that carry parameter sets
_PARAMETER_SETS = {"h264": {7, 8}, "hevc": {32, 33, 34}}


def _nal_types(data: bytes, codec: str, limit: int = 8) -> set[int]:
    """Types of the first few Annex-B NAL units of an access unit."""
    types: set[int] = set()
    pos = 0
    for _ in range(limit):
        start = data.find(b"\x00\x00\x01", pos)
        if start < 0 or start + 3 >= len(data):
            break
        header = data[start + 3]
        types.add(header & 0x1F if codec == "h264" else (header >> 1) & 0x3F)
        pos = start + 3
    return types


def with_parameter_sets(packet: MediaPacket, info: StreamInfo) -> bytes:
    """The packet's data, preceded by the stream's SPS/PPS when a keyframe lacks them."""
    wanted = _PARAMETER_SETS.get(info.codec)
    extradata = info.extradata
    if not wanted or not extradata.startswith(_START_CODES) or not packet.keyframe:
        return packet.data
    if _nal_types(packet.data, info.codec) & wanted:
        return packet.data
    return extradata + packet.data


class CountingFile(io.RawIOBase):
    """Passes writes to a file, counting bytes and hashing them while the writes stay in order."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.written = 0
        self._digest: Any = hashlib.sha256()
        self._sequential = True
        self._refused = False

    def refuse_writes(self) -> None:
        self._refused = True

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._refused:
            raise OSError("the file was abandoned after a write error")
        view = memoryview(data)
        if self._sequential and self.target.tell() == self.written:
            self._digest.update(view)
        else:
            self._sequential = False
        count = self.target.write(view)
        self.written = max(self.written, self.target.tell())
        return count

    def readinto(self, buffer: Any) -> int:
        data = self.target.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.target.seek(offset, whence)

    def tell(self) -> int:
        return self.target.tell()

    def sha256(self) -> str | None:
        """Hash of everything written, or None when the muxer rewrote earlier bytes."""
        return self._digest.hexdigest() if self._sequential else None


class Mp4Writer:
    """One MP4 being written. Timestamps are given in `time_base` (the source's, 1/90000)."""

    def __init__(
        self,
        target: CountingFile | Path,
        info: StreamInfo,
        time_base: Fraction,
        *,
        movflags: str,
        metadata: dict[str, str] | None = None,
    ) -> None:
        self.info = info
        self.time_base = time_base
        self.frames = 0
        self._target = target
        # faststart rewrites the file in a second pass that FFmpeg opens by name: give it a path
        where = str(target) if isinstance(target, Path) else target
        self._container: Any = av.open(where, "w", format="mp4", options={"movflags": movflags})
        for key, value in (metadata or {}).items():
            self._container.metadata[key] = value
        self._stream: Any = self._container.add_mux_stream(
            info.codec, width=info.width, height=info.height
        )
        self._stream.time_base = time_base

    def write(self, packet: MediaPacket, pts: int, dts: int) -> None:
        data = with_parameter_sets(packet, self.info) if self.frames == 0 else packet.data
        out = av.Packet(data)
        out.pts, out.dts = pts, dts
        out.time_base = self.time_base
        out.is_keyframe = packet.keyframe
        out.stream = self._stream
        self._container.mux(out)
        self.frames += 1

    def close(self) -> None:
        """Write the trailer (for faststart: move the index to the front)."""
        self._container.close()

    def abandon(self) -> None:
        """Drop the muxer after a write error, without writing anything more to the file."""
        if isinstance(self._target, CountingFile):
            self._target.refuse_writes()
        with contextlib.suppress(Exception):  # the caller repairs or discards the file
            self._container.close()
