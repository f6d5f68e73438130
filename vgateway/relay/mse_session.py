"""One WebSocket viewer of the fMP4 fallback: the message protocol the browser page speaks.

Text JSON: {"type": "init", mime, codec, width, height} before each init segment (preceded
by {"type": "reset"} when the stream's parameters changed: re-create the SourceBuffer),
{"type": "waiting"} while the camera has no picture, {"type": "stats", ...} now and then,
{"type": "error", "error": "codec_not_supported", "codec": ...} before closing with 4415.
Binary: the init segment, then one moof+mdat box sequence per frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from vgateway.hub import StreamKey
from vgateway.relay.fmp4 import Fragment, InitSegment
from vgateway.relay.mse import MseStream, MseViewer, StreamEnded
from vgateway.relay.sessions import SessionStats, Transport

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED_CODEC = 4415
CLOSE_NOT_FOUND = 4404


class MseSession:
    transport: Transport = "mse"

    def __init__(
        self,
        session_id: str,
        key: StreamKey,
        websocket: WebSocket,
        stream: MseStream,
        viewer: MseViewer,
        stats_interval_s: float,
        on_closed: Callable[[MseSession], None],
    ) -> None:
        self.id = session_id
        self.key = key
        self.started_at = time.time()
        self.stats = SessionStats()
        self._ws = websocket
        self._stream = stream
        self._viewer = viewer
        self._stats_interval = stats_interval_s
        self._on_closed = on_closed
        self._state = "waiting"
        self._close_code = CLOSE_NORMAL
        self._stop = asyncio.Event()
        self._done = asyncio.Event()

    @property
    def state(self) -> str:
        return self._state

    async def run(self, waiting: bool) -> None:
        """Serve until the browser leaves, the stream ends or `close()` is called."""
        try:
            if waiting:
                await self._ws.send_json({"type": "waiting"})
            self._stream.attach(self._viewer)
            tasks = {
                asyncio.create_task(self._send_loop()),
                asyncio.create_task(self._receive_loop()),
                asyncio.create_task(self._stop.wait()),
            }
            try:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass  # the browser went away while we were writing to it
        finally:
            self._stream.detach(self._viewer)
            self._state = "closed"
            self._on_closed(self)
            if self._ws.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await self._ws.close(self._close_code)
            self._done.set()

    async def close(self) -> None:
        if self._close_code == CLOSE_NORMAL:
            self._close_code = CLOSE_GOING_AWAY
        self._stop.set()
        await self._done.wait()

    async def _receive_loop(self) -> None:
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                return

    async def _send_loop(self) -> None:
        ws, stats = self._ws, self.stats
        started = False
        last_stats = time.monotonic()
        while True:
            item = await self._viewer.get()
            if isinstance(item, StreamEnded):
                await self._end(item)
                return
            if isinstance(item, InitSegment):
                if started:
                    await ws.send_json({"type": "reset"})
                await ws.send_json(
                    {
                        "type": "init",
                        "mime": item.mime,
                        "codec": "h264",
                        "width": item.width,
                        "height": item.height,
                    }
                )
                await ws.send_bytes(item.data)
                stats.sent(len(item.data), 0)
                started, self._state = True, "playing"
            elif started and isinstance(item, Fragment):
                await ws.send_bytes(item.data)
                stats.sent(len(item.data))
            stats.skips = self._viewer.skips
            now = time.monotonic()
            if now - last_stats >= self._stats_interval:
                last_stats = now
                await ws.send_json({"type": "stats", **self.stats_message()})

    async def _end(self, ended: StreamEnded) -> None:
        if ended.codec is not None:
            await self._ws.send_json(
                {
                    "type": "error",
                    "error": "codec_not_supported",
                    "codec": ended.codec,
                    "detail": f"the camera sends {ended.codec}, which browsers cannot play",
                }
            )
            self._close_code = CLOSE_UNSUPPORTED_CODEC
        else:
            self._close_code = CLOSE_GOING_AWAY

    def stats_message(self) -> dict[str, object]:
        return {
            "session_id": self.id,
            "transport": self.transport,
            "bytes_sent": self.stats.bytes_sent,
            "packets_sent": self.stats.packets_sent,
            "skips": self.stats.skips,
            "bitrate_bps": round(self.stats.bitrate_bps),
            "fps": round(self.stats.fps, 1),
            "viewers": len(self._stream.viewers),
        }
