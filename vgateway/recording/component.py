"""Plugs recording into the app: `RecordingService` on `app.state.recording`, and the routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from vgateway.api.services import ComponentHealth, Services
from vgateway.recording import metrics, routes  # modules, not the lazy names
from vgateway.recording.service import RecordingService
from vgateway.recording.settings import RecordingSettings


class RecordingComponent:
    name = "recording"

    def __init__(
        self, base_dir: Path | None = None, settings: RecordingSettings | None = None
    ) -> None:
        """`base_dir` anchors a relative gateway.data_dir (create_app's base). Settings come
        from, in order: this argument, `app.state.recording_settings` (set by tests and
        benches before start), the config's `recording` section once it exists, the defaults."""
        self._base = base_dir
        self._settings = settings
        self.service: RecordingService | None = None

    def routers(self) -> list[APIRouter]:
        return [routes.router, metrics.router]

    async def start(self, app: FastAPI, services: Services) -> None:
        config = services.config
        settings = (
            self._settings
            or getattr(app.state, "recording_settings", None)
            or getattr(config, "recording", None)
            or RecordingSettings()
        )
        data_dir = Path(config.gateway.data_dir)
        if not data_dir.is_absolute():
            data_dir = (self._base or Path.cwd()) / data_dir
        self.service = RecordingService(config, services.engine, services.hub, settings, data_dir)
        app.state.recording = self.service
        await self.service.start()
        services.collectors.append(metrics.RecordingCollector(self.service))
        services.health_checks["recording"] = self._health

    def _health(self) -> ComponentHealth:
        last = self.service.last if self.service is not None else None
        if last is None:
            return ComponentHealth("ok")
        return ComponentHealth(last.disk.level, list(last.disk.warnings))

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
            self.service = None
