"""The residential street clip (640x352, 24 fps, a keyframe every 2 s) as hub packets."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from vgateway.media import MediaPacket, StreamInfo

CLIP = "media/videos/residential_street_cam_640x352.mp4"
TIME_BASE = Fraction(1, 90000)


def clip_packets(shared_dir: Path, seconds: float, *, t0: float = 1.7e9) -> list[MediaPacket]:
    """`seconds` of the clip looped, timed as a live 24 fps camera starting at wallclock `t0`."""
    with av.open(str(shared_dir / CLIP)) as container:
        stream = container.streams.video[0]
        info = StreamInfo("h264", 640, 352, TIME_BASE, bytes(stream.codec_context.extradata or b""))
        units = [(bytes(p), p.is_keyframe) for p in container.demux(stream) if p.size]
    packets = []
    for index in range(round(seconds * 24)):
        data, key = units[index % len(units)]
        if index % len(units) == 0:
            key = True  # the clip starts on a keyframe
        pts = index * 3750
        packets.append(MediaPacket(data, pts, pts, TIME_BASE, key, t0 + index / 24, 0, info))
    return packets
