"""Camera-like packets from a real clip: Annex-B access units as FFmpeg's RTSP demuxer gives."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from vgateway.media import MediaPacket, StreamInfo
from vgateway.relay.h264 import NAL_PPS, NAL_SPS, START_CODE, nal_type, split_nals

CLIP = "media/videos/residential_street_cam_640x352.mp4"


def clip_packets(
    shared_dir: Path, *, strip_parameter_sets: bool = False, epoch: int = 1
) -> list[MediaPacket]:
    """The clip's packets in 90 kHz; optionally with SPS/PPS only in extradata, as many
    cameras send them (in the SDP, never in-band)."""
    packets: list[MediaPacket] = []
    with av.open(str(shared_dir / CLIP)) as container:
        stream = container.streams.video[0]
        bsf = av.BitStreamFilterContext("h264_mp4toannexb", in_stream=stream)
        raw = [q for p in container.demux(stream) if p.size for q in bsf.filter(p)]
        extradata = b""
        for packet in raw:
            nals = split_nals(bytes(packet))
            params = [n for n in nals if nal_type(n) in (NAL_SPS, NAL_PPS)]
            if params and not extradata:
                extradata = b"".join(START_CODE + n for n in params)
        info = StreamInfo(
            codec="h264",
            width=640,
            height=352,
            time_base=Fraction(1, 90000),
            extradata=extradata,
            average_fps=24.0,
        )
        for packet in raw:
            data = bytes(packet)
            if strip_parameter_sets:
                nals = [n for n in split_nals(data) if nal_type(n) not in (NAL_SPS, NAL_PPS)]
                data = b"".join(START_CODE + n for n in nals)
            assert packet.pts is not None and packet.time_base is not None
            packets.append(
                MediaPacket(
                    data=data,
                    pts=int(packet.pts * packet.time_base * 90000),
                    dts=int((packet.dts or packet.pts) * packet.time_base * 90000),
                    time_base=Fraction(1, 90000),
                    keyframe=bool(packet.is_keyframe),
                    wallclock=0.0,
                    epoch=epoch,
                    info=info,
                )
            )
    return packets
