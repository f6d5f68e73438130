"""A relay worker process: WebRTC viewers of the streams the gateway feeds it.

Run as `python -m vgateway.relay.worker FD SETTINGS_JSON` by `vgateway.relay.workers`; FD is
its end of a socketpair to the gateway. Packets arrive there (see `wire`) and are published
into a hub of its own, so a viewer here is the same `WebRtcSession` as in the gateway: same
cached-GOP start, same bounded queue and skips. The worker owns each viewer's peer connection
and UDP sockets: media goes from here straight to the browser. It exits when the socket
closes, i.e. when the gateway stops or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import time
from typing import Any

from vgateway.errors import GatewayError
from vgateway.hub import Hub, StreamKey
from vgateway.media import StreamInfo
from vgateway.relay.sessions import SessionRegistry, session_view
from vgateway.relay.settings import RelaySettings
from vgateway.relay.webrtc import WebRtcSession
from vgateway.relay.wire import Header, encode, info_from_wire, packet_from_wire, read_frame

log = logging.getLogger(__name__)


class RelayWorker:
    def __init__(self, settings: RelaySettings, writer: asyncio.StreamWriter) -> None:
        self.settings = settings
        self.hub = Hub()
        self.registry = SessionRegistry()
        self._writer = writer
        self._info: dict[StreamKey, StreamInfo] = {}
        self._epoch: dict[StreamKey, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, header: Header) -> None:
        if not self._writer.is_closing():
            self._writer.write(encode(header))

    def handle(self, header: Header, payload: bytes) -> None:
        kind = header.get("t")
        if kind == "p":
            self._packet(header, payload)
        elif kind == "offer":
            self._spawn(self._offer(header))
        elif kind == "close":
            self._spawn(self._close(str(header["s"])))
        elif kind == "drop":  # the gateway stopped feeding this stream: its GOP goes stale
            key = StreamKey(header["c"], header["r"])
            self._info.pop(key, None)
            self._epoch.pop(key, None)
            stream = self.hub.get(*key)
            if stream is not None and stream.info is not None:
                stream.begin_epoch(stream.info)
        elif kind == "status":
            self.send({"t": "reply", "id": header["id"], **self.status()})

    def status(self) -> Header:
        return {
            "sessions": sorted(s.id for s in self.registry.all()),
            "subscribers": sum(s.subscriber_count for s in self.hub.streams()),
            "cpu_s": time.process_time(),
        }

    def _packet(self, header: Header, payload: bytes) -> None:
        key = StreamKey(header["c"], header["r"])
        stream = self.hub.stream(*key)
        if "i" in header:
            self._info[key] = info_from_wire(header["i"])
        info = self._info.get(key)
        packet = packet_from_wire(header, payload, info)
        if self._epoch.get(key) != packet.epoch and info is not None:
            self._epoch[key] = packet.epoch
            stream.begin_epoch(info)  # clears the GOP of the previous upstream connection
        stream.publish(packet)

    async def _offer(self, header: Header) -> None:
        request_id, session_id = header["id"], str(header["s"])
        key = StreamKey(header["c"], header["r"])
        sub = self.hub.subscribe(
            key.camera_id,
            key.role,
            f"live-webrtc-{session_id}",
            self.settings.webrtc_queue_packets,
            live=True,
        )
        session = WebRtcSession(session_id, key, sub, self.settings, self._closed)
        self.registry.add(session)
        try:
            answer = await session.answer(str(header["sdp"]))
        except GatewayError as exc:
            await session.close()
            self.send(
                {
                    "t": "reply",
                    "id": request_id,
                    "status": exc.status,
                    "code": exc.code,
                    "detail": str(exc),
                }
            )
            return
        self.send({"t": "reply", "id": request_id, "sdp": answer})

    def _closed(self, session: WebRtcSession) -> None:
        self.registry.discard(session)
        self.send({"t": "closed", "s": session.id})

    async def _close(self, session_id: str) -> None:
        session = self.registry.get(session_id)
        if session is None:
            self.send({"t": "closed", "s": session_id})
        else:
            await session.close()

    async def push_stats(self) -> None:
        while True:
            await asyncio.sleep(self.settings.stats_interval_s)
            self.send({"t": "stats", "sessions": [session_view(s) for s in self.registry.all()]})

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        await asyncio.gather(*(s.close() for s in self.registry.all()), return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        self.hub.close()


async def serve(fd: int, settings: RelaySettings) -> None:
    sock = socket.socket(fileno=fd)
    reader, writer = await asyncio.open_unix_connection(sock=sock, limit=2**20)
    worker = RelayWorker(settings, writer)
    stats = asyncio.create_task(worker.push_stats())
    try:
        while True:
            try:
                header, payload = await read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return  # the gateway is gone: so are we
            worker.handle(header, payload)
            if writer.transport.get_write_buffer_size() > 2**20:
                await writer.drain()
    finally:
        stats.cancel()
        await worker.stop()
        with contextlib.suppress(Exception):
            writer.close()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING, format="relay-worker %(levelname)s %(message)s")
    settings = RelaySettings.model_validate_json(argv[1])
    asyncio.run(serve(int(argv[0]), settings))


if __name__ == "__main__":
    main(sys.argv[1:])
