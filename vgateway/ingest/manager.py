"""Starts one ingest worker per configured stream: always-on ones at once, others on demand."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from vgateway.config import NetworkConfig, StreamRole
from vgateway.health import CameraState, StateChange, StreamHealth
from vgateway.hub import Hub, StreamKey
from vgateway.ingest.source import SourceOptions
from vgateway.ingest.worker import IngestWorker

log = logging.getLogger(__name__)


class IngestManager:
    def __init__(
        self,
        config: NetworkConfig,
        hub: Hub,
        on_change: Callable[[StateChange], None] | None = None,
    ) -> None:
        self.config = config
        self.hub = hub
        self.health: dict[StreamKey, StreamHealth] = {}
        self._urls: dict[StreamKey, str] = {}
        self._options: dict[StreamKey, SourceOptions] = {}
        self._always_on: set[StreamKey] = set()
        self._workers: dict[StreamKey, IngestWorker] = {}
        self._idle_timers: dict[StreamKey, threading.Timer] = {}
        self._lock = threading.Lock()
        self._stopping = False
        settings = config.ingest
        for camera in config.cameras:
            for role, stream_cfg in camera.streams.items():
                key = StreamKey(camera.id, role.value)
                always_on = camera.is_always_on(role)
                if not camera.enabled:
                    initial = CameraState.DISABLED
                elif always_on:
                    initial = CameraState.CONNECTING
                    self._always_on.add(key)
                else:
                    initial = CameraState.IDLE
                stream = hub.stream(camera.id, role.value)
                self.health[key] = StreamHealth(
                    camera.id, role.value, on_change, initial, flow=stream.stats
                )
                self._urls[key] = stream_cfg.url
                self._options[key] = SourceOptions(
                    transport=config.stream_transport(camera, role),
                    connect_timeout_s=settings.connect_timeout_s,
                    # FFmpeg's socket timeout is both the read timeout and the stall detector
                    # (a frozen camera sends no bytes), so the shorter of the two settings wins
                    read_timeout_s=min(settings.read_timeout_s, settings.stall_timeout_s),
                    pace_frames=settings.read_pacing_frames,
                )

    def start(self) -> None:
        self.hub.set_demand_listener(self._on_demand)
        for key in sorted(self._always_on):
            self._ensure_worker(key)
        log.info("ingest started: %d always-on streams", len(self._always_on))

    def stop(self, timeout: float = 3.0) -> None:
        with self._lock:
            self._stopping = True
            workers = list(self._workers.values())
            self._workers.clear()
            for timer in self._idle_timers.values():
                timer.cancel()
            self._idle_timers.clear()
        self.hub.set_demand_listener(None)
        for worker in workers:
            worker.request_stop()
        for worker in workers:
            worker.join(timeout / max(1, len(workers)) + 0.05)

    def primary_key(self, camera_id: str) -> StreamKey:
        """The stream whose state is the camera's state: the sub-stream when there is one."""
        sub = StreamKey(camera_id, StreamRole.sub.value)
        return sub if sub in self.health else StreamKey(camera_id, StreamRole.main.value)

    def camera_state(self, camera_id: str) -> CameraState:
        return self.health[self.primary_key(camera_id)].state

    def upstream_running(self, key: StreamKey) -> bool:
        worker = self._workers.get(key)
        return worker is not None and worker.running

    # -- on-demand pulls ---------------------------------------------------------------------
    def _on_demand(self, key: StreamKey, subscribers: int) -> None:
        if key in self._always_on or key not in self.health:
            return
        if self.health[key].state == CameraState.DISABLED:
            return
        if subscribers > 0:
            with self._lock:
                timer = self._idle_timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            self._ensure_worker(key)
            return
        idle = threading.Timer(self.config.ingest.on_demand_idle_s, self._stop_idle, (key,))
        idle.daemon = True
        with self._lock:
            if self._stopping:
                return
            previous = self._idle_timers.pop(key, None)
            self._idle_timers[key] = idle
        if previous is not None:
            previous.cancel()
        idle.start()

    def _stop_idle(self, key: StreamKey) -> None:
        stream = self.hub.get(*key)
        with self._lock:
            self._idle_timers.pop(key, None)
            if stream is not None and stream.subscriber_count > 0:
                return
            worker = self._workers.pop(key, None)
        if worker is not None:
            log.info(
                "camera %s: no viewers for %.0f s, releasing the upstream pull",
                key,
                self.config.ingest.on_demand_idle_s,
            )
            worker.request_stop()

    def _ensure_worker(self, key: StreamKey) -> None:
        settings = self.config.ingest
        with self._lock:
            if self._stopping:
                return
            worker = self._workers.get(key)
            if worker is not None and worker.running:
                return
            worker = IngestWorker.create(
                self.hub.stream(*key),
                self.health[key],
                self._urls[key],
                self._options[key],
                settings.backoff_initial_s,
                settings.backoff_max_s,
                settings.backoff_jitter,
            )
            self._workers[key] = worker
        worker.start()
