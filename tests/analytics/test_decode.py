"""FrameSampler on real H.264 packets: the rate, the latest frame winning, and decode savings."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from tests.analytics.clip_packets import clip_packets
from vgateway.analytics.decode import FrameSampler


def test_one_frame_a_second_decodes_only_up_to_the_middle_of_each_gop(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 8)  # four 2-second GOPs
    sampler = FrameSampler(1.0)
    times, first_gop = [], 0
    for start in range(0, len(packets), 4):  # a few packets per turn, as the scheduler does
        if start == 48:
            first_gop = sampler.decoded  # decoded whole: its length is not known yet
        frame = sampler.latest(packets[start : start + 4])
        if frame is not None:
            times.append(frame.media_time)
            image = frame.image()  # the camera's own converter: as PyAV's one-off conversion
            assert np.array_equal(image, frame.picture.to_ndarray(format="bgr24"))
            assert image.shape == (352, 640, 3) and image.flags.c_contiguous
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 7 and all(0.95 <= gap <= 1.05 for gap in gaps), times
    # then key + 24 P-frames per 48-frame GOP: about half the packets are never decoded
    assert first_gop == 48
    assert sampler.decoded - first_gop <= 26 * 3
    assert sampler.decoded + sampler.skipped == len(packets)
    assert sampler.replaced == 0


def test_a_backlog_is_skipped_to_its_last_keyframe(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 7)  # keyframes at 0, 2, 4 and 6 s
    sampler = FrameSampler(1.0)
    frame = sampler.latest(packets)
    assert frame is not None and frame.media_time >= 6.0
    assert sampler.skipped >= 6 * 24  # nothing before the last keyframe was decoded
    assert sampler.decoded <= 24


def test_at_or_below_one_frame_per_gop_only_keyframes_are_decoded(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 12)
    sampler = FrameSampler(0.5)
    times = []
    for start in range(0, len(packets), 6):
        frame = sampler.latest(packets[start : start + 6])
        if frame is not None:
            times.append(frame.media_time)
    assert sampler.keyframe_only
    assert len(times) >= 5 and all(round(t % 2.0, 3) in (0.0, 2.0) for t in times[2:])
    assert sampler.decoded <= 2 * 24 + 6  # the first GOP, before its length is known, and keys


def test_untimed_packets_and_restarted_timestamps_do_not_stall_sampling(
    shared_dir: Path,
) -> None:
    packets = clip_packets(shared_dir, 8)
    # FFmpeg's RTSP demuxer leaves some packets without timestamps; and a camera may restart
    # its clock without the connection changing.
    untimed = [p._replace(pts=None, dts=None) if i % 10 == 5 else p for i, p in enumerate(packets)]
    restarted = [p._replace(pts=p.pts - 4 * 90000, dts=p.dts - 4 * 90000) for p in packets[96:]]
    stream = untimed[:96] + restarted  # 4 s, then the clock jumps back by 4 s
    sampler = FrameSampler(1.0)
    times = []
    for start in range(0, len(stream), 4):
        frame = sampler.latest(stream[start : start + 4])
        if frame is not None:
            times.append(frame.media_time)
    assert len(times) >= 7, times  # about one a second throughout
    assert all(t < 1e6 for t in times)  # stream seconds, never the wallclock


def test_a_lowered_share_decodes_that_share_of_gops_past_their_keyframe(
    shared_dir: Path,
) -> None:
    packets = clip_packets(shared_dir, 16)  # eight 2-second GOPs
    full, lean = FrameSampler(1.0), FrameSampler(1.0)
    lean.full_share = 0.0
    for sampler in (full, lean):
        for start in range(0, len(packets), 4):
            sampler.latest(packets[start : start + 4])
    keyframes = sum(p.keyframe for p in packets)
    assert lean.decoded == keyframes  # keyframes only
    assert lean.lean_gops == keyframes and full.lean_gops == 0
    half = FrameSampler(1.0)
    half.full_share = 0.5
    times = []
    for start in range(0, len(packets), 4):
        frame = half.latest(packets[start : start + 4])
        if frame is not None:
            times.append(frame.media_time)
    assert half.lean_gops in (keyframes // 2, (keyframes + 1) // 2)  # every other GOP
    assert lean.decoded < half.decoded < full.decoded
    assert max(b - a for a, b in itertools.pairwise(times)) <= 2.05  # never a GOP unchecked


def test_a_late_turn_also_checks_the_keyframe_it_would_skip(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 10)  # keyframes every 2 s

    def checked(catch_up: bool) -> list[float]:
        sampler = FrameSampler(0.5)  # one check per GOP: keyframes only
        times, start = [], 0
        for size in [24, 24, 24, 24, 60, 24, 24, 24, 24]:  # the fifth turn comes 1.5 s late
            frames = sampler.due(packets[start : start + size], catch_up=catch_up)
            start += size
            # a skipped keyframe still counts for the GOP length: 2 s, not 4
            assert sampler.keyframe_only or start <= 72
            times += [f.media_time for f in frames]
        assert sampler.decoded + sampler.skipped == len(packets)
        return times

    assert checked(catch_up=True) == [0.0, 2.0, 4.0, 6.0, 8.0]  # every GOP, in order
    assert checked(catch_up=False) == [0.0, 2.0, 6.0, 8.0]  # the late turn skipped one


def test_an_extra_keyframe_just_before_the_newest_does_not_hide_the_gop_before(
    shared_dir: Path,
) -> None:
    packets = clip_packets(shared_dir, 10)  # keyframes every 2 s
    packets[193] = packets[193]._replace(keyframe=True)  # and one 0.04 s after 8 s: a scene cut
    sampler = FrameSampler(0.5)
    times = []
    for start, end in [(0, 48), (48, 96), (96, 194)]:  # the last turn comes 2 s late
        times += [f.media_time for f in sampler.due(packets[start:end])]
    assert [round(t, 2) for t in times] == [0.0, 2.0, 4.0, 6.0, 8.04]


def test_however_late_a_turn_it_checks_three_frames_at_most(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 10.5)  # keyframes every 2 s
    sampler = FrameSampler(0.5)
    for start in range(0, 96, 24):
        sampler.due(packets[start : start + 24])  # learns the GOP
    frames = sampler.due(packets[96:])  # 6.5 s in one turn: keyframes at 4, 6, 8 and 10 s
    assert [f.media_time for f in frames] == [6.0, 8.0, 10.0]
    assert sampler.decoded <= 48 + 1 + 3  # the first GOP, the keyframe at 2 s, these three


def test_only_keyframes_due_are_decoded_when_checks_are_keyframe_only(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, 16)  # keyframes every 2 s, and one at 11.04 s
    sampler = FrameSampler(0.5)
    times, first_gop = [], 0
    for start in range(0, len(packets), 24):
        if start == 48:
            first_gop = sampler.decoded  # its length is not known yet
        times += [f.media_time for f in sampler.due(packets[start : start + 24])]
    assert [round(t, 2) for t in times] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 13.04, 15.04]
    assert sampler.decoded - first_gop == len(times) - 1  # 11.04 s was not due: not decoded
