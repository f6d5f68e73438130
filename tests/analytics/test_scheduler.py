"""The fair scheduler: every camera with work gets one step per pass; a slow one starves none."""

from __future__ import annotations

import threading
import time
from collections import Counter

from tests.fixtures.waiting import wait_for
from vgateway.analytics.scheduler import FairScheduler


class FakeWorker:
    def __init__(self, camera_id: str, steps: Counter[str], slow_s: float = 0.0) -> None:
        self.camera_id = camera_id
        self._steps = steps
        self._slow_s = slow_s
        self._lock = threading.Lock()
        self.active = 0
        self.most_active = 0

    def pending(self) -> bool:
        return True

    def step(self) -> None:
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        time.sleep(self._slow_s)
        with self._lock:
            self.active -= 1
            self._steps[self.camera_id] += 1


def test_every_camera_gets_its_turn_in_each_pass_even_beside_a_slow_one() -> None:
    steps: Counter[str] = Counter()
    scheduler = FairScheduler(threads=2, min_pass_s=0.01)
    workers = [FakeWorker(f"cam{i:03d}", steps) for i in range(20)]
    workers.append(FakeWorker("slow", steps, slow_s=0.05))
    for worker in workers:
        scheduler.add(worker)
    scheduler.start()
    try:
        wait_for(lambda: steps["slow"] >= 5, 20, "five passes")
    finally:
        scheduler.stop()
    fast = [steps[w.camera_id] for w in workers[:-1]]
    # One pass gives each camera at most one step: nobody runs ahead, nobody is left out.
    assert max(fast) - min(fast) <= 1 and min(fast) >= steps["slow"] - 1
    assert all(w.most_active == 1 for w in workers)  # one camera, one thread at a time
    median, longest = scheduler.pass_seconds()
    assert median is not None and longest is not None and longest >= median


def test_an_idle_pool_waits_between_passes() -> None:
    steps: Counter[str] = Counter()
    worker = FakeWorker("cam001", steps)
    scheduler = FairScheduler(threads=1, min_pass_s=0.05)
    scheduler.add(worker)
    scheduler.start()
    try:
        time.sleep(0.3)
    finally:
        scheduler.stop()
    assert 1 <= steps["cam001"] <= 8  # about one step per pass, not a busy loop
