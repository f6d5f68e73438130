"""Live fan-out of stored event changes to SSE listeners, each with a small bounded queue."""

from __future__ import annotations

import asyncio
import contextlib

from vgateway.events.model import EventMessage


class LiveFeed:
    """A listener that falls behind loses its oldest messages, never the gateway's memory."""

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._listeners: set[asyncio.Queue[EventMessage]] = set()
        self.dropped = 0

    def subscribe(self) -> asyncio.Queue[EventMessage]:
        queue: asyncio.Queue[EventMessage] = asyncio.Queue(self._maxsize)
        self._listeners.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[EventMessage]) -> None:
        self._listeners.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    def publish(self, message: EventMessage) -> None:
        """Call on the event loop."""
        for queue in self._listeners:
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                    self.dropped += 1
            queue.put_nowait(message)
