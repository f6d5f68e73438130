"""The passthrough track against a real Hub, without network."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from aiortc.mediastreams import MediaStreamError

from tests.relay.media import clip_packets
from vgateway.hub import Hub
from vgateway.relay.h264 import NAL_SPS, nal_type, split_nals
from vgateway.relay.sessions import SessionStats
from vgateway.relay.timeline import BURST_STEP
from vgateway.relay.track import HubVideoTrack


async def test_track_sends_cached_gop_as_a_burst_then_live(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, strip_parameter_sets=True)
    hub = Hub()
    stream = hub.stream("cam", "sub")
    for p in packets[:10]:
        stream.publish(p)
    stats = SessionStats()
    track = HubVideoTrack(hub.subscribe("cam", "sub", "viewer"), stats)
    burst = [await track.recv() for _ in range(10)]
    assert nal_type(split_nals(bytes(burst[0]))[0]) == NAL_SPS  # prepended from extradata
    steps = [b.pts - a.pts for a, b in itertools.pairwise(burst)]
    assert steps[:-1] == [BURST_STEP] * 8  # the backlog, packed 1 ms apart
    source_steps = [b.pts - a.pts for a, b in itertools.pairwise(packets)]
    assert steps[-1] == source_steps[8]  # the newest packet keeps the camera's spacing
    stream.publish(packets[10])
    live = await track.recv()
    assert live.pts - burst[-1].pts == source_steps[9]
    assert stats.packets_sent == 11
    track.stop()
    assert stream.subscriber_count == 0
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_track_waits_for_keyframe_after_reconnect(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir)
    hub = Hub()
    stream = hub.stream("cam", "sub")
    track = HubVideoTrack(hub.subscribe("cam", "sub", "viewer"), SessionStats())
    stream.publish(packets[0])
    first = await track.recv()
    reconnected = [p._replace(epoch=2) for p in packets[40:50]]  # key at 48
    for p in reconnected:
        stream.publish(p)
    after = await track.recv()
    assert after.is_keyframe or nal_type(split_nals(bytes(after))[0]) == NAL_SPS
    assert after.pts > first.pts
    track.stop()


async def test_track_ends_when_the_hub_closes() -> None:
    hub = Hub()
    track = HubVideoTrack(hub.subscribe("cam", "sub", "viewer"), SessionStats())
    waiting = asyncio.create_task(track.recv())
    await asyncio.sleep(0)
    hub.close()
    with pytest.raises(MediaStreamError):
        await asyncio.wait_for(waiting, 2)
    assert track.readyState == "ended"
