"""One camera's analytics work item: its hub subscription, sampler, pipeline and stats.

A step takes every packet that arrived since the camera's last turn, decodes only what the
newest due frame needs (and the keyframes before it when the turn came a GOP or two late), and
observes those frames (motion, scene rules). When the detector is due the frame goes to the
shared inference stage, which later runs the detectors and applies their result; a camera lock
keeps the two halves of one camera from overlapping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from detectors import Detection, Frame
from vgateway.analytics.decode import FrameSampler, SampledFrame
from vgateway.analytics.inference import DetectRequest, InferenceStage
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.region import Region
from vgateway.events.model import EventMessage
from vgateway.hub import Subscription, SubscriptionClosed
from vgateway.media import MediaPacket

log = logging.getLogger(__name__)
WINDOW_S = 10.0  # for achieved rates
GAP_WINDOW_S = 60.0  # for the longest gap and lags


def _recent(deq: deque[tuple[float, float]], now: float, window: float) -> list[float]:
    # list() copies in one step: iterating a deque another thread appends to can raise.
    return [value for at, value in list(deq) if now - at <= window]


@dataclass
class CameraStats:
    analysed: int = 0  # frames observed (motion checked)
    motion_frames: int = 0
    gated_frames: int = 0  # motion in a zone an object rule watches
    detect_requests: int = 0
    detect_replaced: int = 0  # requests replaced by a newer frame before the detector ran
    inferences: int = 0  # detector runs (one per detector and frame)
    gated_detected: int = 0  # gated frames the detector answered
    refreshes: int = 0  # requests without motion in a zone: keeping tracks of still objects
    events: int = 0
    errors: int = 0
    last_error: str | None = None
    busy_s: float = 0.0
    times: deque[float] = field(default_factory=lambda: deque(maxlen=600))  # observed, wallclock
    detect_times: deque[float] = field(default_factory=lambda: deque(maxlen=600))
    gaps: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=600))
    lags: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=600))
    detect_lags: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=600))
    gated_lags: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=600))


class CameraWorker:
    def __init__(
        self,
        camera_id: str,
        subscription: Subscription,
        pipeline: CameraPipeline,
        emit: Callable[[EventMessage], object],
        inference: InferenceStage,
        decode_share: Callable[[], float] = lambda: 1.0,
    ) -> None:
        self.camera_id = camera_id
        self.subscription = subscription
        self.sampler = FrameSampler(pipeline.rules.fps)
        self.pipeline = pipeline
        self.stats = CameraStats()
        self.closed = False
        self._emit = emit
        self._inference = inference
        self._decode_share = decode_share
        self._lock = threading.Lock()
        self._applying = False  # the inference stage holds this camera (e.g. reading a plate)
        self._counts = threading.Lock()  # events and errors are counted from two threads
        self._last_media_time: tuple[int, float] | None = None

    def pending(self) -> bool:
        # While detections are applied the camera waits for the next pass rather than
        # holding one of the few observing threads on its lock.
        return not self.closed and not self._applying and len(self.subscription) > 0

    def _drain(self) -> list[MediaPacket]:
        try:
            return self.subscription.take(self.subscription.maxlen)
        except SubscriptionClosed:
            self.closed = True
            return []

    def step(self) -> None:
        share = self._decode_share()
        self.sampler.full_share = share
        # A turn that came late also checks the keyframes it would skip; the detector gets
        # each frame due, and a newer frame replaces one still waiting.
        for sampled in self.sampler.due(self._drain()):
            self._check(sampled, share)

    def _check(self, sampled: SampledFrame, share: float) -> None:
        stats, t = self.stats, sampled.captured_at
        started = time.perf_counter()
        try:
            image = sampled.image()
            with self._lock:
                # the governor's cut also spaces out track refreshes and whole frames (up to
                # 2x at half share)
                seen = self.pipeline.observe(image, t, refresh_stretch=1.0 / max(share, 0.01))
        except Exception as exc:
            self._failed(exc)
            return
        now = time.time()
        stats.busy_s += time.perf_counter() - started
        stats.analysed += 1
        stats.motion_frames += seen.motion
        stats.gated_frames += seen.gated
        stats.refreshes += bool(seen.detectors) and not seen.gated
        stats.times.append(now)
        stats.lags.append((now, now - t))
        # Gaps in stream time: what the camera saw, not when its packets happened to arrive.
        last, self._last_media_time = self._last_media_time, (sampled.epoch, sampled.media_time)
        if last is not None and last[0] == sampled.epoch and sampled.media_time > last[1]:
            stats.gaps.append((now, sampled.media_time - last[1]))
        self._send(seen.messages)
        if seen.detectors:
            stats.detect_requests += 1
            done = partial(self._apply, image, t, seen.gated, seen.region)
            area = None if seen.region is None else seen.region.box
            request = DetectRequest(image, seen.detectors, done, seen.gated, area)
            stats.detect_replaced += self._inference.submit(self.camera_id, request)

    def _apply(
        self,
        image: Frame,
        t: float,
        gated: bool,
        region: Region | None,
        detections: dict[str, list[Detection]],
    ) -> None:
        """Runs on the inference stage, with the detectors' results for this camera's frame."""
        try:
            with self._lock:
                self._applying = True
                messages = self.pipeline.apply(image, t, detections, region)
        except Exception as exc:
            self._failed(exc)
            return
        finally:
            self._applying = False
        now = time.time()
        self.stats.inferences += len(detections)
        self.stats.detect_times.append(now)
        self.stats.detect_lags.append((now, now - t))
        if gated:
            self.stats.gated_detected += 1
            self.stats.gated_lags.append((now, now - t))
        self._send(messages)

    def _send(self, messages: list[EventMessage]) -> None:
        for message in messages:
            if message.kind == "start":
                with self._counts:
                    self.stats.events += 1
            self._emit(message)

    def _failed(self, exc: Exception) -> None:
        stats = self.stats
        with self._counts:
            stats.errors += 1
        if str(exc) != stats.last_error:
            log.exception("analytics of camera %s failed on a frame", self.camera_id)
        stats.last_error = str(exc)

    def view(self, now: float) -> dict[str, object]:
        stats, sampler = self.stats, self.sampler
        recent = [t for t in list(stats.times) if now - t <= WINDOW_S]
        detected = [t for t in list(stats.detect_times) if now - t <= WINDOW_S]
        gaps = _recent(stats.gaps, now, GAP_WINDOW_S)
        lags = sorted(_recent(stats.lags, now, GAP_WINDOW_S))
        detect_lags = sorted(_recent(stats.detect_lags, now, GAP_WINDOW_S))
        return {
            "camera_id": self.camera_id,
            "fps_target": self.pipeline.rules.fps,
            "fps_achieved": round(len(recent) / WINDOW_S, 3),
            "detect_fps": round(len(detected) / WINDOW_S, 3),
            "analysed": stats.analysed,
            "dropped_frames": sampler.replaced,
            "hub_dropped_packets": self.subscription.dropped,
            "decoded": sampler.decoded,
            "skipped_packets": sampler.skipped,
            "keyframe_only": sampler.keyframe_only,
            "lean_gops": sampler.lean_gops,
            "gop_s": None if sampler.gop_s is None else round(sampler.gop_s, 3),
            "decode_errors": sampler.errors,
            "motion_frames": stats.motion_frames,
            "gated_frames": stats.gated_frames,
            "detect_requests": stats.detect_requests,
            "detect_replaced": stats.detect_replaced,
            "inferences": stats.inferences,
            "gated_detected": stats.gated_detected,
            "refreshes": stats.refreshes,
            "events": stats.events,
            "max_gap_s": round(max(gaps), 3) if gaps else None,
            "lag_p95_s": round(lags[int(len(lags) * 0.95)], 3) if lags else None,
            "detect_lag_p95_s": (
                round(detect_lags[int(len(detect_lags) * 0.95)], 3) if detect_lags else None
            ),
            "errors": stats.errors,
            "last_error": stats.last_error,
            "open_events": len(self.pipeline.open_events()),
        }
