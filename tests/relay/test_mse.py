"""The fMP4-over-WebSocket fallback through the real parts: simulator, gateway, a WS reader."""

from __future__ import annotations

import io
import json

import av
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LiveServer

pytestmark = pytest.mark.rtsp


def ws_url(server: LiveServer, camera: str, role: str) -> str:
    return server.base_url.replace("http", "ws", 1) + f"/api/live/{camera}/{role}/mse"


async def read_segments(
    ws: ClientConnection, binaries: int
) -> tuple[list[dict[str, object]], bytes]:
    """Text messages and the first `binaries` binary messages (joined) of a viewer."""
    texts: list[dict[str, object]] = []
    chunks: list[bytes] = []
    while len(chunks) < binaries:
        message = await ws.recv()
        if isinstance(message, str):
            texts.append(json.loads(message))
        else:
            chunks.append(message)
    return texts, b"".join(chunks)


async def test_fragments_parse_and_decode(live_server: LiveServer) -> None:
    async with connect(ws_url(live_server, "cam001", "sub")) as ws:
        texts, media = await read_segments(ws, 31)
    init = next(t for t in texts if t["type"] == "init")
    assert init["codec"] == "h264" and init["width"] == 640 and init["height"] == 352
    assert str(init["mime"]).startswith('video/mp4; codecs="avc1.')
    with av.open(io.BytesIO(media)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f for f in container.decode(stream)]
    assert len(frames) >= 25
    assert frames[-1].to_ndarray(format="gray").std() > 10
    wait_for(lambda: len(live_server.relay.registry) == 0, 5, "the session to leave the registry")
    wait_for(lambda: not live_server.relay.mse_streams, 5, "the shared fragmenter to stop")
