"""Ingest against GStreamer's RTSP server (through the simulator's fault proxy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.network import network_for
from tests.fixtures.waiting import wait_for
from vgateway.health import CameraState
from vgateway.hub import Hub, StreamKey
from vgateway.ingest.manager import IngestManager
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp


@pytest.fixture
def gateway(
    simulator: SimulatorProcess, tmp_path: Path
) -> Iterator[tuple[IngestManager, SimulatorProcess]]:
    config = network_for(
        {
            cam: {"main": simulator.url(cam, "main"), "sub": simulator.url(cam, "sub")}
            for cam in simulator.camera_ids
        },
        tmp_path,
    )
    manager = IngestManager(config, Hub())
    yield manager, simulator
    manager.stop()


def _state(manager: IngestManager, camera: str) -> CameraState:
    return manager.camera_state(camera)


def _online(manager: IngestManager, camera: str) -> bool:
    return _state(manager, camera) == CameraState.ONLINE


def test_all_cameras_come_online_and_publish_h264(
    gateway: tuple[IngestManager, SimulatorProcess],
) -> None:
    manager, sim = gateway
    manager.start()
    for cam in sim.camera_ids:
        wait_for(lambda cam=cam: _online(manager, cam), 15, f"{cam} online")
    view = manager.health[StreamKey(sim.camera_ids[0], "sub")].view()
    assert view.codec == "h264"
    sub = manager.health[StreamKey(sim.camera_ids[0], "sub")]
    wait_for(lambda: sub.view().fps > 15, 5, "fps")
    view = sub.view()  # the residential clip: 24 fps, a keyframe every 2 s, about 535 kbit/s
    assert view.keyframe_interval_s == pytest.approx(2.0, abs=0.05)
    assert 200_000 < view.bitrate_bps < 2_000_000 and view.packets > 0 and view.bytes > 0
    # main streams are on demand: nobody watches, so nothing is pulled
    assert manager.health[StreamKey(sim.camera_ids[0], "main")].state == CameraState.IDLE
    assert sim.sessions(sim.camera_ids[0], "main") == 0


def test_twenty_subscribers_share_one_upstream_session(
    gateway: tuple[IngestManager, SimulatorProcess],
) -> None:
    manager, sim = gateway
    manager.start()
    cam = sim.camera_ids[0]
    subs = [manager.hub.subscribe(cam, "main", f"viewer{i}") for i in range(20)]
    wait_for(lambda: all(len(s) > 30 for s in subs), 15, "20 subscribers receiving")
    assert sim.sessions(cam, "main") == 1
    assert sim.sessions(cam, "sub") == 1
    for sub in subs:
        sub.close()
    # on-demand main stream is released after the idle time (1 s in tests)
    wait_for(lambda: sim.sessions(cam, "main") == 0, 10, "main stream released")


def test_subscriber_that_stops_reading_does_not_slow_others(
    gateway: tuple[IngestManager, SimulatorProcess],
) -> None:
    manager, sim = gateway
    manager.start()
    cam = sim.camera_ids[0]
    stuck = manager.hub.subscribe(cam, "sub", "stuck", maxlen=20)
    reader = manager.hub.subscribe(cam, "sub", "reader", maxlen=400)
    received: list[float] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            packet = reader.get_blocking(0.5)
            if packet is not None:
                received.append(time.time() - packet.wallclock)

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(4)
    stop.set()
    thread.join()
    assert stuck.dropped > 0 and stuck.skips > 0
    assert len(received) > 60  # ~24 fps for 4 s, starting with the cached GOP
    assert reader.dropped == 0
    assert max(received[-40:]) < 0.5  # the reader keeps up with live


def test_camera_killed_and_restarted_mid_stream_comes_back(
    gateway: tuple[IngestManager, SimulatorProcess],
) -> None:
    manager, sim = gateway
    manager.start()
    cam = sim.camera_ids[0]
    wait_for(lambda: _online(manager, cam), 15, "online")
    key = StreamKey(cam, "sub")
    epoch = manager.hub.stream(*key).epoch
    sim.restart_server()
    wait_for(
        lambda: manager.hub.stream(*key).epoch > epoch and _online(manager, cam),
        20,
        "back online after the server restart",
    )
    assert manager.health[key].view().reconnects >= 1


def test_camera_down_at_start_joins_later(
    gateway: tuple[IngestManager, SimulatorProcess],
) -> None:
    manager, sim = gateway
    cam = sim.camera_ids[1]
    sim.set_fault(cam, "down")
    manager.start()
    wait_for(lambda: _state(manager, cam) == CameraState.OFFLINE, 15, "reported offline")
    time.sleep(3)  # let the backoff reach its cap
    sim.set_fault(cam, "ok")
    came_back = time.monotonic()
    wait_for(lambda: _online(manager, cam), 10, "joined after coming up")
    assert time.monotonic() - came_back < 5


@pytest.mark.parametrize("mode", ["garbage", "hangup_describe", "truncate", "garble"])
def test_misbehaving_server_is_survived_and_reported(
    gateway: tuple[IngestManager, SimulatorProcess], mode: str
) -> None:
    manager, sim = gateway
    bad, good = sim.camera_ids[2], sim.camera_ids[3]
    sim.set_fault(bad, mode)
    manager.start()
    wait_for(lambda: _online(manager, good), 15, "healthy camera online")
    if mode in ("garbage", "hangup_describe"):
        wait_for(lambda: _state(manager, bad) == CameraState.OFFLINE, 15, f"{mode} reported")
        assert manager.health[StreamKey(bad, "sub")].view().last_error
    else:
        # corrupted payloads still arrive as packets: the stream stays up and ingest survives
        time.sleep(3)
    sim.set_fault(bad, "ok")
    wait_for(lambda: _online(manager, bad), 15, "recovered after the fault cleared")
    assert _online(manager, good)


def test_stall_forces_a_reconnect(gateway: tuple[IngestManager, SimulatorProcess]) -> None:
    manager, sim = gateway
    manager.start()
    cam = sim.camera_ids[0]
    wait_for(lambda: _online(manager, cam), 15, "online")
    sim.set_fault(cam, "stall")
    wait_for(
        lambda: _state(manager, cam) in (CameraState.STALLED, CameraState.OFFLINE),
        10,
        "stall detected",
    )
    sim.set_fault(cam, "ok")
    wait_for(lambda: _online(manager, cam), 15, "online after the stall")
    assert manager.health[StreamKey(cam, "sub")].view().reconnects >= 1
