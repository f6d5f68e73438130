"""Reading recorded segments back as packets on their camera's timeline.

Segment files hold avcC samples; `h264_mp4toannexb`/`hevc_mp4toannexb` turn them back into the
Annex-B access units the rest of the gateway uses (with parameter sets before each keyframe).
A segment still being written is read up to the end of its last whole fragment.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.bitstream import BitStreamFilterContext

from vgateway.media import MediaPacket, StreamInfo
from vgateway.recording.assemble import Sourced
from vgateway.recording.index import SegmentRow
from vgateway.recording.mp4box import PrefixFile, readable_prefix

_TO_ANNEXB = {"h264": "h264_mp4toannexb", "hevc": "hevc_mp4toannexb"}


@dataclass(frozen=True)
class Probe:
    frames: int
    duration_s: float  # from the first packet's decode time to after the last one


def _open(path: Path, whole: bool) -> Any:
    if whole:
        return av.open(str(path))
    size, fragments = readable_prefix(path)
    if not fragments:
        return None
    return av.open(PrefixFile(path, size), format="mp4")


def read_segment(row: SegmentRow, root: Path) -> Iterator[Sourced]:
    """Packets of one segment with their source timestamps and estimated wall-clock times."""
    path = root / row.path
    src_tb = Fraction(row.time_base)
    info = StreamInfo(row.codec, row.width, row.height, src_tb)
    try:
        container = _open(path, whole=row.status != "writing")
    except (OSError, av.error.FFmpegError):
        return  # deleted meanwhile, or nothing readable yet
    if container is None:
        return
    with contextlib.closing(container):
        stream = container.streams.video[0]
        file_tb = Fraction(stream.time_base or src_tb)
        bsf_name = _TO_ANNEXB.get(row.codec)
        bsf = BitStreamFilterContext(bsf_name, stream) if bsf_name else None
        first: int | None = None
        try:
            for raw in container.demux(stream):
                if raw.size == 0 or raw.dts is None:
                    continue
                for packet in bsf.filter(raw) if bsf else [raw]:
                    file_dts: int = packet.dts if packet.dts is not None else raw.dts
                    file_pts: int = packet.pts if packet.pts is not None else file_dts
                    if first is None:
                        first = file_dts
                    offset = (file_dts - first) * file_tb
                    dts = row.ts_origin + round(offset / src_tb)
                    pts = dts + round((file_pts - file_dts) * file_tb / src_tb)
                    yield (
                        row.timeline,
                        MediaPacket(
                            data=bytes(packet),
                            pts=pts,
                            dts=dts,
                            time_base=src_tb,
                            keyframe=bool(packet.is_keyframe),
                            wallclock=row.start_at + float(offset),
                            epoch=-1,
                            info=info,
                        ),
                    )
        except av.error.FFmpegError:
            return  # a damaged tail: what was read is still good


def probe_segment(path: Path) -> Probe:
    """Frames and duration of a finished or repaired segment, from its packets (no decoding)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        tb = Fraction(stream.time_base or Fraction(1, 90000))
        frames = 0
        first = last = None
        step = 0
        for packet in container.demux(stream):
            if packet.size == 0 or packet.dts is None:
                continue
            frames += 1
            if first is None:
                first = packet.dts
            elif last is not None:
                step = packet.dts - last
            last = packet.dts
        if first is None or last is None:
            return Probe(0, 0.0)
        return Probe(frames, float((last - first + max(step, 0)) * tb))
