"""Delivers outbox rows to the platform: signed POSTs, exponential backoff, one task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable

import httpx

from vgateway.redact import redact_text, redact_url
from vgateway.tickets.hotline.outbox import Outbox, OutboxRow
from vgateway.tickets.hotline.settings import HotlineSettings
from vgateway.tickets.hotline.signing import EVENT_HEADER, signed_headers

log = logging.getLogger(__name__)


def backoff_s(attempts: int, initial: float, cap: float) -> float:
    """Delay before retry number `attempts` (1-based): initial * 2^(n-1), capped, ±20 %."""
    base = min(cap, initial * 2 ** max(0, attempts - 1))
    return float(base * random.uniform(0.8, 1.2))


class HotlineSender:
    def __init__(
        self,
        outbox: Outbox,
        settings: HotlineSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not settings.outbound_url or settings.outbound_secret is None:
            raise ValueError("hotline sender needs outbound_url and outbound_secret")
        self.outbox = outbox
        self.settings = settings
        self.url = settings.outbound_url
        self._secret = settings.outbound_secret.get_secret_value()
        self.clock = clock
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self.sent = 0
        self.failures = 0

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._client = httpx.AsyncClient(timeout=self.settings.timeout_s)
        self._task = asyncio.create_task(self._run(), name="hotline-sender")
        log.info("12345 outbox: delivering to %s", redact_url(self.url))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def wake(self) -> None:
        """Something was enqueued: deliver now rather than at the next poll (any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        while True:
            try:
                while await self.deliver_due():
                    pass
            except Exception:
                log.exception("12345 outbox: delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval_s)
            self._wake.clear()

    async def deliver_due(self) -> int:
        """Try every due row once; returns how many were delivered."""
        rows = await asyncio.to_thread(self.outbox.claim_due)
        delivered = 0
        for row in rows:
            delivered += await self._send(row)
        return delivered

    async def _send(self, row: OutboxRow) -> int:
        assert self._client is not None
        body = row.body.encode("utf-8")
        headers = signed_headers(self._secret, body, self.clock(), row.idempotency_key)
        headers[EVENT_HEADER] = row.kind
        headers["Content-Type"] = "application/json; charset=utf-8"
        status: int | None = None
        try:
            response = await self._client.post(self.url, content=body, headers=headers)
            status = response.status_code
            if 200 <= status < 300:
                await asyncio.to_thread(self.outbox.delivered, row.id, status)
                self.sent += 1
                return 1
            error = f"HTTP {status}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.failures += 1
        attempts = row.attempts + 1
        now = self.clock()
        dead = now - row.created_at > self.settings.give_up_after_s
        retry_at = now + backoff_s(
            attempts, self.settings.backoff_initial_s, self.settings.backoff_max_s
        )
        if attempts == 1 or dead:
            log.warning(
                "12345 outbox: %s of ticket %s not delivered (%s)%s",
                row.kind,
                row.ticket_id,
                redact_text(error),
                "; giving up" if dead else "; will retry",
            )
        await asyncio.to_thread(self.outbox.failed, row, redact_text(error), status, retry_at, dead)
        return 0
