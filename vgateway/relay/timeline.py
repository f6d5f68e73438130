"""One always-increasing 90 kHz timeline per viewer (or per shared fragmenter).

Camera timestamps restart whenever the upstream reconnects (`MediaPacket.epoch` changes) and
may jump when a camera misbehaves; a browser's decoder, jitter buffer or SourceBuffer must
never see time go backwards, so each output clock advances by the source's own frame spacing
and bridges any discontinuity with one nominal frame duration.
"""

from __future__ import annotations

from dataclasses import dataclass

from vgateway.media import MediaPacket

CLOCK_RATE = 90_000
DEFAULT_STEP = CLOCK_RATE // 25
MAX_STEP = 5 * CLOCK_RATE  # a larger gap is a discontinuity, not a slow camera
BURST_STEP = CLOCK_RATE // 1000


@dataclass(frozen=True, slots=True)
class Stamp:
    pts: int
    dts: int
    duration: int


class Timeline:
    def __init__(self, fps: float | None = None) -> None:
        self.step = round(CLOCK_RATE / fps) if fps and 1 <= fps <= 120 else DEFAULT_STEP
        self._out_dts: int | None = None
        self._src_dts: int | None = None
        self._epoch: int | None = None

    def stamp(self, packet: MediaPacket, *, compress: bool = False) -> Stamp:
        """Output timestamps for `packet`.

        `compress` packs a backlog (the cached GOP sent to a new viewer, or what queued while
        its connection came up) 1 ms apart, so the receiver's playout reaches the live edge
        at once instead of replaying the backlog in real time.
        """
        src_dts = _to_clock(packet, packet.dts if packet.dts is not None else packet.pts)
        src_pts = _to_clock(packet, packet.pts if packet.pts is not None else packet.dts)
        delta = self.step
        if (
            packet.epoch == self._epoch
            and src_dts is not None
            and self._src_dts is not None
            and 0 < src_dts - self._src_dts <= MAX_STEP
        ):
            delta = src_dts - self._src_dts
            if delta <= CLOCK_RATE:
                self.step = delta
        if compress:
            delta = min(delta, BURST_STEP)
        out_dts = 0 if self._out_dts is None else self._out_dts + delta
        self._out_dts, self._src_dts, self._epoch = out_dts, src_dts, packet.epoch
        offset = 0
        if src_pts is not None and src_dts is not None:
            offset = max(0, min(src_pts - src_dts, MAX_STEP))  # B-frame reordering delay
        return Stamp(out_dts + offset, out_dts, self.step)


def _to_clock(packet: MediaPacket, ts: int | None) -> int | None:
    if ts is None:
        return None
    tb = packet.time_base
    if tb.denominator == CLOCK_RATE and tb.numerator == 1:
        return ts
    return round(ts * tb * CLOCK_RATE)
