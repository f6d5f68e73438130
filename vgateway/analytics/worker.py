"""One camera's analytics work item, and the fair pool of threads that runs them.

A camera has work when its hub subscription holds packets. A worker takes the next camera in
round-robin order that has work and is not being served, drains its packets (decoding only what
the rate needs) and analyses the latest due frame; older due frames are dropped and counted.
When the machine is overloaded every camera's turn simply comes less often: rates drop evenly,
and the hub's bounded queue (skip to the next keyframe) keeps any backlog from growing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from vgateway.analytics.decode import FrameSampler
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.events.model import EventMessage
from vgateway.hub import Subscription, SubscriptionClosed

log = logging.getLogger(__name__)
WINDOW_S = 10.0


@dataclass
class CameraStats:
    analysed: int = 0
    dropped: int = 0  # due frames replaced by a newer one before analysis
    inferences: int = 0
    events: int = 0
    errors: int = 0
    last_error: str | None = None
    motion_frames: int = 0
    times: deque[float] = field(default_factory=lambda: deque(maxlen=600))  # analysis wallclock
    gaps: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=600))
    busy_s: float = 0.0


class CameraWorker:
    def __init__(
        self,
        camera_id: str,
        subscription: Subscription,
        pipeline: CameraPipeline,
        emit: Callable[[EventMessage], object],
    ) -> None:
        self.camera_id = camera_id
        self.subscription = subscription
        self.sampler = FrameSampler(pipeline.rules.fps)
        self.pipeline = pipeline
        self.stats = CameraStats()
        self.closed = False
        self._emit = emit
        self._last_captured: float | None = None

    def pending(self) -> bool:
        return not self.closed and len(self.subscription) > 0

    def step(self) -> None:
        latest, due = None, 0
        for _ in range(self.subscription.maxlen):
            try:
                packet = self.subscription.get_blocking(0)
            except SubscriptionClosed:
                self.closed = True
                break
            if packet is None:
                break
            frame = self.sampler.feed(packet)
            if frame is not None:
                latest, due = frame, due + 1
        if latest is None:
            return
        stats = self.stats
        stats.dropped += due - 1
        started = time.perf_counter()
        try:
            result = self.pipeline.analyse(latest.image, latest.captured_at)
        except Exception as exc:
            stats.errors += 1
            if str(exc) != stats.last_error:
                log.exception("analytics of camera %s failed on a frame", self.camera_id)
            stats.last_error = str(exc)
            return
        stats.busy_s += time.perf_counter() - started
        now = time.time()
        stats.analysed += 1
        stats.inferences += result.inferences
        stats.motion_frames += int(result.motion)
        stats.times.append(now)
        if self._last_captured is not None:
            stats.gaps.append((now, latest.captured_at - self._last_captured))
        self._last_captured = latest.captured_at
        for message in result.messages:
            stats.events += message.kind == "start"
            self._emit(message)

    def view(self, now: float) -> dict[str, object]:
        stats = self.stats
        recent = [t for t in stats.times if now - t <= WINDOW_S]
        gaps = [g for t, g in stats.gaps if now - t <= 60.0]
        return {
            "camera_id": self.camera_id,
            "fps_target": self.pipeline.rules.fps,
            "fps_achieved": round(len(recent) / WINDOW_S, 3),
            "analysed": stats.analysed,
            "dropped_frames": stats.dropped,
            "hub_dropped_packets": self.subscription.dropped,
            "decoded": self.sampler.decoded,
            "skipped_packets": self.sampler.skipped,
            "keyframe_only": self.sampler.keyframe_only,
            "gop_s": None if self.sampler.gop_s is None else round(self.sampler.gop_s, 3),
            "decode_errors": self.sampler.errors,
            "inferences": stats.inferences,
            "motion_frames": stats.motion_frames,
            "events": stats.events,
            "max_gap_s": round(max(gaps), 3) if gaps else None,
            "errors": stats.errors,
            "last_error": stats.last_error,
            "open_events": len(self.pipeline.lifecycle.open_events),
        }


class FairScheduler:
    """A few threads serving many cameras round-robin; one camera is served by one thread."""

    def __init__(self, threads: int = 2, idle_s: float = 0.02) -> None:
        self._threads_wanted = threads
        self._idle_s = idle_s
        self._workers: list[CameraWorker] = []
        self._busy: set[str] = set()
        self._cursor = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def add(self, worker: CameraWorker) -> None:
        with self._lock:
            self._workers.append(worker)

    def workers(self) -> list[CameraWorker]:
        with self._lock:
            return list(self._workers)

    def start(self) -> None:
        for index in range(self._threads_wanted):
            thread = threading.Thread(target=self._run, name=f"analytics-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _next(self) -> CameraWorker | None:
        with self._lock:
            count = len(self._workers)
            for offset in range(count):
                index = (self._cursor + offset) % count
                worker = self._workers[index]
                if worker.camera_id not in self._busy and worker.pending():
                    self._cursor = index + 1
                    self._busy.add(worker.camera_id)
                    return worker
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            worker = self._next()
            if worker is None:
                self._stop.wait(self._idle_s)
                continue
            try:
                worker.step()
            except Exception:
                log.exception("analytics worker for %s failed", worker.camera_id)
            finally:
                with self._lock:
                    self._busy.discard(worker.camera_id)
