"""Relay worker processes: WebRTC viewers spread over several cores, one upstream pull each.

With `RelaySettings.workers` > 0 the gateway keeps ingest, the hub and the WebSocket fallback
(its shared fragmenter costs little per viewer) and hands each WHEP session to the least-loaded
worker: the offer goes over the worker's socket, the worker answers and owns the peer
connection. A `RemoteSession` stands for it in the gateway's registry, so DELETE, access
revocation and /api/live/stats work as for an in-process viewer. A worker that dies is
restarted; its viewers end (players reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from vgateway.errors import GatewayError, Unavailable
from vgateway.hub import Hub, StreamKey
from vgateway.relay.sessions import SessionRegistry, SessionStats, Transport
from vgateway.relay.settings import RelaySettings
from vgateway.relay.wire import Header
from vgateway.relay.worker_link import WorkerGone, WorkerLink

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 5.0
_STAT_FIELDS = (
    "bytes_sent",
    "packets_sent",
    "skips",
    "bitrate_bps",
    "fps",
    "rtt_ms",
    "packets_lost",
)


class WorkerRefused(GatewayError):
    """The worker could not answer the offer (its error, passed through)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code


class RemoteSession:
    """A WebRTC viewer living in a worker, as the gateway's registry sees it."""

    transport: Transport = "webrtc"

    def __init__(
        self,
        session_id: str,
        key: StreamKey,
        link: WorkerLink,
        on_closed: Callable[[RemoteSession], None],
    ) -> None:
        self.id = session_id
        self.key = key
        self.link = link
        self.started_at = time.time()
        self.stats = SessionStats()
        self.state = "new"
        self._on_closed = on_closed
        self._done = asyncio.get_running_loop().create_future()

    @property
    def worker(self) -> int:
        return self.link.index

    def update(self, view: Header) -> None:
        self.state = str(view.get("state", self.state))
        for name in _STAT_FIELDS:
            if name in view:
                setattr(self.stats, name, view[name])

    def ended(self) -> None:
        """The worker says it is gone (or the worker itself is)."""
        if not self._done.done():
            self._done.set_result(None)
            self.state = "closed"
            self._on_closed(self)

    async def close(self) -> None:
        if not self._done.done():
            self.link.send({"t": "close", "s": self.id})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._done), CLOSE_TIMEOUT_S)
        self.ended()


class WorkerPool:
    def __init__(
        self, count: int, settings: RelaySettings, hub: Hub, registry: SessionRegistry
    ) -> None:
        self._settings = settings
        self._hub = hub
        self._registry = registry
        self._stopping = False
        self._sessions: dict[str, RemoteSession] = {}
        self.restarts = 0
        self.links = [
            WorkerLink(i, settings, hub, self._message, self._exited) for i in range(count)
        ]
        self._restarting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await asyncio.gather(*(link.start() for link in self.links))

    def _least_loaded(self) -> WorkerLink:
        load = {link.index: 0 for link in self.links if link.alive}
        if not load:
            raise Unavailable("no relay worker is running")
        for session in self._sessions.values():
            if session.worker in load:
                load[session.worker] += 1
        return self.links[min(load, key=lambda i: (load[i], i))]

    async def open(
        self, session_id: str, key: StreamKey, offer_sdp: str, ready: Callable[[], Awaitable[None]]
    ) -> str:
        """Feed the stream to a worker, wait until `ready()` passes, then have the worker
        answer the offer. The session is registered once answered."""
        link = self._least_loaded()
        session = RemoteSession(session_id, key, link, self._ended)
        self._sessions[session_id] = session
        link.acquire(key)
        try:
            await ready()
            reply = await link.request(
                {"t": "offer", "s": session_id, "c": key.camera_id, "r": key.role, "sdp": offer_sdp}
            )
        except WorkerGone as exc:
            self._ended(session)
            raise Unavailable(str(exc)) from None
        except BaseException:
            self._ended(session)
            raise
        if "sdp" not in reply:
            self._ended(session)
            raise WorkerRefused(int(reply["status"]), str(reply["code"]), str(reply["detail"]))
        if session.id not in self._sessions:  # closed (worker died) while answering
            raise Unavailable("the relay worker ended the session")
        self._registry.add(session)
        return str(reply["sdp"])

    def _ended(self, session: RemoteSession) -> None:
        if self._sessions.pop(session.id, None) is session:
            session.link.release(session.key)
            self._registry.discard(session)
            session.ended()

    def _message(self, link: WorkerLink, header: Header) -> None:
        kind = header.get("t")
        if kind == "closed":
            session = self._sessions.get(str(header["s"]))
            if session is not None:
                session.ended()
        elif kind == "stats":
            for view in header["sessions"]:
                session = self._sessions.get(str(view["session_id"]))
                if session is not None:
                    session.update(view)

    def _exited(self, link: WorkerLink) -> None:
        for session in [s for s in self._sessions.values() if s.link is link]:
            session.ended()
        if self._stopping:
            return
        log.warning("relay worker %d exited: its viewers ended, restarting it", link.index)
        self.restarts += 1
        fresh = WorkerLink(link.index, self._settings, self._hub, self._message, self._exited)
        self.links[link.index] = fresh
        task = asyncio.get_running_loop().create_task(self._restart(fresh))
        self._restarting.add(task)
        task.add_done_callback(self._restarting.discard)

    async def _restart(self, link: WorkerLink) -> None:
        try:
            await link.start()
        except Exception:
            log.exception("relay worker %d could not be restarted", link.index)

    async def status(self) -> list[Header]:
        """Each worker's own view: pid, sessions it holds, CPU seconds it used."""
        views: list[Header] = []
        for link in self.links:
            view: Header = {
                "worker": link.index,
                "pid": link.pid,
                "alive": link.alive,
                "feeds": [str(k) for k in link.feeding()],
            }
            with contextlib.suppress(WorkerGone, TimeoutError):
                reply = await link.request({"t": "status"})
                view.update({k: v for k, v in reply.items() if k not in ("t", "id")})
            views.append(view)
        return views

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._restarting):
            with contextlib.suppress(Exception):
                await task
        await asyncio.gather(*(link.stop() for link in self.links), return_exceptions=True)
