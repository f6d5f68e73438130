"""JPEG snapshots of a live stream, decoded from the hub's cached GOP.

Only the cached keyframe and the packets after it are decoded, on demand: ingest itself never
decodes. Works for any codec FFmpeg can decode (H.264, H.265, MPEG-4 Part 2).
"""

from __future__ import annotations

from typing import Any

import av
import cv2

from vgateway.media import MediaPacket


class SnapshotUnavailable(Exception):
    """No decodable picture is cached yet (stream not online, or no keyframe seen)."""


def decode_latest(packets: list[MediaPacket]) -> Any:
    """Decode a GOP and return the last picture as a BGR numpy array."""
    if not packets or packets[0].info is None:
        raise SnapshotUnavailable("no keyframe has been received yet")
    info = packets[0].info
    codec: Any = av.CodecContext.create(info.codec, "r")
    if info.extradata:
        codec.extradata = info.extradata
    codec.thread_type = "NONE"
    last = None
    try:
        for media in packets:
            packet = av.Packet(media.data)
            packet.pts, packet.dts, packet.time_base = media.pts, media.dts, media.time_base
            for frame in codec.decode(packet):
                last = frame
        for frame in codec.decode(None):
            last = frame
    except av.error.FFmpegError as exc:
        if last is None:
            raise SnapshotUnavailable(f"the cached picture could not be decoded: {exc}") from None
    if last is None:
        raise SnapshotUnavailable("the cached packets held no complete picture")
    return last.to_ndarray(format="bgr24")


def jpeg_snapshot(packets: list[MediaPacket], quality: int = 85) -> bytes:
    image = decode_latest(packets)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise SnapshotUnavailable("JPEG encoding failed")
    return bytes(encoded.tobytes())
