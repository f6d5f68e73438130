from __future__ import annotations

from tests.recording.media import Footage
from vgateway.recording.buffer import PrerollBuffer


def test_keeps_whole_gops_covering_the_pre_roll(street: Footage) -> None:
    buffer = PrerollBuffer(keep_s=5, max_bytes=64 << 20)
    packets = street.packets(30, start_wall=1000.0)
    for packet in packets:
        buffer.push(packet)
    stats = buffer.stats()
    assert stats.oldest is not None and stats.newest == packets[-1].wallclock
    # starts on a keyframe at or before newest - 5 s, and less than one GOP (2 s) before it
    assert stats.newest - 5 - 2.1 < stats.oldest <= stats.newest - 5
    first = next(p for p in packets if p.wallclock == stats.oldest)
    assert first.keyframe


def test_memory_cap_drops_oldest_gops(street: Footage) -> None:
    buffer = PrerollBuffer(keep_s=60, max_bytes=400_000)
    for packet in street.packets(30, start_wall=1000.0):
        buffer.push(packet)
    assert 0 < buffer.stats().bytes <= 400_000


def test_capture_starts_on_keyframe_before_start_and_waits_for_end(street: Footage) -> None:
    buffer = PrerollBuffer(keep_s=10, max_bytes=64 << 20)
    packets = street.packets(30, start_wall=1000.0)
    for packet in packets[: 24 * 15]:  # 15 s delivered so far
        buffer.push(packet)
    capture = buffer.capture(1009.0, 1020.0)
    assert not capture.done.is_set()
    assert capture.packets[0].keyframe and capture.packets[0].wallclock <= 1009.0
    for packet in packets[24 * 15 :]:
        buffer.push(packet)
    assert capture.done.is_set() and not capture.overflowed
    assert capture.packets[-1].wallclock <= 1020.0 < capture.packets[-1].wallclock + 0.05


def test_reconnect_starts_a_new_gop_chain(street: Footage) -> None:
    buffer = PrerollBuffer(keep_s=10, max_bytes=64 << 20)
    for packet in street.packets(4, start_wall=1000.0, epoch=1):
        buffer.push(packet)
    after = street.packets(4, start_wall=1005.0, epoch=2)
    capture = buffer.capture(999.0, 1007.0)
    for packet in after:
        buffer.push(packet)
    epochs = [p.epoch for p in capture.packets]
    assert epochs[0] == 1 and epochs[-1] == 2 and capture.done.is_set()
