"""The inference stage: latest frame wins, earliest due first, batches, CPU budget pauses,
yielding to late motion checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from detectors import Detection, Frame
from detectors.base import Box
from tests.fixtures.waiting import wait_for
from vgateway.analytics.budget import CpuBudget
from vgateway.analytics.inference import DetectRequest, InferenceStage


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


def frame(mark: int) -> Frame:
    """A tiny frame whose first pixel names it."""
    image = np.zeros((4, 4, 3), np.uint8)
    image[0, 0, 0] = mark
    return image


class Recorder:
    """Detector calls (batches of frame marks) and what each camera was answered."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls: list[list[int]] = []
        self.answers: list[tuple[str, int]] = []
        self.delay_s = delay_s
        self.lock = threading.Lock()

    def run(
        self, name: str, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        time.sleep(self.delay_s)
        with self.lock:
            self.calls.append([int(f[0, 0, 0]) for f in frames])
        return [[Detection("car", 2, 0.9, (0, 0, 1, 1), {"mark": int(f[0, 0, 0])})] for f in frames]

    def request(self, camera: str, mark: int, *, urgent: bool = False) -> DetectRequest:
        def done(found: dict[str, list[Detection]]) -> None:
            with self.lock:
                self.answers.append((camera, int(str(found["default"][0].extra["mark"]))))

        return DetectRequest(frame(mark), ("default",), done, urgent=urgent)


def test_a_newer_frame_replaces_the_waiting_one_and_keeps_its_place() -> None:
    rec = Recorder()
    stage = InferenceStage(rec.run, never_over(), batch=1)
    assert stage.submit("a", rec.request("a", 1)) is False
    stage.submit("b", rec.request("b", 2))
    stage.submit("c", rec.request("c", 3))
    assert stage.submit("a", rec.request("a", 4)) is True  # a still waits first
    stage.start()
    try:
        wait_for(lambda: len(rec.answers) == 3, 10, "three answers")
    finally:
        stage.stop()
    assert rec.answers == [("a", 4), ("b", 2), ("c", 3)]
    assert stage.replaced == 1 and stage.served == 3 and stage.pending() == 0


def test_motion_in_a_zone_goes_before_routine_refreshes() -> None:
    rec = Recorder()
    stage = InferenceStage(rec.run, never_over(), batch=1)
    stage.submit("a", rec.request("a", 1))  # routine: refreshing a parked car's track
    stage.submit("b", rec.request("b", 2))
    stage.submit("c", rec.request("c", 3, urgent=True))  # motion in a watched zone
    stage.submit("d", rec.request("d", 4, urgent=True))
    # a routine newer frame keeps the urgency of the motion frame it replaces
    assert stage.submit("d", rec.request("d", 5)) is True
    assert stage.oldest_wait(urgent_only=True) <= stage.oldest_wait()
    stage.start()
    try:
        wait_for(lambda: len(rec.answers) == 4, 10, "four answers")
    finally:
        stage.stop()
    assert rec.answers == [("c", 3), ("d", 5), ("a", 1), ("b", 2)]
    view = stage.view(time.monotonic())
    assert view["urgent_wait_p95_s"] is not None
    assert stage.oldest_wait() == 0.0


def test_a_refresh_kept_waiting_past_its_allowance_goes_before_fresh_motion() -> None:
    rec = Recorder()
    stage = InferenceStage(
        rec.run, never_over(), batch=1, urgent_within_s=0.01, routine_within_s=0.05
    )
    stage.submit("a", rec.request("a", 1))  # refreshing a parked car's track
    time.sleep(0.1)  # ... overdue now
    stage.submit("b", rec.request("b", 2, urgent=True))
    stage.submit("c", rec.request("c", 3))  # a fresh refresh: after the motion
    stage.start()
    try:
        wait_for(lambda: len(rec.answers) == 3, 10, "three answers")
    finally:
        stage.stop()
    assert rec.answers == [("a", 1), ("b", 2), ("c", 3)]


def test_waiting_cameras_share_one_detector_call() -> None:
    rec = Recorder()
    stage = InferenceStage(rec.run, never_over(), batch=2)
    for index, camera in enumerate("abc"):
        stage.submit(camera, rec.request(camera, index + 1))
    stage.start()
    try:
        wait_for(lambda: len(rec.answers) == 3, 10, "three answers")
    finally:
        stage.stop()
    assert rec.calls == [[1, 2], [3]]  # oldest first, two per call
    assert sorted(rec.answers) == [("a", 1), ("b", 2), ("c", 3)]  # each gets its own result
    assert stage.calls == 2 and stage.served == 3


def test_one_camera_is_never_run_twice_at_once() -> None:
    running = {"a": 0, "b": 0}
    most = {"a": 0, "b": 0}
    served: list[str] = []
    lock = threading.Lock()

    def run(
        name: str, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        time.sleep(0.005)
        return [[] for _ in frames]

    def request(key: str) -> DetectRequest:
        def done(found: dict[str, list[Detection]]) -> None:
            with lock:
                running[key] += 1
                most[key] = max(most[key], running[key])
            time.sleep(0.002)
            with lock:
                running[key] -= 1
                served.append(key)

        return DetectRequest(frame(0), ("default",), done)

    stage = InferenceStage(run, never_over(), threads=2, batch=1)
    stage.start()
    try:
        for _ in range(40):
            for key in ("a", "b"):
                stage.submit(key, request(key))
            time.sleep(0.002)
        wait_for(lambda: stage.pending() == 0 and not any(running.values()), 10, "drain")
    finally:
        stage.stop()
    assert most == {"a": 1, "b": 1}
    assert served.count("a") >= 2 and served.count("b") >= 2


def test_requests_wait_while_the_cpu_budget_is_spent() -> None:
    rec = Recorder()
    budget = FakeBudget(over_for=5)
    stage = InferenceStage(rec.run, budget, pause_s=0.01)
    stage.submit("a", rec.request("a", 1))
    stage.start()
    try:
        wait_for(lambda: rec.answers == [("a", 1)], 10, "the answer after the pause")
    finally:
        stage.stop()
    assert budget.calls >= 6 and stage.throttled_s >= 0.05


def test_detection_yields_to_late_motion_checks_but_never_stops() -> None:
    rec = Recorder(delay_s=0.01)
    stage = InferenceStage(rec.run, never_over(), pause_s=0.005, behind=lambda: True, min_share=0.2)
    stage.start()
    try:
        for mark in range(5):
            stage.submit("a", rec.request("a", mark))
            wait_for(lambda: stage.pending() == 0, 10, "the request to be taken")
        wait_for(lambda: len(rec.answers) == 5, 10, "every answer, at the minimum share")
    finally:
        stage.stop()
    assert stage.yielded_s > 0


def test_a_failing_detector_does_not_stop_the_stage() -> None:
    rec = Recorder()
    failures: list[Callable[[], None]] = []

    def run(
        name: str, frames: Sequence[Frame], regions: Sequence[Box | None]
    ) -> list[list[Detection]]:
        if int(frames[0][0, 0, 0]) == 9:
            failures.append(lambda: None)
            raise RuntimeError("model exploded")
        return rec.run(name, frames, regions)

    stage = InferenceStage(run, never_over(), batch=1)
    stage.submit("a", rec.request("a", 9))
    stage.submit("b", rec.request("b", 2))
    stage.start()
    try:
        wait_for(lambda: rec.answers == [("b", 2)], 10, "the next answer")
    finally:
        stage.stop()
    assert stage.errors == 1 and stage.last_error == "model exploded" and len(failures) == 1
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


def test_over_budget_only_motion_in_a_zone_runs() -> None:
    """Refreshes wait for the budget; a frame with motion in a watched zone does not."""
    rec = Recorder()
    budget = FakeBudget(over_for=10**9)  # over budget for the whole test
    stage = InferenceStage(rec.run, budget, pause_s=0.01, batch=2)
    stage.submit("a", rec.request("a", 1))  # routine refresh
    stage.submit("b", rec.request("b", 2, urgent=True))
    stage.start()
    try:
        wait_for(lambda: rec.answers == [("b", 2)], 10, "the urgent answer")
        time.sleep(0.1)
        assert rec.answers == [("b", 2)] and stage.pending() == 1  # the refresh still waits
        assert rec.calls == [[2]]  # not batched with the refresh either
    finally:
        stage.stop()
    assert stage.throttled_s > 0
