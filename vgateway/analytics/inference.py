"""The shared inference stage: object detection for every camera on a few dedicated threads.

Each camera holds at most one waiting request, and a newer frame replaces the waiting one (the
latest frame wins) while keeping the camera's place in line. Each request falls due a while
after its camera started waiting: an urgent one (motion in a zone an object rule watches)
after `urgent_within_s`, a routine one (refreshing the tracks of still objects, the idle look)
after `routine_within_s`. Requests are served earliest due first, up to `batch` of them per
detector call. So motion goes before refreshes, yet a refresh kept waiting long enough goes
before fresh motion, and still objects keep their tracks however busy the street. When
detection cannot keep up every camera waits about as long as the others and the achieved rate
drops evenly; nothing piles up. Before each call the stage checks the process's CPU budget and
pauses while it is spent; and while the motion checks fall behind their rate (`behind`) it
yields to them, keeping only a minimum share of the time for itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from detectors import Detection, Frame
from vgateway.analytics.budget import CpuBudget
from vgateway.analytics.geometry import Box

log = logging.getLogger(__name__)
# A track is dropped after 8 s unseen (tracking.py) and refreshes come every 2 to 4 s: a refresh
# served within 3 s keeps it.
ROUTINE_WITHIN_S = 3.0
# detector name, frames, the region of each to look at (None: all of it)
RunBatch = Callable[[str, Sequence[Frame], Sequence[Box | None]], list[list[Detection]]]


@dataclass(frozen=True)
class DetectRequest:
    frame: Frame
    detectors: tuple[str, ...]
    done: Callable[[dict[str, list[Detection]]], object]  # called on the stage's thread
    urgent: bool = False  # motion in a watched zone: served before routine refreshes
    region: Box | None = None  # the part of the frame to look at (None: all of it)


@dataclass
class _Slot:
    request: DetectRequest
    since: float  # monotonic time the camera started waiting


class InferenceStage:
    def __init__(
        self,
        run: RunBatch,
        budget: CpuBudget | None = None,
        *,
        threads: int = 1,
        batch: int = 2,
        pause_s: float = 0.02,
        behind: Callable[[], bool] | None = None,
        min_share: float = 0.05,
        urgent_within_s: float = 1.0,
        routine_within_s: float = ROUTINE_WITHIN_S,
    ) -> None:
        self.budget = budget or CpuBudget()
        self._run_batch = run
        self._threads_wanted = threads
        self._batch = batch
        self._pause_s = pause_s
        self._behind = behind or (lambda: False)
        self._min_share = min_share
        self._within = {True: urgent_within_s, False: routine_within_s}
        self._last_end = 0.0
        self._last_run_s = 0.0
        self._slots: dict[str, _Slot] = {}  # insertion order = waiting order
        self._running: set[str] = set()
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.served = 0  # requests answered
        self.calls = 0  # detector calls (a call answers up to `batch` requests)
        self.replaced = 0  # waiting requests replaced by a newer frame of the same camera
        self.errors = 0
        self.last_error: str | None = None
        self.busy_s = 0.0
        self.throttled_s = 0.0  # time spent waiting for the CPU budget
        self.yielded_s = 0.0  # time left to late motion checks
        # (served at, waited s, urgent)
        self.waits: deque[tuple[float, float, bool]] = deque(maxlen=2000)

    def submit(self, key: str, request: DetectRequest) -> bool:
        """Queue `request` for camera `key`; True when it replaced one still waiting."""
        with self._ready:
            slot = self._slots.get(key)
            if slot is not None:
                # the newer frame inherits the urgency of the one it replaces
                urgent = request.urgent or slot.request.urgent
                slot.request = replace(request, urgent=True) if urgent else request
                self.replaced += 1
                return True
            self._slots[key] = _Slot(request, time.monotonic())
            self._ready.notify()
            return False

    def pending(self) -> int:
        with self._ready:
            return len(self._slots)

    def oldest_wait(self, *, urgent_only: bool = False) -> float:
        """Seconds the longest-waiting camera has been waiting for the detector (0 if none)."""
        now = time.monotonic()
        with self._ready:
            slots = [s for s in self._slots.values() if s.request.urgent or not urgent_only]
        return max((now - slot.since for slot in slots), default=0.0)

    def start(self) -> None:
        self._stop.clear()
        for index in range(self._threads_wanted):
            thread = threading.Thread(target=self._loop, name=f"inference-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        with self._ready:
            self._slots.clear()
            self._ready.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _may_run(self) -> Literal["none", "urgent", "all"]:
        """Which waiting requests may run now (none: pause)."""
        if self.budget.over():
            # Over budget, routine refreshes wait; a frame with motion in a watched zone is
            # what detection is for, so it still runs. The governor sees the CPU and cuts
            # decoding, which is what brings the process back within its budget.
            if self._urgent_waiting():
                return "urgent"
            self.throttled_s += self._pause_s
            return "none"
        if self._behind():
            idle = time.monotonic() - self._last_end
            if idle < self._last_run_s * (1.0 - self._min_share) / self._min_share:
                self.yielded_s += self._pause_s
                return "none"
        return "all"

    def _take(self) -> list[tuple[str, _Slot]]:
        """The longest-waiting cameras' requests for the same detectors, once allowed to run."""
        with self._ready:
            while not self._stop.is_set() and not self._waiting():
                self._ready.wait(0.5)
        if self._stop.is_set():
            return []
        may_run = self._may_run()
        if may_run == "none":
            self._stop.wait(self._pause_s)
            return []
        taken: list[tuple[str, _Slot]] = []
        with self._ready:
            waiting = list(self._slots.items())
            if may_run == "urgent":
                waiting = [w for w in waiting if w[1].request.urgent]
            waiting.sort(key=lambda w: w[1].since + self._within[w[1].request.urgent])
            for key, slot in waiting:
                if key in self._running:  # one camera's frames stay in order
                    continue
                if taken and slot.request.detectors != taken[0][1].request.detectors:
                    continue
                del self._slots[key]
                self._running.add(key)
                taken.append((key, slot))
                if len(taken) == self._batch:
                    break
        return taken

    def _waiting(self) -> bool:
        return any(key not in self._running for key in self._slots)

    def _urgent_waiting(self) -> bool:
        with self._ready:
            return any(
                slot.request.urgent and key not in self._running
                for key, slot in self._slots.items()
            )

    def _loop(self) -> None:
        while not self._stop.is_set():
            taken = self._take()
            if taken:
                self._serve(taken)

    def _serve(self, taken: list[tuple[str, _Slot]]) -> None:
        started = time.monotonic()
        requests = [slot.request for _, slot in taken]
        try:
            found = {
                name: self._run_batch(
                    name, [r.frame for r in requests], [r.region for r in requests]
                )
                for name in requests[0].detectors
            }
            for index, request in enumerate(requests):
                request.done({name: results[index] for name, results in found.items()})
        except Exception as exc:
            self.errors += 1
            if str(exc) != self.last_error:  # once per distinct failure, not once per frame
                log.exception("detection for %s failed", ", ".join(key for key, _ in taken))
            self.last_error = str(exc)
        ended = time.monotonic()
        self._last_end, self._last_run_s = ended, ended - started
        with self._ready:
            for key, slot in taken:
                self._running.discard(key)
                self.waits.append((ended, started - slot.since, slot.request.urgent))
            self.served += len(taken)
            self.calls += 1
            self.busy_s += ended - started
            if self._slots:
                self._ready.notify()

    def view(self, now: float, window_s: float = 60.0) -> dict[str, object]:
        """Totals, and the wait for detection over the last `window_s` (monotonic `now`)."""
        with self._ready:
            recent = [(w, urgent) for at, w, urgent in self.waits if now - at <= window_s]
            pending = len(self._slots)
        waits = sorted(w for w, _ in recent)
        urgent_waits = sorted(w for w, urgent in recent if urgent)
        return {
            "served": self.served,
            "calls": self.calls,
            "replaced": self.replaced,
            "errors": self.errors,
            "pending": pending,
            "busy_s": round(self.busy_s, 3),
            "throttled_s": round(self.throttled_s, 3),
            "yielded_s": round(self.yielded_s, 3),
            "cpu_budget_cores": self.budget.cores,
            "cpu_used_cores": self.budget.usage(),
            "wait_p50_s": round(waits[len(waits) // 2], 3) if waits else None,
            "wait_p95_s": round(waits[int(len(waits) * 0.95)], 3) if waits else None,
            "urgent_wait_p95_s": (
                round(urgent_waits[int(len(urgent_waits) * 0.95)], 3) if urgent_waits else None
            ),
        }
