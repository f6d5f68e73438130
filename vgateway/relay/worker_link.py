"""The gateway's end of one relay worker process: start it, feed it, talk to it.

Feeds: while the worker has viewers of a stream, one hub subscription per (worker, stream)
copies its packets into the socket. The subscription is the bounded buffer: when the worker
(or the socket) falls behind, the hub skips that feed to the next keyframe; ingest never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import sys
from collections.abc import Callable

from vgateway.hub import Hub, StreamKey, SubscriptionClosed
from vgateway.media import StreamInfo
from vgateway.relay.settings import RelaySettings
from vgateway.relay.wire import Header, encode, packet_frame, read_frame

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0
WRITE_BUFFER_BYTES = 2**20  # past this a feed waits (and its hub queue, bounded, skips)


class WorkerGone(Exception):
    """The worker process exited before it answered."""


class WorkerLink:
    def __init__(
        self,
        index: int,
        settings: RelaySettings,
        hub: Hub,
        on_message: Callable[[WorkerLink, Header], None],
        on_exit: Callable[[WorkerLink], None],
    ) -> None:
        self.index = index
        self._settings = settings
        self._hub = hub
        self._on_message = on_message
        self._on_exit = on_exit
        self.process: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Header]] = {}
        self._ids = itertools.count(1)
        self._feeds: dict[StreamKey, tuple[int, asyncio.Task[None]]] = {}
        self.alive = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    async def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "vgateway.relay.worker",
                str(theirs.fileno()),
                self._settings.model_dump_json(),
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        reader, self._writer = await asyncio.open_unix_connection(sock=ours, limit=2**20)
        self._writer.transport.set_write_buffer_limits(high=WRITE_BUFFER_BYTES)
        self.alive = True
        self._reader_task = asyncio.create_task(self._read(reader))
        log.info("relay worker %d started (pid %d)", self.index, self.process.pid)

    # -- control ---------------------------------------------------------------------------
    def send(self, header: Header) -> None:
        if self.alive and self._writer is not None:
            self._writer.write(encode(header))

    async def request(self, header: Header) -> Header:
        if not self.alive:
            raise WorkerGone(f"relay worker {self.index} is not running")
        request_id = next(self._ids)
        future: asyncio.Future[Header] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            self.send({**header, "id": request_id})
            return await asyncio.wait_for(future, REQUEST_TIMEOUT_S)
        finally:
            self._pending.pop(request_id, None)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                header, _ = await read_frame(reader)
                if header.get("t") == "reply":
                    future = self._pending.get(int(header["id"]))
                    if future is not None and not future.done():
                        future.set_result(header)
                else:
                    self._on_message(self, header)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:
            log.exception("relay worker %d sent a bad frame", self.index)
        self._gone()

    def _gone(self) -> None:
        if not self.alive:
            return
        self.alive = False
        for future in self._pending.values():
            if not future.done():
                future.set_exception(WorkerGone(f"relay worker {self.index} exited"))
        for _, task in self._feeds.values():
            task.cancel()
        self._feeds.clear()
        if self._writer is not None:
            self._writer.close()
        self._on_exit(self)

    # -- feeds -----------------------------------------------------------------------------
    def acquire(self, key: StreamKey) -> None:
        count, task = self._feeds.get(key, (0, None))
        if task is None:
            task = asyncio.create_task(self._feed(key))
        self._feeds[key] = (count + 1, task)

    def release(self, key: StreamKey) -> None:
        count, task = self._feeds.get(key, (0, None))
        if task is None:
            return
        if count > 1:
            self._feeds[key] = (count - 1, task)
            return
        del self._feeds[key]
        task.cancel()
        self.send({"t": "drop", "c": key.camera_id, "r": key.role})

    async def _feed(self, key: StreamKey) -> None:
        sub = self._hub.subscribe(
            key.camera_id,
            key.role,
            f"relay-worker-{self.index}",
            self._settings.webrtc_queue_packets,
            live=True,  # fed to WebRTC viewers in a relay worker process
        )
        last_info: StreamInfo | None = None
        try:
            while self._writer is not None and self.alive:
                packet = await sub.get()
                self._writer.write(packet_frame(key, packet, packet.info is not last_info))
                last_info = packet.info
                await self._writer.drain()
        except (SubscriptionClosed, ConnectionError):
            pass
        finally:
            sub.close()

    def feeding(self) -> list[StreamKey]:
        return list(self._feeds)

    # -- shutdown --------------------------------------------------------------------------
    async def stop(self) -> None:
        """Close the socket (the worker exits on its end of stream); kill it if it lingers."""
        writer, process = self._writer, self.process
        self._on_exit = lambda _link: None
        self._gone()
        if writer is not None:
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        if self._reader_task is not None:
            self._reader_task.cancel()
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                process.kill()
                await process.wait()
