"""The analytics service on a real hub fed with real H.264 packets: every camera is observed at
its rate, detection runs on the shared stage, and a saturated detector degrades evenly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from detectors import Detection, Frame
from tests.analytics.clip_packets import clip_packets
from tests.fixtures.network import network_for
from tests.fixtures.waiting import wait_for
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.service import AnalyticsService
from vgateway.events.model import EventMessage
from vgateway.hub import Hub

CAMERAS = [f"cam{i:03d}" for i in range(1, 5)]
RULES = {
    "fps": 1,
    "zones": {"carriageway": [[150, 110], [330, 110], [640, 290], [640, 352], [240, 352]]},
    "rules": [
        {"id": "person", "type": "person_in_zone", "zone": "carriageway", "duration_s": 5},
        {"id": "tamper", "type": "tamper"},
    ],
}


class SlowDetector:
    """Stands in for a detector that cannot keep up with every camera."""

    type = "slow"
    version = "slow/1"

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, frame: Frame) -> list[Detection]:
        self.calls += 1
        time.sleep(0.3)
        return []


@contextmanager
def live_cameras(hub: Hub, shared_dir: Path, seconds: float) -> Iterator[threading.Event]:
    """Publish the clip on every camera's sub stream at 2x real time, stamped with now."""
    packets = clip_packets(shared_dir, seconds)
    stop, done = threading.Event(), threading.Event()

    def feed() -> None:
        streams = [hub.stream(camera, "sub") for camera in CAMERAS]
        for packet in packets:
            if stop.is_set():
                break
            for stream in streams:
                stream.publish(replace_wallclock(packet))
            time.sleep(1 / 48)
        done.set()

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join(10)


def replace_wallclock(packet: object) -> object:
    return packet._replace(wallclock=time.time())  # type: ignore[attr-defined]


@pytest.fixture
def service_parts(shared_dir: Path) -> tuple[Hub, RulesFile, list[EventMessage]]:
    rules = RulesFile.model_validate(
        {
            "detectors": {
                "default": {"type": "yolox", "model": str(shared_dir / "models/yolox_nano.onnx")}
            },
            "cameras": {c: RULES for c in CAMERAS},
        }
    )
    return Hub(), rules, []


def start(
    tmp_path: Path,
    hub: Hub,
    rules: RulesFile,
    sink: list[EventMessage],
    pool: DetectorPool | None = None,
) -> AnalyticsService:
    # Nothing pulls these URLs: the test publishes into the hub itself.
    urls = {c: {"main": "rtsp://127.0.0.1:9/m", "sub": "rtsp://127.0.0.1:9/s"} for c in CAMERAS}
    config = network_for(urls, tmp_path)
    service = AnalyticsService(
        config, hub, rules, sink.append, base_dir=tmp_path, cpu_budget_cores=64.0, detectors=pool
    )
    service.start()
    return service


def test_every_camera_is_observed_and_detected(
    tmp_path: Path, shared_dir: Path, service_parts: tuple[Hub, RulesFile, list[EventMessage]]
) -> None:
    hub, rules, sink = service_parts
    service = start(tmp_path, hub, rules, sink)
    try:
        with live_cameras(hub, shared_dir, 8):
            wait_for(
                lambda: all(int(str(v["analysed"])) >= 3 for v in service.stats()),
                30,
                "three frames observed on every camera",
            )
            wait_for(lambda: service.inference.served >= len(CAMERAS), 30, "detections")
        views = {str(v["camera_id"]): v for v in service.stats()}
        summary = service.summary()
    finally:
        service.stop()
    assert set(views) == set(CAMERAS)
    for view in views.values():
        assert int(str(view["decoded"])) > 0 and view["max_gap_s"] is not None
        assert view["errors"] == 0 and view["decode_errors"] == 0
        assert int(str(view["detect_requests"])) >= 1  # the first frame always sees the detector
    assert summary["cameras"] == len(CAMERAS)
    assert summary["pass_s_median"] is not None


def test_a_saturated_detector_degrades_every_camera_evenly(
    tmp_path: Path, shared_dir: Path, service_parts: tuple[Hub, RulesFile, list[EventMessage]]
) -> None:
    hub, rules, sink = service_parts
    pool = DetectorPool(rules, tmp_path)
    slow = SlowDetector()
    pool.put("default", slow)
    service = start(tmp_path, hub, rules, sink, pool)
    try:
        with live_cameras(hub, shared_dir, 10):
            wait_for(lambda: slow.calls >= 2 * len(CAMERAS), 40, "two detector turns each")
            observed = {str(v["camera_id"]): int(str(v["analysed"])) for v in service.stats()}
        workers = service.workers()
    finally:
        service.stop()
    detected = [w.stats.inferences for w in workers]
    # The detector is the bottleneck, yet motion checks go on for every camera, and turns at
    # the detector go round: no camera is more than one turn ahead of another.
    assert max(detected) - min(detected) <= 1 and min(detected) >= 1
    assert min(observed.values()) > max(detected)
    assert service.inference.replaced > 0  # waiting frames were replaced by newer ones


def test_stop_ends_open_events(
    tmp_path: Path, service_parts: tuple[Hub, RulesFile, list[EventMessage]]
) -> None:
    hub, rules, sink = service_parts
    service = start(tmp_path, hub, rules, sink)
    assert service.cameras() == CAMERAS
    assert service.stop() == []  # nothing was open
