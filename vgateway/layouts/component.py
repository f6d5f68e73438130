"""Plugs saved layouts into the app: the router and the store on `app.state.layouts`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from vgateway.api.services import Services
from vgateway.layouts.router import router
from vgateway.layouts.store import LayoutStore


class LayoutsComponent:
    name = "layouts"

    def routers(self) -> list[APIRouter]:
        return [router]

    async def start(self, app: FastAPI, services: Services) -> None:
        app.state.layouts = LayoutStore(services.engine)

    async def stop(self) -> None:
        """The store holds no resources of its own (the engine belongs to the app)."""
