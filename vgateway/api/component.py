"""What a feature package plugs into the app: routers now, services started in the lifespan.

Each feature (relay, recording, analytics...) provides one Component. `create_app` lists them;
that list is the only place features are wired. A component keeps its own service object and
exposes it to its routes through `app.state.<name>` and a typed getter of its own.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import APIRouter, FastAPI

from vgateway.api.services import Services


class Component(Protocol):
    name: str

    def routers(self) -> list[APIRouter]:
        """Routers to include; called once in create_app, before anything runs."""
        ...

    async def start(self, app: FastAPI, services: Services) -> None:
        """Create and start the feature's services (store them on app.state)."""
        ...

    async def stop(self) -> None:
        """Stop them; called in reverse order at shutdown, also after a failed start."""
        ...
