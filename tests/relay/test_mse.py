"""The fMP4-over-WebSocket fallback: the shared stream against a real Hub, then through the
real parts (simulator, gateway, a WebSocket reader)."""

from __future__ import annotations

import asyncio
import io
import json
import time
from pathlib import Path

import av
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LiveServer, drained, hub_subscribers
from tests.relay.media import clip_packets
from vgateway.hub import Hub, StreamKey
from vgateway.relay.fmp4 import Fragment, InitSegment
from vgateway.relay.mse import MseStream, MseViewer, StreamEnded

rtsp = pytest.mark.rtsp


def ws_url(server: LiveServer, camera: str, role: str) -> str:
    return server.base_url.replace("http", "ws", 1) + f"/api/live/{camera}/{role}/mse"


async def read_segments(
    ws: ClientConnection, binaries: int
) -> tuple[list[dict[str, object]], bytes]:
    """Text messages and the first `binaries` binary messages (joined) of a viewer."""
    texts: list[dict[str, object]] = []
    chunks: list[bytes] = []
    while len(chunks) < binaries:
        message = await asyncio.wait_for(ws.recv(), 10)
        if isinstance(message, str):
            texts.append(json.loads(message))
        else:
            chunks.append(message)
    return texts, b"".join(chunks)


def decode_all(media: bytes) -> list[av.VideoFrame]:
    with av.open(io.BytesIO(media)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        return list(container.decode(stream))


async def test_new_viewer_gets_the_cached_gop_without_live_packets(shared_dir: Path) -> None:
    """The camera sends nothing more after its GOP: whatever arrives came from the cache."""
    hub = Hub()
    stream = hub.stream("cam", "sub")
    gop = clip_packets(shared_dir)[:12]
    for packet in gop:
        stream.publish(packet)
    shared = MseStream(StreamKey("cam", "sub"), hub, 100, lambda _s: None)
    viewer = MseViewer(maxlen=50)
    shared.attach(viewer)
    items = [await asyncio.wait_for(viewer.get(), 2) for _ in range(12)]
    assert isinstance(items[0], InitSegment)
    assert all(isinstance(i, Fragment) for i in items[1:])
    # the last cached frame stays in the muxer until the next frame arrives
    assert len(decode_all(b"".join(i.data for i in items if not isinstance(i, StreamEnded)))) == 11
    late = MseViewer(maxlen=50)
    shared.attach(late)  # a second viewer joins: init and the cached fragments at once
    assert len(late._queue) == 12 and isinstance(late._queue[0], InitSegment)
    await shared.stop()
    assert stream.subscriber_count == 0


def test_slow_viewer_skips_to_next_keyframe_and_keeps_its_init() -> None:
    viewer = MseViewer(maxlen=4)
    init = InitSegment(b"init", "avc1.42E01F", 640, 352)
    viewer.offer(init)
    for index in range(3):
        viewer.offer(Fragment(b"f%d" % index, keyframe=index == 0))
    viewer.offer(Fragment(b"late", keyframe=False))  # queue full: drop backlog, skip
    viewer.offer(Fragment(b"more", keyframe=False))  # still skipping
    viewer.offer(Fragment(b"key", keyframe=True))
    assert list(viewer._queue) == [init, Fragment(b"key", keyframe=True)]
    assert viewer.skips == 1


@rtsp
async def test_fragments_parse_and_decode(shared_live: LiveServer) -> None:
    started = time.monotonic()
    async with connect(ws_url(shared_live, "cam001", "sub")) as ws:
        init = json.loads(await asyncio.wait_for(ws.recv(), 10))
        segment = await ws.recv()
        first_media_s = time.monotonic() - started
        assert isinstance(segment, bytes) and segment[4:8] == b"ftyp"
        texts, media = await read_segments(ws, 30)
    assert init["type"] == "init" and init["codec"] == "h264"
    assert (init["width"], init["height"]) == (640, 352)
    assert str(init["mime"]).startswith('video/mp4; codecs="avc1.')
    assert all(t["type"] == "stats" for t in texts)
    frames = decode_all(segment + media)
    assert len(frames) == 30
    assert frames[0].key_frame  # the cached GOP starts at its keyframe
    assert frames[-1].to_ndarray(format="gray").std() > 10
    print(f"init segment {first_media_s * 1000:.0f} ms after connecting")
    assert first_media_s < 1.5  # cached GOP: no wait for the next keyframe (bound: noisy CI)
    wait_for(lambda: drained(shared_live), 5, "the session and fragmenter to stop")
    assert hub_subscribers(shared_live, "cam001", "main") == 0


@rtsp
async def test_viewers_share_one_fragmenter_and_leave_nothing_behind(
    shared_live: LiveServer,
) -> None:
    url = ws_url(shared_live, "cam001", "main")
    tasks_before = shared_live.tasks()
    sockets = [await connect(url) for _ in range(5)]
    try:
        results = await asyncio.gather(*(read_segments(ws, 10) for ws in sockets))
        assert len(shared_live.relay.mse_streams) == 1
        assert len(shared_live.relay.registry) == 5
        assert hub_subscribers(shared_live, "cam001", "main") == 1  # the fragmenter only
        assert shared_live.simulator.sessions("cam001", "main") == 1
        for _, media in results:
            assert len(decode_all(media)) == 9  # init segment + 9 frames each
    finally:
        for ws in sockets:
            await ws.close()
    wait_for(lambda: drained(shared_live), 5, "sessions and fragmenter to stop")
    assert hub_subscribers(shared_live, "cam001", "main") == 0
    wait_for(lambda: shared_live.tasks() <= tasks_before, 10, "no task left behind")


@rtsp
async def test_unknown_camera_closes_4404(shared_live: LiveServer) -> None:
    async with connect(ws_url(shared_live, "nosuchcam", "sub")) as ws:
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        await ws.wait_closed()
    assert message["error"] == "not_found"
    assert ws.close_code == 4404
