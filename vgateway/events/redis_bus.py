"""Event bus on a Redis stream: XADD to publish, a consumer group to consume.

The consumer reads with XREADGROUP and acknowledges with XACK only after its handler succeeded.
On start it first re-reads its own pending entries (delivered before a crash or restart, never
acknowledged), and it periodically claims entries left pending by other consumers that died
(XAUTOCLAIM), so no event is lost between detection and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from vgateway.events.bus import Handler
from vgateway.events.model import EventMessage
from vgateway.redact import redact_url

log = logging.getLogger(__name__)


class RedisStreamBus:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "vgateway:",
        group: str = "store",
        consumer: str | None = None,
        maxlen: int = 100_000,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
    ) -> None:
        self.stream = f"{prefix}events"
        self.group = group
        # Stable across restarts of the same host, so its own pending entries come back to it.
        self.consumer = consumer or f"gateway-{socket.gethostname()}"
        self._url = url
        self._maxlen = maxlen
        self._block_ms = block_ms
        self._claim_idle_ms = claim_idle_ms
        self._client: Any = aioredis.from_url(url)
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self.failed = 0

    async def start(self, handler: Handler) -> None:
        try:
            await self._client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._task = asyncio.create_task(self._run(handler), name="events-redis-bus")

    async def publish(self, message: EventMessage) -> None:
        await self._client.xadd(
            self.stream, message.to_fields(), maxlen=self._maxlen, approximate=True
        )

    async def _handle(self, handler: Handler, entry_id: bytes, fields: dict[bytes, bytes]) -> bool:
        try:
            message = EventMessage.from_fields(fields)
        except Exception as exc:  # a malformed entry would be re-delivered forever: drop it
            log.error("dropping malformed event entry %s: %s", entry_id.decode(), exc)
            await self._client.xack(self.stream, self.group, entry_id)
            return True
        try:
            await handler(message)
        except Exception:
            self.failed += 1
            log.exception("event %s not handled; it stays pending", message.event.id)
            return False
        await self._client.xack(self.stream, self.group, entry_id)
        self.delivered += 1
        return True

    async def _batch(self, handler: Handler, entries: list[Any]) -> bool:
        for entry_id, fields in entries:
            if fields is None:  # deleted from the stream while pending (trimmed)
                await self._client.xack(self.stream, self.group, entry_id)
                continue
            if not await self._handle(handler, entry_id, fields):
                return False
        return True

    async def _pending_of_mine(self, handler: Handler) -> bool:
        while True:
            reply = await self._client.xreadgroup(
                self.group, self.consumer, {self.stream: "0"}, count=100
            )
            entries = reply[0][1] if reply else []
            if not entries:
                return True
            if not await self._batch(handler, entries):
                return False

    async def _claim_abandoned(self, handler: Handler) -> None:
        reply = await self._client.xautoclaim(
            self.stream, self.group, self.consumer, self._claim_idle_ms, "0-0", count=100
        )
        await self._batch(handler, reply[1])

    async def _run(self, handler: Handler) -> None:
        loop = asyncio.get_running_loop()
        next_claim = 0.0
        while True:
            try:
                if not await self._pending_of_mine(handler):
                    await asyncio.sleep(1.0)
                    continue
                if loop.time() >= next_claim:
                    await self._claim_abandoned(handler)
                    next_claim = loop.time() + self._claim_idle_ms / 2000
                reply = await self._client.xreadgroup(
                    self.group,
                    self.consumer,
                    {self.stream: ">"},
                    count=100,
                    block=self._block_ms,
                )
                for _stream, entries in reply or []:
                    if not await self._batch(handler, entries):
                        break
            except asyncio.CancelledError:
                raise
            except RedisError as exc:
                log.warning("redis event bus at %s: %s; retrying", redact_url(self._url), exc)
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._client.aclose()
