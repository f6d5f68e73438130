"""The relay's place in the app: its routes, its service on `app.state.relay`."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request, WebSocket

from vgateway.api.services import Services
from vgateway.relay.ice import check_pinning_supported
from vgateway.relay.service import LiveRelay
from vgateway.relay.settings import RelaySettings

log = logging.getLogger(__name__)


class RelayComponent:
    """Live video to browsers.

    Settings, first found: the constructor's; `app.state.relay_settings` (set by whoever
    builds the app before it starts: tests, benches); the config's `relay` section once the
    config file has one; defaults.
    """

    name = "relay"

    def __init__(self, settings: RelaySettings | None = None) -> None:
        self._settings = settings
        self._relay: LiveRelay | None = None

    def routers(self) -> list[APIRouter]:
        from vgateway.relay.routes import router

        return [router]

    async def start(self, app: FastAPI, services: Services) -> None:
        settings = (
            self._settings
            or getattr(app.state, "relay_settings", None)
            or getattr(services.config, "relay", None)
            or RelaySettings()
        )
        if settings.ice.host_addresses is not None:
            check_pinning_supported()
        self._relay = LiveRelay(services.hub, services.ingest, settings)
        await self._relay.start()
        app.state.relay = self._relay

    async def stop(self) -> None:
        relay, self._relay = self._relay, None
        if relay is not None:
            await relay.stop()
            log.info("live relay stopped")


def live_relay(request: Request) -> LiveRelay:
    relay: LiveRelay = request.app.state.relay
    return relay


def live_relay_ws(websocket: WebSocket) -> LiveRelay:
    relay: LiveRelay = websocket.app.state.relay
    return relay
