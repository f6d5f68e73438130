"""The framing between the gateway and its relay worker processes (one socketpair each).

A frame is a 4-byte big-endian length, then a 4-byte header length, a JSON header and an
optional binary payload. Media packets travel as one frame each: the header carries the stream
key and timing, the payload the access unit; the `StreamInfo` rides along (key "i") only on
the first packet of a feed and when it changes. Control messages are headers without payload.
"""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from fractions import Fraction
from typing import Any

from vgateway.hub import StreamKey
from vgateway.media import MediaPacket, StreamInfo

_LEN = struct.Struct("!II")
MAX_FRAME = 64 * 1024 * 1024  # far above any access unit: anything larger is a broken peer

Header = dict[str, Any]


class WireError(Exception):
    """The other end sent something that is not a frame."""


def encode(header: Header, payload: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode()
    return _LEN.pack(4 + len(head) + len(payload), len(head)) + head + payload


async def read_frame(reader: asyncio.StreamReader) -> tuple[Header, bytes]:
    """The next frame; raises asyncio.IncompleteReadError at end of stream."""
    total, head_len = _LEN.unpack(await reader.readexactly(_LEN.size))
    if total > MAX_FRAME or head_len > total - 4:
        raise WireError(f"bad frame lengths {total}/{head_len}")
    body = await reader.readexactly(total - 4)
    header = json.loads(body[:head_len])
    if not isinstance(header, dict):
        raise WireError("frame header is not an object")
    return header, body[head_len:]


def info_to_wire(info: StreamInfo) -> Header:
    return {
        "codec": info.codec,
        "width": info.width,
        "height": info.height,
        "tb": [info.time_base.numerator, info.time_base.denominator],
        "extradata": base64.b64encode(info.extradata).decode(),
        "profile": info.profile,
        "fps": info.average_fps,
    }


def info_from_wire(data: Header) -> StreamInfo:
    return StreamInfo(
        codec=str(data["codec"]),
        width=int(data["width"]),
        height=int(data["height"]),
        time_base=Fraction(*data["tb"]),
        extradata=base64.b64decode(data["extradata"]),
        profile=data["profile"],
        average_fps=data["fps"],
    )


def packet_frame(key: StreamKey, packet: MediaPacket, send_info: bool) -> bytes:
    header: Header = {
        "t": "p",
        "c": key.camera_id,
        "r": key.role,
        "e": packet.epoch,
        "p": packet.pts,
        "d": packet.dts,
        "tb": [packet.time_base.numerator, packet.time_base.denominator],
        "k": packet.keyframe,
        "w": packet.wallclock,
    }
    if send_info and packet.info is not None:
        header["i"] = info_to_wire(packet.info)
    return encode(header, packet.data)


def packet_from_wire(header: Header, data: bytes, info: StreamInfo | None) -> MediaPacket:
    return MediaPacket(
        data=data,
        pts=header["p"],
        dts=header["d"],
        time_base=Fraction(*header["tb"]),
        keyframe=bool(header["k"]),
        wallclock=float(header["w"]),
        epoch=int(header["e"]),
        info=info,
    )
