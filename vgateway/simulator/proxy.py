"""TCP proxy in front of the GStreamer RTSP server that injects per-camera faults.

Each client connection is tied to a camera by the URL of its first request with a path
(``/cam001/main`` -> ``cam001``). Server->client data is split into RTSP messages and interleaved
frames so faults act on whole units. With RTP over UDP only the control channel passes here:
stall, garble and truncate then leave the media alone (down and garbage still end the camera's
sessions, in the server). UDP media goes to the proxy's address, so UDP suits local clients only.
Backpressure: a side whose peer's write buffer is full stops reading until it drains.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Callable
from typing import cast

from vgateway.simulator.faults import FaultBoard, FaultMode
from vgateway.simulator.framing import Framer, Unit, garble, truncate

log = logging.getLogger(__name__)

WRITE_HIGH = 512 * 1024
WRITE_LOW = 128 * 1024
GARBAGE_BYTES = 1024


class _Upstream(asyncio.Protocol):
    """The proxy's connection to the GStreamer server, owned by one ProxyConnection."""

    def __init__(self, owner: ProxyConnection) -> None:
        self._owner = owner

    def data_received(self, data: bytes) -> None:
        self._owner.from_server(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner.close()

    def pause_writing(self) -> None:
        self._owner.pause_client()

    def resume_writing(self) -> None:
        self._owner.resume_client()


class ProxyConnection(asyncio.Protocol):
    """One client connection, relayed to the server with the camera's current fault applied."""

    def __init__(self, board: FaultBoard, upstream: Callable[[], tuple[str, int] | None]) -> None:
        self._board = board
        self._upstream_address = upstream
        self._client: asyncio.Transport | None = None
        self._server: asyncio.Transport | None = None
        self._pending: list[bytes] = []  # client data that arrived before the upstream connected
        self._client_framer = Framer()
        self._server_framer = Framer()
        self._camera: str | None = None
        self._connecting = False
        self._connect_task: asyncio.Task[None] | None = None
        self._closed = False
        self._rng = random.Random()

    # client side
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._client = cast(asyncio.Transport, transport)
        self._client.set_write_buffer_limits(high=WRITE_HIGH, low=WRITE_LOW)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        for unit in self._client_framer.feed(data):
            if self._closed:
                return
            self._from_client(unit)

    def _from_client(self, unit: Unit) -> None:
        if self._camera is None and (path := unit.request_path()) is not None:
            self._bind_camera(path)
            if self._closed:
                return
        mode = self._board.mode(self._camera)
        if mode is FaultMode.HANGUP_DESCRIBE and unit.request_method() == "DESCRIBE":
            self.close()
            return
        if self._server is not None:
            self._server.write(unit.data)
            return
        self._pending.append(unit.data)
        if not self._connecting and self._client is not None:
            self._connecting = True
            self._client.pause_reading()  # until the upstream takes the pending requests
            self._connect_task = asyncio.get_running_loop().create_task(self._connect_upstream())

    def _bind_camera(self, path: str) -> None:
        camera = path.strip("/").split("/", 1)[0]
        if not self._board.knows(camera):
            return  # unknown mount: pass through, the server answers 404
        self._camera = camera
        self._board.attach(camera, self)
        mode = self._board.mode(camera)
        if mode is FaultMode.DOWN:
            self.close()
        elif mode is FaultMode.GARBAGE and self._client is not None:
            self._client.write(_garbage())
            self.close()

    async def _connect_upstream(self) -> None:
        address = self._upstream_address()
        if address is None:  # server stopped: like a camera that refuses connections
            self.close()
            return
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_connection(lambda: _Upstream(self), *address)
        except OSError as exc:
            log.debug("upstream %s:%d unreachable: %s", *address, exc)
            self.close()
            return
        if self._closed:
            transport.close()
            return
        self._server = transport
        self._server.set_write_buffer_limits(high=WRITE_HIGH, low=WRITE_LOW)
        self._server.writelines(self._pending)
        self._pending.clear()
        if self._client is not None:
            self._client.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.close()

    def pause_writing(self) -> None:
        if self._server is not None:
            self._server.pause_reading()

    def resume_writing(self) -> None:
        if self._server is not None:
            self._server.resume_reading()

    # server side
    def from_server(self, data: bytes) -> None:
        units = self._server_framer.feed(data)
        mode = self._board.mode(self._camera)
        if mode is FaultMode.STALL or self._client is None:
            return  # dropped whole units, so the stream resumes cleanly when the stall ends
        if mode is FaultMode.GARBLE:
            units = [garble(unit, self._rng) for unit in units]
        elif mode is FaultMode.TRUNCATE:
            units = [truncate(unit, self._rng) for unit in units]
        self._client.writelines([unit.data for unit in units])

    def pause_client(self) -> None:
        if self._client is not None and not self._closed:
            self._client.pause_reading()

    def resume_client(self) -> None:
        if self._client is not None and not self._closed:
            self._client.resume_reading()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._camera is not None:
            self._board.detach(self._camera, self)
        for transport in (self._client, self._server):
            if transport is not None:
                transport.close()


def _garbage() -> bytes:
    data = bytearray(os.urandom(GARBAGE_BYTES))
    data[0] = 0xFF  # never "RTSP/" nor "$": no client can mistake it for a reply
    return bytes(data)


async def start_proxy(
    sock: socket.socket, board: FaultBoard, upstream: Callable[[], tuple[str, int] | None]
) -> asyncio.Server:
    """Serve the proxy on an already bound, listening socket."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: ProxyConnection(board, upstream), sock=sock)
