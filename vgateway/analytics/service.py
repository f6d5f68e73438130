"""The analytics service: one worker per camera with enabled rules, fed from the hub's sub
streams; a fair pool of threads observes every camera's frames and one shared inference stage
runs the object detector within the process's CPU budget. Events go to the event service."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2

from vgateway.analytics.budget import CpuBudget
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.governor import DecodeGovernor
from vgateway.analytics.inference import InferenceStage
from vgateway.analytics.niceness import ANALYTICS_NICE
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.scheduler import FairScheduler
from vgateway.analytics.worker import CameraWorker
from vgateway.config import NetworkConfig
from vgateway.events.model import EventMessage
from vgateway.hub import Hub

log = logging.getLogger(__name__)
QUEUE_SECONDS = 4.0  # packets a camera may hold in its hub queue before skipping to a keyframe
DETECT_WITHIN_S = 1.0  # a gated frame should reach the detector within this


class AnalyticsService:
    def __init__(
        self,
        config: NetworkConfig,
        hub: Hub,
        rules: RulesFile,
        emit: Callable[[EventMessage], object],
        *,
        base_dir: Path,
        threads: int = 3,
        inference_threads: int = 1,
        cpu_budget_cores: float | None = None,
        detectors: DetectorPool | None = None,
    ) -> None:
        self._config = config
        self._hub = hub
        self.rules = rules
        self._emit = emit
        self.detectors = detectors or DetectorPool(rules, base_dir)
        self._scheduler = FairScheduler(threads, nice=ANALYTICS_NICE)
        fastest = max((c.fps for c in rules.cameras.values() if c.enabled), default=1.0)
        # Motion checks first: a pass slower than the fastest camera's frame interval means
        # frames are checked late, and detection then yields to them.
        self._pass_limit_s = 0.8 / fastest
        self.inference = InferenceStage(
            self.detectors.run,
            CpuBudget(cpu_budget_cores),
            threads=inference_threads,
            behind=self._motion_late,
            urgent_within_s=DETECT_WITHIN_S,
        )
        self.governor = DecodeGovernor(
            {
                "motion_late": self._motion_late,
                "detect_late": lambda: (
                    self.inference.oldest_wait(urgent_only=True) > DETECT_WITHIN_S
                ),
                "cpu_budget": self.inference.budget.over,
            }
        )
        self._workers: list[CameraWorker] = []
        self._tz = ZoneInfo(rules.timezone)

    def _motion_late(self) -> bool:
        """Whether the passes over the cameras are slower than the checks due need. A GOP
        checked at its keyframe only has one check due per GOP (about 2 s on camera
        defaults), so the less the governor lets the samplers decode, the longer a pass may
        take without losing a check: up to twice the limit when no GOP is decoded past its
        keyframe."""
        share = self.governor.share()
        return self._scheduler.behind(self._pass_limit_s * (2.0 - share))

    def start(self) -> None:
        # Many small images on few threads: OpenCV's own thread pool only adds hand-offs.
        cv2.setNumThreads(1)
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
            worker = CameraWorker(
                camera_id, subscription, pipeline, self._emit, self.inference, self.governor.share
            )
            self._workers.append(worker)
            self._scheduler.add(worker)
        self.inference.start()
        self._scheduler.start()
        log.info(
            "analytics on for %d cameras (CPU budget %.2f cores)",
            len(self._workers),
            self.inference.budget.cores,
        )

    def stop(self) -> list[object]:
        """Stop the workers and end every open event; returns what `emit` returned for those."""
        self._scheduler.stop()
        self.inference.stop()
        now = time.time()
        results = []
        for worker in self._workers:
            worker.subscription.close()
            for message in worker.pipeline.close_all(now):
                results.append(self._emit(message))
        return results

    def cameras(self) -> list[str]:
        return [w.camera_id for w in self._workers]

    def workers(self) -> list[CameraWorker]:
        """The per-camera workers (read-only use: stats, benches)."""
        return list(self._workers)

    def stats(self) -> list[dict[str, object]]:
        now = time.time()
        return [worker.view(now) for worker in self._workers]

    def summary(self) -> dict[str, object]:
        """The shared parts: the pass over all cameras and the inference stage."""
        median, longest = self._scheduler.pass_seconds()
        return {
            "cameras": len(self._workers),
            "pass_s_median": None if median is None else round(median, 3),
            "pass_s_max": None if longest is None else round(longest, 3),
            "inference": self.inference.view(time.monotonic()),
            **self.governor.view(),
        }
