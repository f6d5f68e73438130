from __future__ import annotations

import itertools

from tests.recording.media import TB, Footage
from vgateway.recording.assemble import OUT_TIME_BASE, dedupe, retime, window


def test_overlapping_sources_are_joined_without_duplicates(street: Footage) -> None:
    packets = street.packets(12, start_wall=1000.0)
    seg = [("run:1", p) for p in packets[:200]]
    live = [("run:1", p) for p in packets[150:]]  # the buffer overlaps the segment's tail
    joined = [p for _, p in dedupe(seg + live)]
    assert joined == packets


def test_window_starts_on_the_keyframe_before_start(street: Footage) -> None:
    packets = street.packets(12, start_wall=1000.0)
    out = [p for _, p in window((("t", p) for p in packets), 1003.0, 1007.0)]
    assert out[0].keyframe and 1001.0 <= out[0].wallclock <= 1003.0
    assert out[-1].wallclock <= 1007.0 < out[-1].wallclock + 0.05


def test_retime_keeps_timing_and_bridges_a_reconnect_with_the_real_gap(street: Footage) -> None:
    before = street.packets(4, start_wall=1000.0, epoch=1, ts_offset=123_456)
    after = street.packets(4, start_wall=1007.0, epoch=2)  # timestamps restart at 0
    items = [("r:1", p) for p in before] + [("r:2", p) for p in after]
    out = list(retime(items))
    dts = [d for _, _, d in out]
    assert dts[0] == 0 and all(b > a for a, b in itertools.pairwise(dts))
    assert out[1][2] == (before[1].dts or 0) - (before[0].dts or 0)  # exact within a run
    jump = next(i for i, (p, _, _) in enumerate(out) if p.epoch == 2)
    gap_s = float((dts[jump] - dts[jump - 1]) * OUT_TIME_BASE)
    assert abs(gap_s - (after[0].wallclock - before[-1].wallclock)) < 0.01
    assert float(TB) == float(OUT_TIME_BASE)
