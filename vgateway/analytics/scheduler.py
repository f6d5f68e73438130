"""The fair pool of threads that runs the cameras' analytics steps.

The threads walk the cameras in passes: in each pass every camera with new packets gets one
step, by one thread at a time. A pass takes at least `min_pass_s`, so a camera's packets are
handled a few at a time rather than one wake-up each. When the machine is overloaded a pass
simply takes longer: every camera's turn comes less often, rates drop evenly (the sampler keeps
only the newest frame) and the hub's bounded queues keep any backlog from growing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Protocol

from vgateway.analytics.niceness import lower_this_thread

log = logging.getLogger(__name__)


class Steppable(Protocol):
    camera_id: str

    def pending(self) -> bool: ...

    def step(self) -> None: ...


class FairScheduler:
    def __init__(self, threads: int = 2, *, min_pass_s: float = 0.1, nice: int = 0) -> None:
        self._threads_wanted = threads
        self._nice = nice
        self._min_pass_s = min_pass_s
        self._workers: list[Steppable] = []
        self._busy: set[str] = set()
        self._cursor = 0
        self._pass_started = time.monotonic()
        self.passes: deque[tuple[float, float]] = deque(maxlen=600)  # (ended, seconds)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def add(self, worker: Steppable) -> None:
        with self._lock:
            self._workers.append(worker)

    def workers(self) -> list[Steppable]:
        with self._lock:
            return list(self._workers)

    def start(self) -> None:
        self._stop.clear()
        for index in range(self._threads_wanted):
            thread = threading.Thread(target=self._run, name=f"analytics-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _next(self) -> tuple[Steppable | None, float]:
        """The next camera with work in this pass, or None and how long until the next pass."""
        with self._lock:
            workers = self._workers
            while True:
                while self._cursor < len(workers):
                    worker = workers[self._cursor]
                    self._cursor += 1
                    if worker.camera_id not in self._busy and worker.pending():
                        self._busy.add(worker.camera_id)
                        return worker, 0.0
                now = time.monotonic()
                wait = self._pass_started + self._min_pass_s - now
                if wait > 0:
                    return None, wait
                self.passes.append((now, now - self._pass_started))
                self._cursor, self._pass_started = 0, now

    def _run(self) -> None:
        lower_this_thread(self._nice)
        while not self._stop.is_set():
            worker, wait = self._next()
            if worker is None:
                self._stop.wait(wait)
                continue
            try:
                worker.step()
            except Exception:
                log.exception("analytics worker for %s failed", worker.camera_id)
            finally:
                with self._lock:
                    self._busy.discard(worker.camera_id)

    def behind(self, limit_s: float) -> bool:
        """Whether the current or the last pass took longer than `limit_s`."""
        now = time.monotonic()
        with self._lock:
            last = self.passes[-1][1] if self.passes else 0.0
            return max(last, now - self._pass_started) > limit_s

    def pass_seconds(self, window_s: float = 60.0) -> tuple[float | None, float | None]:
        """Median and longest pass over the window: how often each camera gets its turn."""
        now = time.monotonic()
        with self._lock:
            recent = sorted(s for ended, s in self.passes if now - ended <= window_s)
        if not recent:
            return None, None
        return recent[len(recent) // 2], recent[-1]
