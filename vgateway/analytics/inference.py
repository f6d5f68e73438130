"""The shared inference stage: object detection for every camera on a few dedicated threads.

Each camera holds at most one waiting job, and a newer frame replaces the waiting one (the
latest frame wins) while keeping the camera's place in line. Cameras are served in the order
they started waiting, so when detection cannot keep up every camera waits about as long as the
others and the achieved rate drops evenly; nothing piles up. Before each job the stage checks
the process's CPU budget and pauses while it is spent: motion checks and ingest come first.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from vgateway.analytics.budget import CpuBudget

log = logging.getLogger(__name__)
Job = Callable[[], object]


@dataclass
class _Slot:
    job: Job
    since: float  # monotonic time the camera started waiting


class InferenceStage:
    def __init__(
        self, budget: CpuBudget | None = None, *, threads: int = 1, pause_s: float = 0.02
    ) -> None:
        self.budget = budget or CpuBudget()
        self._threads_wanted = threads
        self._pause_s = pause_s
        self._slots: dict[str, _Slot] = {}  # insertion order = waiting order
        self._running: set[str] = set()
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.served = 0
        self.replaced = 0  # waiting jobs replaced by a newer frame of the same camera
        self.errors = 0
        self.busy_s = 0.0
        self.throttled_s = 0.0  # time spent waiting for the CPU budget
        self.waits: deque[tuple[float, float]] = deque(maxlen=2000)  # (served at, waited s)

    def submit(self, key: str, job: Job) -> bool:
        """Queue `job` for camera `key`; True when it replaced one still waiting."""
        with self._ready:
            slot = self._slots.get(key)
            if slot is not None:
                slot.job = job
                self.replaced += 1
                return True
            self._slots[key] = _Slot(job, time.monotonic())
            self._ready.notify()
            return False

    def pending(self) -> int:
        with self._ready:
            return len(self._slots)

    def start(self) -> None:
        self._stop.clear()
        for index in range(self._threads_wanted):
            thread = threading.Thread(target=self._run, name=f"inference-{index}", daemon=True)
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

    def _take(self) -> tuple[str, _Slot] | None:
        """The longest-waiting camera's job, once there is one and the CPU budget allows."""
        with self._ready:
            while not self._stop.is_set() and not self._waiting():
                self._ready.wait(0.5)
        if self._stop.is_set():
            return None
        if self.budget.over():
            self.throttled_s += self._pause_s
            self._stop.wait(self._pause_s)
            return None
        with self._ready:
            for key, slot in self._slots.items():
                if key not in self._running:  # one camera's frames stay in order
                    del self._slots[key]
                    self._running.add(key)
                    return key, slot
        return None

    def _waiting(self) -> bool:
        return any(key not in self._running for key in self._slots)

    def _run(self) -> None:
        while not self._stop.is_set():
            taken = self._take()
            if taken is None:
                continue
            key, slot = taken
            started = time.monotonic()
            try:
                slot.job()
            except Exception:
                self.errors += 1
                log.exception("inference job for %s failed", key)
            finally:
                ended = time.monotonic()
                with self._ready:
                    self._running.discard(key)
                    self.served += 1
                    self.busy_s += ended - started
                    self.waits.append((ended, started - slot.since))
                    if self._slots:
                        self._ready.notify()

    def view(self, now: float, window_s: float = 60.0) -> dict[str, object]:
        """Totals, and the wait for detection over the last `window_s` (monotonic `now`)."""
        with self._ready:
            waits = sorted(w for at, w in self.waits if now - at <= window_s)
            pending = len(self._slots)
        return {
            "served": self.served,
            "replaced": self.replaced,
            "errors": self.errors,
            "pending": pending,
            "busy_s": round(self.busy_s, 3),
            "throttled_s": round(self.throttled_s, 3),
            "cpu_budget_cores": self.budget.cores,
            "cpu_used_cores": self.budget.usage(),
            "wait_p50_s": round(waits[len(waits) // 2], 3) if waits else None,
            "wait_p95_s": round(waits[int(len(waits) * 0.95)], 3) if waits else None,
        }
