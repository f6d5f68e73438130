"""The inference stage: latest frame wins, longest-waiting camera first, CPU budget pauses."""

from __future__ import annotations

import threading
import time

from tests.fixtures.waiting import wait_for
from vgateway.analytics.budget import CpuBudget
from vgateway.analytics.inference import InferenceStage


class FakeBudget(CpuBudget):
    def __init__(self, over_for: int) -> None:
        super().__init__(1.0)
        self.calls = 0
        self._over_for = over_for

    def over(self) -> bool:
        self.calls += 1
        return self.calls <= self._over_for


def never_over() -> CpuBudget:
    return CpuBudget(1e9)


def test_a_newer_frame_replaces_the_waiting_one_and_keeps_its_place() -> None:
    stage = InferenceStage(never_over())
    ran: list[str] = []
    assert stage.submit("a", lambda: ran.append("a1")) is False
    stage.submit("b", lambda: ran.append("b1"))
    stage.submit("c", lambda: ran.append("c1"))
    assert stage.submit("a", lambda: ran.append("a2")) is True  # a still waits first
    stage.start()
    try:
        wait_for(lambda: len(ran) == 3, 10, "three jobs")
    finally:
        stage.stop()
    assert ran == ["a2", "b1", "c1"]
    assert stage.replaced == 1 and stage.served == 3 and stage.pending() == 0


def test_one_camera_is_never_run_twice_at_once() -> None:
    stage = InferenceStage(never_over(), threads=2)
    running: dict[str, int] = {"a": 0, "b": 0}
    most = {"a": 0, "b": 0}
    done: list[str] = []
    lock = threading.Lock()

    def job(key: str) -> None:
        with lock:
            running[key] += 1
            most[key] = max(most[key], running[key])
        time.sleep(0.005)
        with lock:
            running[key] -= 1
            done.append(key)

    stage.start()
    try:
        for _ in range(40):
            for key in ("a", "b"):
                stage.submit(key, lambda key=key: job(key))
            time.sleep(0.002)
        wait_for(lambda: stage.pending() == 0 and not any(running.values()), 10, "drain")
    finally:
        stage.stop()
    assert most == {"a": 1, "b": 1}
    assert done.count("a") >= 2 and done.count("b") >= 2


def test_jobs_wait_while_the_cpu_budget_is_spent() -> None:
    budget = FakeBudget(over_for=5)
    stage = InferenceStage(budget, pause_s=0.01)
    ran: list[int] = []
    stage.submit("a", lambda: ran.append(1))
    stage.start()
    try:
        wait_for(lambda: ran == [1], 10, "the job after the pause")
    finally:
        stage.stop()
    assert budget.calls >= 6 and stage.throttled_s >= 0.05


def test_a_failing_job_does_not_stop_the_stage() -> None:
    stage = InferenceStage(never_over())
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("model exploded")

    stage.submit("a", boom)
    stage.submit("b", lambda: ran.append("b"))
    stage.start()
    try:
        wait_for(lambda: ran == ["b"], 10, "the next job")
    finally:
        stage.stop()
    assert stage.errors == 1
    view = stage.view(time.monotonic())
    assert view["served"] == 2 and view["wait_p95_s"] is not None


def test_cpu_budget_measures_the_process_over_a_window() -> None:
    now, used = [0.0], [0.0]
    budget = CpuBudget(1.0, window_s=2.0, clock=lambda: now[0], cpu=lambda: used[0])
    assert budget.usage() is None and not budget.over()  # nothing to measure yet
    for _ in range(30):  # 1.5 cores for 3 s
        now[0] += 0.1
        used[0] += 0.15
        budget.over()
    assert budget.over() and round(budget.usage() or 0, 2) == 1.5
    for _ in range(30):  # then 0.5 cores: the window forgets the busy part
        now[0] += 0.1
        used[0] += 0.05
    assert not budget.over() and round(budget.usage() or 0, 2) == 0.5
