"""The event service: takes messages from analytics threads, publishes them on the bus, stores
what the bus delivers, then pushes it to live listeners. Also measures publish latency."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from concurrent.futures import Future

from vgateway.events.bus import EventBus
from vgateway.events.live import LiveFeed
from vgateway.events.model import Event, EventMessage
from vgateway.events.store import EventQuery, EventStore

log = logging.getLogger(__name__)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class EventService:
    def __init__(self, store: EventStore, bus: EventBus, loop: asyncio.AbstractEventLoop) -> None:
        self.store = store
        self.bus = bus
        self.live = LiveFeed()
        self._loop = loop
        # (published at, seconds from frame capture to published), event starts only
        self._latencies: deque[tuple[float, float]] = deque(maxlen=5000)
        self._lock = threading.Lock()
        self.published = 0
        self.publish_errors = 0

    async def start(self) -> None:
        await self.bus.start(self._deliver)

    async def stop(self) -> None:
        await self.bus.stop()

    # -- producers ----------------------------------------------------------------------------
    def emit(self, message: EventMessage) -> Future[None]:
        """Publish from any thread (analytics workers); returns at once."""
        return asyncio.run_coroutine_threadsafe(self.publish(message), self._loop)

    async def publish(self, message: EventMessage) -> None:
        event = message.event
        if message.kind == "start":
            event = event.model_copy(update={"published_at": time.time()})
            message = EventMessage(message.kind, event, message.snapshot)
        try:
            await self.bus.publish(message)
        except Exception:
            self.publish_errors += 1
            log.exception("could not publish event %s (%s)", event.id, message.kind)
            return
        self.published += 1
        if message.kind == "start":
            now = time.time()
            with self._lock:
                self._latencies.append((now, now - event.captured_at))

    # -- the durable consumer -----------------------------------------------------------------
    async def _deliver(self, message: EventMessage) -> None:
        stored = await asyncio.to_thread(self.store.save, message)
        self.live.publish(EventMessage(message.kind, stored))

    # -- API side -----------------------------------------------------------------------------
    async def query(self, query: EventQuery) -> list[Event]:
        return await asyncio.to_thread(self.store.query, query)

    async def get(self, event_id: str) -> Event | None:
        return await asyncio.to_thread(self.store.get, event_id)

    async def snapshot(self, event_id: str) -> bytes | None:
        return await asyncio.to_thread(self.store.snapshot, event_id)

    async def ack(self, event_id: str, user: str) -> Event | None:
        before = await self.get(event_id)
        event = await asyncio.to_thread(self.store.ack, event_id, user)
        if event is not None and before is not None and before.acked_by is None:
            self.live.publish(EventMessage("ack", event))
        return event

    def latency(self, since: float | None = None) -> dict[str, float | int | None]:
        """Capture-to-publish latency of event starts, seconds (those published after `since`)."""
        with self._lock:
            values = [v for at, v in self._latencies if since is None or at >= since]
        return {"count": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95)}
