"""Plugs tickets into the app: `TicketService` on `app.state.tickets`, the 12345 link on
`app.state.hotline`, the detection linker on the events feed, and the routes."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, FastAPI
from sqlalchemy import Connection

from vgateway.api.services import Services
from vgateway.tickets import routes
from vgateway.tickets.detections import DetectionTicketer
from vgateway.tickets.footage import TicketFootage
from vgateway.tickets.hotline import inbound, status_routes
from vgateway.tickets.hotline.idempotency import IdempotencyStore
from vgateway.tickets.hotline.link import ACTOR, HotlineLink
from vgateway.tickets.hotline.outbox import Outbox
from vgateway.tickets.hotline.sender import HotlineSender
from vgateway.tickets.model import Ticket
from vgateway.tickets.service import TicketService
from vgateway.tickets.settings import TicketSettings
from vgateway.tickets.store import TicketStore

log = logging.getLogger(__name__)
DAY_S = 86400.0


def settings_for(app: FastAPI, config: object, given: TicketSettings | None) -> TicketSettings:
    """First found: the constructor's, `app.state.tickets_settings` (tests), the config's
    `tickets` section once the config model has one, the defaults."""
    found = (
        given or getattr(app.state, "tickets_settings", None) or getattr(config, "tickets", None)
    )
    return found if isinstance(found, TicketSettings) else TicketSettings()


class TicketsComponent:
    name = "tickets"

    def __init__(self, settings: TicketSettings | None = None) -> None:
        self._settings = settings
        self.service: TicketService | None = None
        self.link: HotlineLink | None = None
        self.ticketer: DetectionTicketer | None = None

    def routers(self) -> list[APIRouter]:
        return [routes.router, inbound.router, status_routes.router]

    async def start(self, app: FastAPI, services: Services) -> None:
        settings = settings_for(app, services.config, self._settings)
        engine = services.engine
        outbox = Outbox(engine)
        hotline = settings.hotline
        sending = bool(hotline.outbound_url and hotline.outbound_secret)

        def on_change(conn: Connection, kind: str, ticket: Ticket, actor: str) -> None:
            if sending and actor != ACTOR:  # the platform knows about its own changes
                outbox.enqueue(conn, kind, ticket, actor)

        store = TicketStore(
            engine, prefix=settings.number_prefix, timezone=settings.timezone, on_change=on_change
        )
        recording = getattr(app.state, "recording", None)
        footage = TicketFootage(store, recording, settings.hold_after_close_days)
        service = TicketService(services.config, store, footage, settings)
        self.service = service
        app.state.tickets = service
        requests = IdempotencyStore(engine, hotline.idempotency_days * DAY_S)
        self.link = HotlineLink(hotline, outbox, requests)
        app.state.hotline = self.link
        settled = await asyncio.to_thread(footage.reconcile)
        if settled:
            log.info("tickets: settled %d clips left pending by the last run", settled)
        if sending:
            self.link.sender = HotlineSender(outbox, hotline)
            service.notify = self.link.sender.wake
            await self.link.sender.start()
        events = getattr(app.state, "events", None)
        if events is not None:
            self.ticketer = DetectionTicketer(service)
            await self.ticketer.start(events.live)
        else:
            log.warning("tickets: no events feature, detections make no tickets")

    async def stop(self) -> None:
        if self.ticketer is not None:
            await self.ticketer.stop()
        if self.link is not None and self.link.sender is not None:
            await self.link.sender.stop()
        if self.service is not None:
            await self.service.footage.stop()
