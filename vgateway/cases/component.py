"""Plugs cases and playback into the app: `CaseService` on `app.state.cases`, the routes.
Starts after tickets (it groups them) and tells the ticket service which tickets a case holds,
so investigators see the tickets of their cases."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, FastAPI

from vgateway.api.services import Services
from vgateway.cases import evidence_routes, playback, routes
from vgateway.cases.export import ExportJobs
from vgateway.cases.service import CaseService
from vgateway.cases.store import CaseStore
from vgateway.tickets import TicketService


class CasesComponent:
    name = "cases"

    def __init__(self, base_dir: Path | None = None) -> None:
        self._base = base_dir or Path.cwd()
        self.service: CaseService | None = None

    def routers(self) -> list[APIRouter]:
        return [routes.router, evidence_routes.router, playback.router]

    async def start(self, app: FastAPI, services: Services) -> None:
        tickets: TicketService = app.state.tickets
        settings = tickets.settings
        data_dir = Path(services.config.gateway.data_dir)
        if not data_dir.is_absolute():
            data_dir = self._base / data_dir
        folder = Path(settings.export_dir)
        exports = ExportJobs(
            folder if folder.is_absolute() else data_dir / folder, settings.export_keep_s
        )
        await asyncio.to_thread(exports.clear_folder)
        store = CaseStore(services.engine, prefix=settings.case_prefix, timezone=settings.timezone)
        self.service = CaseService(
            store, tickets, getattr(app.state, "recording", None), app.state.auth, exports
        )
        tickets.case_tickets = store.tickets_of
        app.state.cases = self.service

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.exports.stop()
