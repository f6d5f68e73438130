from __future__ import annotations

import itertools
from fractions import Fraction

from vgateway.media import MediaPacket
from vgateway.relay.timeline import BURST_STEP, Timeline


def packet(
    pts: int | None,
    epoch: int = 1,
    dts: int | None = None,
    key: bool = False,
    time_base: Fraction = Fraction(1, 90000),
) -> MediaPacket:
    return MediaPacket(b"", pts, pts if dts is None else dts, time_base, key, 0.0, epoch)


def test_follows_the_source_spacing() -> None:
    timeline = Timeline(fps=25)
    stamps = [timeline.stamp(packet(1_000_000 + i * 3600)) for i in range(4)]
    assert [s.dts for s in stamps] == [0, 3600, 7200, 10800]
    assert all(s.pts == s.dts for s in stamps)


def test_reconnect_keeps_time_moving_forward() -> None:
    timeline = Timeline(fps=25)
    first = [timeline.stamp(packet(900_000 + i * 3600, epoch=1)).dts for i in range(3)]
    # the camera reconnected: its timestamps restart near zero
    second = [timeline.stamp(packet(i * 3600, epoch=2)).dts for i in range(3)]
    assert first + second == sorted(first + second)
    assert second[0] - first[-1] == 3600  # bridged with one frame duration


def test_jumps_and_missing_timestamps_are_bridged() -> None:
    timeline = Timeline(fps=25)
    a = timeline.stamp(packet(0)).dts
    b = timeline.stamp(packet(3600)).dts
    c = timeline.stamp(packet(3600 + 90000 * 3600)).dts  # an hour ahead: a glitch
    d = timeline.stamp(packet(None)).dts
    e = timeline.stamp(packet(3000)).dts  # backwards
    assert [b - a, c - b, d - c, e - d] == [3600, 3600, 3600, 3600]


def test_other_time_bases_are_converted() -> None:
    timeline = Timeline()
    timeline.stamp(packet(0, time_base=Fraction(1, 1000)))
    assert timeline.stamp(packet(40, time_base=Fraction(1, 1000))).dts == 3600


def test_backlog_is_compressed_then_live_spacing_resumes() -> None:
    timeline = Timeline(fps=25)
    burst = [timeline.stamp(packet(i * 3600), compress=True).dts for i in range(5)]
    live = timeline.stamp(packet(5 * 3600)).dts
    assert [b - a for a, b in itertools.pairwise(burst)] == [BURST_STEP] * 4
    assert live - burst[-1] == 3600


def test_b_frames_keep_their_presentation_offset() -> None:
    timeline = Timeline(fps=25)
    timeline.stamp(packet(7200, dts=0, key=True))
    stamp = timeline.stamp(packet(3600, dts=3600))
    assert stamp.pts == stamp.dts == 3600
    reordered = timeline.stamp(packet(14400, dts=7200))
    assert reordered.pts - reordered.dts == 7200
