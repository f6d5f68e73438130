"""The event bus: publishers hand messages over; one durable consumer (the store) takes them.

`InProcessBus` is the default: a bounded in-memory queue and a task that feeds the consumer.
`RedisStreamBus` (`redis_bus`) keeps messages in a Redis stream with a consumer group, so a
message not yet acknowledged when the gateway stops is delivered again after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from vgateway.events.model import EventMessage

log = logging.getLogger(__name__)

Handler = Callable[[EventMessage], Awaitable[None]]


class EventBus(Protocol):
    async def start(self, handler: Handler) -> None:
        """Start delivering messages to `handler` (the durable consumer)."""
        ...

    async def publish(self, message: EventMessage) -> None: ...

    async def stop(self) -> None: ...


class InProcessBus:
    """Messages live only in this process; order is kept, nothing survives a restart."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self._queue: asyncio.Queue[EventMessage] = asyncio.Queue(maxsize)
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self.failed = 0

    async def start(self, handler: Handler) -> None:
        self._task = asyncio.create_task(self._run(handler), name="events-inprocess-bus")

    async def publish(self, message: EventMessage) -> None:
        await self._queue.put(message)

    async def _run(self, handler: Handler) -> None:
        while True:
            message = await self._queue.get()
            try:
                await handler(message)
                self.delivered += 1
            except Exception:
                self.failed += 1
                log.exception("event %s (%s) was not handled", message.event.id, message.kind)
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Wait until every published message has been handled (tests, shutdown)."""
        await self._queue.join()

    async def stop(self) -> None:
        if self._task is None:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout=5)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
