"""The analytics service: one worker per camera with enabled rules, fed from the hub's sub
streams, run by a fair thread pool; its events go to the event service."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.worker import CameraWorker, FairScheduler
from vgateway.config import NetworkConfig
from vgateway.events.model import EventMessage
from vgateway.hub import Hub

log = logging.getLogger(__name__)
QUEUE_SECONDS = 4.0  # packets a camera may hold in its hub queue before skipping to a keyframe


class AnalyticsService:
    def __init__(
        self,
        config: NetworkConfig,
        hub: Hub,
        rules: RulesFile,
        emit: Callable[[EventMessage], object],
        *,
        base_dir: Path,
        threads: int = 2,
        detectors: DetectorPool | None = None,
    ) -> None:
        self._config = config
        self._hub = hub
        self.rules = rules
        self._emit = emit
        self.detectors = detectors or DetectorPool(rules, base_dir)
        self._scheduler = FairScheduler(threads)
        self._tz = ZoneInfo(rules.timezone)

    def start(self) -> None:
        for camera_id, camera_rules in self.rules.cameras.items():
            camera = self._config.camera(camera_id)
            if not camera_rules.enabled or not camera.enabled or not camera_rules.active_rules:
                continue
            role = "sub" if "sub" in camera.streams else "main"
            if role == "main":
                log.warning(
                    "camera %s has no sub stream: analytics read its main stream", camera_id
                )
            maxlen = max(50, round(QUEUE_SECONDS * 30))
            subscription = self._hub.subscribe(camera_id, role, "analytics", maxlen=maxlen)
            pipeline = CameraPipeline(
                camera_id, camera.town, camera_rules, self.detectors, self._tz
            )
            self._scheduler.add(CameraWorker(camera_id, subscription, pipeline, self._emit))
        self._scheduler.start()
        log.info("analytics on for %d cameras", len(self._scheduler.workers()))

    def stop(self) -> list[object]:
        """Stop the workers and end every open event; returns what `emit` returned for those."""
        self._scheduler.stop()
        now = time.time()
        results = []
        for worker in self._scheduler.workers():
            worker.subscription.close()
            for message in worker.pipeline.lifecycle.close_all(now):
                results.append(self._emit(message))
        return results

    def cameras(self) -> list[str]:
        return [w.camera_id for w in self._scheduler.workers()]

    def stats(self) -> list[dict[str, object]]:
        now = time.time()
        return [worker.view(now) for worker in self._scheduler.workers()]
