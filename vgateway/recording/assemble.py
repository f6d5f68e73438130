"""Joining packets from several sources into one clip timeline.

Sources are segment files (oldest first) and then the live capture. They overlap (the capture
starts with buffered packets that may already be in the segment being written) and may span an
upstream reconnect (timestamps restart). Three stages, each a generator:
`dedupe` drops packets already seen, `window` keeps [keyframe at or before start, end], and
`retime` gives monotonic output timestamps: exact within a timeline, and across a reconnect a
jump equal to the wall-clock gap, so the clip's clock stays true to the footage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction

from vgateway.media import MediaPacket

# (timeline, packet): a timeline is one upstream connection of one gateway run, within which
# timestamps are comparable.
Sourced = tuple[str, MediaPacket]
OUT_TIME_BASE = Fraction(1, 90000)
MAX_STEP_S = 10.0  # a larger forward jump inside one timeline is treated as a discontinuity
DEFAULT_FRAME_S = 0.04
STILL_SHOWN_S = 1.0  # a last frame older than this before the range is not footage of it


def decode_ts(packet: MediaPacket) -> int | None:
    return packet.dts if packet.dts is not None else packet.pts


def dedupe(items: Iterable[Sourced]) -> Iterator[Sourced]:
    """Drop packets at or before the last one passed on, by timeline timestamps or wall clock."""
    last_ts: dict[str, int] = {}
    last_wall = float("-inf")
    current: str | None = None
    for timeline, packet in items:
        ts = decode_ts(packet)
        if timeline == current or timeline in last_ts:
            seen = last_ts.get(timeline)
            if ts is not None and seen is not None and ts <= seen:
                continue
            if timeline != current and packet.wallclock <= last_wall:
                continue  # an older timeline showing up again after a newer one
        elif packet.wallclock <= last_wall - MAX_STEP_S:
            continue
        if ts is not None:
            last_ts[timeline] = ts
        current = timeline
        last_wall = max(last_wall, packet.wallclock)
        yield timeline, packet


def window(items: Iterable[Sourced], start: float, end: float) -> Iterator[Sourced]:
    """Packets from the last keyframe at or before `start` through the last one at `end`."""
    pending: list[Sourced] = []
    started = False
    for item in items:
        packet = item[1]
        if packet.wallclock > end:
            break
        if not started:
            if packet.wallclock < start:
                if packet.keyframe:
                    pending = [item]
                elif pending:
                    pending.append(item)
                continue
            started = True
            yield from pending
            pending = []
        yield item
    if not started and pending and pending[-1][1].wallclock >= start - STILL_SHOWN_S:
        yield from pending  # nothing after start yet: the GOP whose picture is on screen


def retime(items: Iterable[Sourced]) -> Iterator[tuple[MediaPacket, int, int]]:
    """(packet, pts, dts) in OUT_TIME_BASE; each run (timeline stretch) starts on a keyframe."""
    timeline: str | None = None
    origin = base = 0
    last_src: int | None = None
    last_out: int | None = None
    last_wall = 0.0
    step = round(DEFAULT_FRAME_S / OUT_TIME_BASE)
    for source, packet in items:
        src_dts = decode_ts(packet)
        if src_dts is None:
            src_dts = round(packet.wallclock / packet.time_base)  # no timing at all: wall clock
        src_pts = packet.pts if packet.pts is not None else src_dts
        scale = packet.time_base / OUT_TIME_BASE
        continuous = (
            source == timeline
            and last_src is not None
            and 0 < (src_dts - last_src) * packet.time_base <= MAX_STEP_S
        )
        if not continuous:
            if not packet.keyframe:
                continue
            if last_out is None:
                base = 0
            else:
                gap = max(packet.wallclock - last_wall, float(step * OUT_TIME_BASE))
                base = last_out + max(step, round(gap / OUT_TIME_BASE))
            timeline, origin = source, src_dts
        dts = base + round((src_dts - origin) * scale)
        if last_out is not None:
            if dts <= last_out:
                dts = last_out + 1
            step = max(1, min(dts - last_out, round(1 / OUT_TIME_BASE)))
        pts = dts + round((src_pts - src_dts) * scale)
        last_src, last_out, last_wall = src_dts, dts, packet.wallclock
        yield packet, pts, dts
