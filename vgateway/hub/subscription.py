"""A bounded, thread-safe queue of packets for one consumer.

The producer is an ingest thread and must never block: when the queue is full the consumer is
too slow, so its backlog is dropped and it resumes at the next keyframe (a decoder cannot start
mid-GOP). Consumers read either from asyncio (`await get()`) or from a thread (`get_blocking()`,
or `take()` to poll everything queued at once).

`offer` runs for every packet of every subscribed stream, so it signals only consumers that are
actually asleep: the analytics and recording threads poll, and a condition notify with nobody
waiting still costs several Python calls per packet.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable

from vgateway.media import MediaPacket


class SubscriptionClosed(Exception):
    """The subscription was closed (by its consumer, or because the stream went away)."""


class Subscription:
    def __init__(
        self,
        name: str,
        maxlen: int,
        on_close: Callable[[Subscription], None],
        *,
        live: bool = False,
    ) -> None:
        if maxlen < 2:
            raise ValueError("a subscription needs room for at least two packets")
        self.name = name
        self.maxlen = maxlen
        self.live = live  # a person watches what this consumer makes of the packets
        self.dropped = 0  # packets discarded because this consumer fell behind
        self.skips = 0  # times this consumer was skipped forward to a keyframe
        self._queue: deque[MediaPacket] = deque()
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._sleepers = 0  # threads waiting in get_blocking
        self._waiter: asyncio.Future[None] | None = None
        self._waiter_loop: asyncio.AbstractEventLoop | None = None
        self._skipping = False
        self._closed = False
        self._on_close = on_close

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        return len(self._queue)

    # -- producer side (ingest thread) -------------------------------------------------------
    def offer(self, packet: MediaPacket) -> None:
        """Queue a packet without ever blocking; called by the stream's publisher."""
        with self._lock:
            if self._closed:
                return
            if self._skipping:
                if not packet.keyframe:
                    self.dropped += 1
                    return
                self._skipping = False
            if len(self._queue) >= self.maxlen:
                self.dropped += len(self._queue)
                self._queue.clear()
                self.skips += 1
                if not packet.keyframe:
                    self.dropped += 1
                    self._skipping = True
                    return
            self._queue.append(packet)
            self._wake()

    def preload(self, packets: list[MediaPacket]) -> None:
        """Start the consumer at the cached GOP so its first picture needs no wait."""
        with self._lock:
            self._queue.extend(packets[-self.maxlen :])
            self._wake()

    def _wake(self) -> None:
        # Called with the lock held.
        if self._sleepers:
            self._ready.notify()
        waiter, loop = self._waiter, self._waiter_loop
        if waiter is not None and loop is not None:
            self._waiter = None
            loop.call_soon_threadsafe(_resolve, waiter)

    # -- consumer side -----------------------------------------------------------------------
    async def get(self) -> MediaPacket:
        """Next packet; raises SubscriptionClosed once closed and drained."""
        while True:
            with self._lock:
                if self._queue:
                    return self._queue.popleft()
                if self._closed:
                    raise SubscriptionClosed(self.name)
                loop = asyncio.get_running_loop()
                waiter: asyncio.Future[None] = loop.create_future()
                self._waiter, self._waiter_loop = waiter, loop
            try:
                await waiter
            finally:
                with self._lock:
                    if self._waiter is waiter:
                        self._waiter = None

    def get_blocking(self, timeout: float | None = None) -> MediaPacket | None:
        """Next packet from a thread; None on timeout; raises SubscriptionClosed when closed."""
        with self._lock:
            if not self._queue and not self._closed and timeout != 0:
                self._sleepers += 1
                try:
                    self._ready.wait(timeout)
                finally:
                    self._sleepers -= 1
            if self._queue:
                return self._queue.popleft()
            if self._closed:
                raise SubscriptionClosed(self.name)
            return None

    def take(self, limit: int) -> list[MediaPacket]:
        """Up to `limit` queued packets, oldest first, without waiting (empty when none);
        raises SubscriptionClosed once closed and drained."""
        with self._lock:
            queue = self._queue
            if not queue and self._closed:
                raise SubscriptionClosed(self.name)
            if len(queue) <= limit:
                packets = list(queue)
                queue.clear()
                return packets
            return [queue.popleft() for _ in range(limit)]

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> MediaPacket:
        try:
            return await self.get()
        except SubscriptionClosed:
            raise StopAsyncIteration from None

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.clear()
            self._wake()
        self._on_close(self)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
