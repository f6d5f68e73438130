"""Splitting an RTSP-over-TCP byte stream into messages and interleaved frames, and damaging frames.

RTSP over TCP mixes text messages (requests and responses, with an optional body) with binary
interleaved frames: ``$``, channel, 16-bit length, RTP or RTCP packet. The proxy needs whole units
to recognise requests and to corrupt RTP payloads without breaking the framing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

INTERLEAVED = 0x24  # "$"
HEADER_LIMIT = 64 * 1024
BODY_LIMIT = 1024 * 1024
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)")
# Payloads shorter than this (SPS, PPS, SEI, tiny slices) are left alone by the damaging faults,
# so a client still learns the stream's parameters and the damage lands in picture data.
MIN_DAMAGE_PAYLOAD = 64


@dataclass(frozen=True, slots=True)
class Unit:
    """One RTSP message (``channel`` is None) or one interleaved frame (header included)."""

    data: bytes
    channel: int | None = None

    @property
    def is_rtp(self) -> bool:
        # RTSP servers pair channels as RTP on the even one, RTCP on the odd one.
        return self.channel is not None and self.channel % 2 == 0

    def request_method(self) -> str | None:
        """The method of a request message (``DESCRIBE``), None for responses and frames."""
        if self.channel is not None or self.data.startswith(b"RTSP/"):
            return None
        method, _, _ = self.data.partition(b" ")
        return method.decode("ascii", "replace").upper()

    def request_path(self) -> str | None:
        """The path of a request's URL (``/cam001/main``), None when there is none."""
        if self.request_method() is None:
            return None
        line = self.data.split(b"\r\n", 1)[0].decode("utf-8", "replace")
        parts = line.split(" ")
        if len(parts) < 2:
            return None
        url = parts[1]
        if "://" in url:
            url = url.split("://", 1)[1]
            url = url[url.find("/") :] if "/" in url else ""
        return url.split("?", 1)[0] or None


class Framer:
    """Incremental splitter for one direction of an RTSP connection.

    Bytes that cannot be RTSP (no header end within HEADER_LIMIT, a body over BODY_LIMIT) come
    out as one message unit so they still pass through instead of growing the buffer unbounded.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Unit]:
        buffer = self._buffer
        buffer += data
        units: list[Unit] = []
        position, size = 0, len(buffer)
        while position < size:
            if buffer[position] == INTERLEAVED:
                if size - position < 4:
                    break
                end = position + 4 + ((buffer[position + 2] << 8) | buffer[position + 3])
                if end > size:
                    break
                units.append(Unit(bytes(buffer[position:end]), buffer[position + 1]))
                position = end
                continue
            head_end = buffer.find(b"\r\n\r\n", position, position + HEADER_LIMIT)
            if head_end < 0:
                if size - position >= HEADER_LIMIT:
                    units.append(Unit(bytes(buffer[position:])))
                    position = size
                break
            match = _CONTENT_LENGTH.search(buffer, position, head_end)
            body = int(match.group(1)) if match else 0
            if body > BODY_LIMIT:
                units.append(Unit(bytes(buffer[position:])))
                position = size
                break
            end = head_end + 4 + body
            if end > size:
                break
            units.append(Unit(bytes(buffer[position:end])))
            position = end
        del buffer[:position]
        return units


def _payload_start(frame: bytes) -> int | None:
    """Offset of the RTP payload inside an interleaved frame, None if it is not a valid packet."""
    if len(frame) < 16 or frame[4] >> 6 != 2:
        return None
    start = 4 + 12 + 4 * (frame[4] & 0x0F)
    if frame[4] & 0x10:  # header extension: 4-byte header, then length in 32-bit words
        if len(frame) < start + 4:
            return None
        start += 4 + 4 * ((frame[start + 2] << 8) | frame[start + 3])
    return start if start <= len(frame) else None


def garble(unit: Unit, rng: random.Random) -> Unit:
    """Flip about 1 % of an RTP packet's payload bytes; the RTP header and NAL header survive."""
    start = _payload_start(unit.data) if unit.is_rtp else None
    if start is None or len(unit.data) - start < MIN_DAMAGE_PAYLOAD:
        return unit
    data = bytearray(unit.data)
    first = start + 2  # keep the NAL / fragmentation-unit headers, damage the coded picture
    for _ in range(max(1, (len(data) - first) // 100)):
        data[rng.randrange(first, len(data))] ^= rng.randrange(1, 256)
    return Unit(bytes(data), unit.channel)


def truncate(unit: Unit, rng: random.Random) -> Unit:
    """Cut an RTP packet's payload to 20-60 % of its length and fix the interleaved length."""
    start = _payload_start(unit.data) if unit.is_rtp else None
    if start is None or len(unit.data) - start < MIN_DAMAGE_PAYLOAD:
        return unit
    keep = int((len(unit.data) - start) * rng.uniform(0.2, 0.6))
    end = start + keep
    size = end - 4
    return Unit(unit.data[:2] + size.to_bytes(2, "big") + unit.data[4:end], unit.channel)
