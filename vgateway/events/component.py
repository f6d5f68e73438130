"""Plugs events into the app: store, bus (Redis Streams when `redis_url` is set), service on
`app.state.events`, and the routes."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, FastAPI

from vgateway.api.services import Services
from vgateway.events.bus import EventBus, InProcessBus
from vgateway.events.redis_bus import RedisStreamBus
from vgateway.events.routes import router
from vgateway.events.service import EventService
from vgateway.events.store import EventStore
from vgateway.redact import redact_url

log = logging.getLogger(__name__)


class EventsComponent:
    name = "events"

    def __init__(self, *, redis_prefix: str = "vgateway:") -> None:
        self._redis_prefix = redis_prefix
        self._service: EventService | None = None

    def routers(self) -> list[APIRouter]:
        return [router]

    async def start(self, app: FastAPI, services: Services) -> None:
        url = services.config.gateway.redis_url
        bus: EventBus
        if url:
            bus = RedisStreamBus(url, prefix=self._redis_prefix)
            log.info("event bus: Redis stream at %s", redact_url(url))
        else:
            bus = InProcessBus()
        self._service = EventService(EventStore(services.engine), bus, asyncio.get_running_loop())
        await self._service.start()
        app.state.events = self._service

    async def stop(self) -> None:
        if self._service is not None:
            await self._service.stop()
            self._service = None
