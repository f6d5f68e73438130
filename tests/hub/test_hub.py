"""The hub's fan-out rules, with synthetic packets (no network)."""

from __future__ import annotations

import asyncio
import threading
import time
from fractions import Fraction

import pytest

from vgateway.hub import Hub, StreamKey, SubscriptionClosed
from vgateway.media import MediaPacket, StreamInfo

INFO = StreamInfo("h264", 640, 352, Fraction(1, 90000))


def packet(i: int, gop: int = 10) -> MediaPacket:
    return MediaPacket(
        data=bytes([i % 256]) * 100,
        pts=i * 3600,
        dts=i * 3600,
        time_base=INFO.time_base,
        keyframe=i % gop == 0,
        wallclock=time.time(),
        info=INFO,
    )


def test_new_subscriber_starts_at_cached_keyframe() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    for i in range(25):  # keyframes at 0, 10, 20
        stream.publish(packet(i))
    sub = stream.subscribe("viewer")
    first = sub.get_blocking(0)
    assert first is not None and first.keyframe and first.pts == 20 * 3600
    assert len(sub) == 4  # 21..24 follow without waiting for the next GOP


def test_gop_cache_cleared_on_new_epoch() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    stream.publish(packet(0))
    stream.begin_epoch(INFO)
    assert stream.cached_gop() == []


def test_slow_subscriber_skips_to_next_keyframe_and_others_get_everything() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    slow = stream.subscribe("slow", maxlen=5)
    fast = stream.subscribe("fast", maxlen=1000)
    for i in range(1, 41):  # ends on a keyframe (40)
        stream.publish(packet(i))
        fast_packet = fast.get_blocking(0)
        assert fast_packet is not None and fast_packet.pts == i * 3600
    assert slow.skips >= 1 and slow.dropped > 0
    drained = []
    while (p := slow.get_blocking(0)) is not None:
        drained.append(p)
    assert drained[0].keyframe, "after a skip the consumer resumes on a keyframe"
    assert [p.pts for p in drained] == sorted(p.pts for p in drained if p.pts is not None)


def test_publish_never_blocks_on_a_consumer_that_stopped_reading() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    stream.subscribe("stuck", maxlen=10)
    started = time.perf_counter()
    for i in range(20_000):
        stream.publish(packet(i))
    # generous: the point is that it finishes at all, not how fast
    assert time.perf_counter() - started < 10


async def test_async_consumer_is_woken_from_another_thread() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    sub = stream.subscribe("async")

    def produce() -> None:
        for i in range(30):
            stream.publish(packet(i))
            time.sleep(0.001)

    threading.Thread(target=produce).start()
    got = [await asyncio.wait_for(sub.get(), 5) for _ in range(30)]
    assert [p.pts for p in got] == [i * 3600 for i in range(30)]
    sub.close()
    with pytest.raises(SubscriptionClosed):
        await sub.get()


async def test_close_wakes_a_waiting_consumer() -> None:
    sub = Hub().subscribe("cam001", "sub", "waiter")
    task = asyncio.create_task(sub.get())
    await asyncio.sleep(0.01)
    sub.close()
    with pytest.raises(SubscriptionClosed):
        await asyncio.wait_for(task, 2)


def test_demand_listener_sees_subscriber_counts() -> None:
    hub = Hub()
    seen: list[tuple[StreamKey, int]] = []
    hub.set_demand_listener(lambda key, n: seen.append((key, n)))
    a = hub.subscribe("cam002", "main", "a")
    b = hub.subscribe("cam002", "main", "b")
    a.close()
    a.close()  # idempotent
    b.close()
    key = StreamKey("cam002", "main")
    assert seen == [(key, 1), (key, 2), (key, 1), (key, 0)]


def test_stats_count_every_packet_and_rate_the_latest_gop() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    t0 = 1.7e9
    for i in range(45):  # 25 fps (pts step 3600 of 90 kHz), keyframes at 0, 20 and 40
        stream.publish(packet(i, gop=20)._replace(wallclock=t0 + i / 25))
    stats = stream.stats()
    assert (stats.packets, stats.bytes, stats.last_packet_at) == (45, 4500, t0 + 44 / 25)
    assert stats.fps == pytest.approx(25.0)  # 20 packets between the keyframes at 0.8 and 1.6 s
    assert stats.bitrate_bps == pytest.approx(20 * 100 * 8 / 0.8)
    assert stats.keyframe_interval_s == pytest.approx(0.8)

    stream.begin_epoch(INFO)  # a reconnect: the outage is no part of the rates
    stream.publish(packet(0)._replace(wallclock=t0 + 30))
    stats = stream.stats()
    assert (stats.packets, stats.fps, stats.keyframe_interval_s) == (46, 0.0, None)


def test_a_thread_asleep_in_get_blocking_is_woken_by_the_next_packet() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    sub = stream.subscribe("recorder")
    got: list[MediaPacket | None] = []
    reader = threading.Thread(target=lambda: got.append(sub.get_blocking(5.0)))
    reader.start()
    time.sleep(0.1)  # the reader is asleep: only then is the condition signalled
    started = time.monotonic()
    stream.publish(packet(0))
    reader.join(5.0)
    assert got and got[0] is not None and got[0].pts == 0
    assert time.monotonic() - started < 1.0  # woken, not timed out


def test_take_hands_over_what_is_queued_in_order_and_reports_close_once_drained() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    sub = stream.subscribe("analytics")
    assert sub.take(10) == []
    for i in range(5):
        stream.publish(packet(i))
    assert [p.pts // 3600 for p in sub.take(3)] == [0, 1, 2]
    sub.close()
    with pytest.raises(SubscriptionClosed):
        sub.take(10)


def test_live_subscribers_are_counted_until_they_close() -> None:
    hub = Hub()
    wall = hub.subscribe("cam001", "sub", "relay", live=True)
    hub.subscribe("cam001", "sub", "analytics")
    stream = hub.stream("cam001", "sub")
    assert stream.live_subscribers == 1 and stream.subscriber_count == 2
    wall.close()
    wall.close()  # twice: counted once
    assert stream.live_subscribers == 0 and stream.subscriber_count == 1


def test_keyframe_times_show_video_the_camera_skipped() -> None:
    stream = Hub().stream("cam001", "sub")
    stream.begin_epoch(INFO)
    sent = [i for i in range(100) if not 40 <= i < 60]  # 0.8 s of video never sent
    for i in sent:  # keyframes every 0.4 s
        stream.publish(packet(i))
    times = [(mark.epoch, round(mark.seconds or 0, 2)) for mark in stream.key_times]
    assert times == [(1, 0.0), (1, 0.4), (1, 0.8), (1, 1.2), (1, 2.4), (1, 2.8), (1, 3.2), (1, 3.6)]
    stream.begin_epoch(INFO)  # a reconnect: stream time restarts, in a new epoch
    stream.publish(packet(0))
    last = stream.key_times[-1]
    assert (last.epoch, last.seconds) == (2, 0.0)
