"""Plugs analytics into the app: loads the rules file, starts the service on
`app.state.analytics` (after the events component), serves its stats routes and adds its
collector to the gateway's /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import Future
from pathlib import Path

from fastapi import APIRouter, FastAPI

from vgateway.analytics.loader import load_rules
from vgateway.analytics.routes import AnalyticsCollector, router
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.service import AnalyticsService
from vgateway.api.services import Services
from vgateway.events.service import EventService

log = logging.getLogger(__name__)


class AnalyticsComponent:
    name = "analytics"

    def __init__(
        self,
        base_dir: Path | None = None,
        *,
        rules_path: Path | None = None,
        threads: int = 3,
        inference_threads: int = 1,
        cpu_budget_cores: float | None = None,
    ) -> None:
        """`cpu_budget_cores`: the whole process's CPU, past which detection waits (default:
        70 % of the machine's cores)."""
        self._base_dir = base_dir
        self._rules_path = rules_path
        self._threads = threads
        self._inference_threads = inference_threads
        self._cpu_budget_cores = cpu_budget_cores
        self._service: AnalyticsService | None = None

    def routers(self) -> list[APIRouter]:
        return [router]

    async def start(self, app: FastAPI, services: Services) -> None:
        base = self._base_dir or Path.cwd()
        path = self._rules_path or base / "camera_configs" / "rules.yaml"
        events: EventService | None = getattr(app.state, "events", None)
        if events is None:
            raise RuntimeError("analytics needs the events component listed before it")
        if path.is_file():
            ids = [camera.id for camera in services.config.cameras]
            rules = await asyncio.to_thread(load_rules, path, camera_ids=ids, base_dir=base)
        else:
            log.info("no rules file at %s: analytics off", path)
            rules = RulesFile()
        self._service = AnalyticsService(
            services.config,
            services.hub,
            rules,
            events.emit,
            base_dir=base,
            threads=self._threads,
            inference_threads=self._inference_threads,
            cpu_budget_cores=self._cpu_budget_cores,
        )
        self._service.start()
        app.state.analytics = self._service
        services.collectors.append(AnalyticsCollector(self._service, events))  # for /metrics

    async def stop(self) -> None:
        if self._service is None:
            return
        pending = await asyncio.to_thread(self._service.stop)
        for item in pending:
            if isinstance(item, Future):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.wrap_future(item), timeout=5)
        self._service = None
