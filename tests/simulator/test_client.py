"""SimulatorProcess end to end: each fault mode as a PyAV client sees it, restarts (real parts)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from tests.fixtures.rtsp import (
    Received,
    StreamReader,
    annexb_nal_units,
    avcc_nal_units,
    require_gst_rtsp_server,
)
from tests.fixtures.waiting import wait_for
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp

OPEN_FAILS = (av.FFmpegError, OSError)


@pytest.fixture
def camera(shared_simulator: SimulatorProcess) -> Iterator[str]:
    """A camera of the shared simulator whose fault is cleared after the test."""
    yield "cam001"
    shared_simulator.set_fault("cam001", "ok")


@pytest.fixture(scope="module")
def clip_nals(shared_dir: Path) -> set[bytes]:
    """Picture NAL units of the sub clip: what an undamaged sub stream is made of."""
    path = shared_dir / "media/videos/residential_street_cam_640x352.mp4"
    with av.open(str(path)) as container:
        return {
            nal
            for packet in container.demux(video=0)
            for nal in avcc_nal_units(bytes(packet))
            if nal and nal[0] & 0x1F in (1, 5)
        }


def _intact_share(packets: list[Received], clip_nals: set[bytes]) -> float:
    pictures = [n for p in packets for n in annexb_nal_units(p.data) if n[0] & 0x1F in (1, 5)]
    assert pictures, "no picture NAL units received"
    return sum(1 for nal in pictures if nal in clip_nals) / len(pictures)


def test_down_closes_open_connections_and_refuses_new_ones(
    shared_simulator: SimulatorProcess, camera: str
) -> None:
    with StreamReader(shared_simulator.url(camera, "sub")) as reader:
        assert len(reader.read(count=3)) == 3
        shared_simulator.set_fault(camera, "down")
        reader.read(seconds=20)
        assert reader.ended
    with pytest.raises(OPEN_FAILS):
        StreamReader(shared_simulator.url(camera, "main"), timeout_s=3)
    shared_simulator.set_fault(camera, "ok")
    with StreamReader(shared_simulator.url(camera, "main")) as reader:
        assert len(reader.read(count=3)) == 3


def test_stall_keeps_the_connection_but_sends_nothing(
    shared_simulator: SimulatorProcess, camera: str
) -> None:
    with StreamReader(shared_simulator.url(camera, "sub"), timeout_s=1) as reader:
        reader.read(count=30)  # past what the client buffered while opening
        shared_simulator.set_fault(camera, "stall")
        late = reader.read(seconds=30)
        # Only what was in flight arrives (not the 24 frames a second of a live stream), then
        # the client times out on a socket that stays open (a closed one ends without error).
        assert len(late) < 24
        assert reader.ended and isinstance(reader.error, TimeoutError)


@pytest.mark.parametrize("mode", ["garble", "truncate"])
def test_damaging_modes_corrupt_pictures_but_packets_keep_flowing(
    shared_simulator: SimulatorProcess, camera: str, clip_nals: set[bytes], mode: str
) -> None:
    with StreamReader(shared_simulator.url(camera, "sub")) as reader:
        assert _intact_share(reader.read(count=10), clip_nals) == 1.0
        shared_simulator.set_fault(camera, mode)
        reader.read(count=5)  # in flight before the fault
        damaged = reader.read(count=30, seconds=10)
        assert len(damaged) == 30 and not reader.ended
        assert _intact_share(damaged, clip_nals) < 0.5
        shared_simulator.set_fault(camera, "ok")
        reader.read(count=5)
        assert _intact_share(reader.read(count=20), clip_nals) == 1.0  # the client survived


def test_hangup_on_describe_makes_open_fail(
    shared_simulator: SimulatorProcess, camera: str
) -> None:
    shared_simulator.set_fault(camera, "hangup_describe")
    with pytest.raises(OPEN_FAILS):
        StreamReader(shared_simulator.url(camera, "sub"), timeout_s=3)


def test_garbage_answer_makes_open_fail(shared_simulator: SimulatorProcess, camera: str) -> None:
    shared_simulator.set_fault(camera, "garbage")
    with pytest.raises(OPEN_FAILS) as error:
        StreamReader(shared_simulator.url(camera, "sub"), timeout_s=3)
    assert not isinstance(error.value, TimeoutError)  # answered and closed, not left hanging


def test_direct_url_skips_the_proxy_and_its_faults(
    shared_simulator: SimulatorProcess, camera: str
) -> None:
    direct = shared_simulator.direct_url(camera, "sub")
    assert direct != shared_simulator.url(camera, "sub")
    shared_simulator.set_fault(camera, "stall")  # a proxy fault: the direct path does not see it
    with StreamReader(direct) as reader:
        assert len(reader.read(count=10)) == 10
        assert reader.size == (640, 352)


def test_faults_are_per_camera(shared_simulator: SimulatorProcess, camera: str) -> None:
    shared_simulator.set_fault(camera, "down")
    assert shared_simulator.status()["faults"][camera] == "down"
    with StreamReader(shared_simulator.url("cam002", "sub")) as reader:
        assert len(reader.read(count=3)) == 3


def test_unknown_fault_mode_or_camera_is_rejected(shared_simulator: SimulatorProcess) -> None:
    with pytest.raises(ValueError, match="unknown fault mode 'melt'"):
        shared_simulator.set_fault("cam001", "melt")
    with pytest.raises(KeyError, match="cam999"):
        shared_simulator.set_fault("cam999", "down")


def test_restart_drops_every_stream_and_brings_them_back(simulator: SimulatorProcess) -> None:
    with StreamReader(simulator.url("cam002", "main")) as reader:
        reader.read(count=3)
        assert simulator.wait_sessions("cam002", "main", 1) == 1
        simulator.restart_server()
        reader.read(seconds=20)
        assert reader.ended
    assert simulator.sessions("cam002", "main") == 0
    with StreamReader(simulator.url("cam002", "main")) as reader:
        assert len(reader.read(count=3)) == 3
        assert simulator.wait_sessions("cam002", "main", 1) == 1


def test_killed_server_refuses_until_started(simulator: SimulatorProcess) -> None:
    simulator.kill_server()
    assert simulator.status()["server"]["running"] is False
    with pytest.raises(OPEN_FAILS):
        StreamReader(simulator.url("cam001", "sub"), timeout_s=3)
    simulator.start_server()
    with StreamReader(simulator.url("cam001", "sub")) as reader:
        assert len(reader.read(count=3)) == 3


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "gone"


def test_a_crashed_server_is_restarted(simulator: SimulatorProcess) -> None:
    crashed = simulator.status()["server"]["pid"]
    os.kill(crashed, signal.SIGKILL)
    wait_for(lambda: simulator.status()["server"]["pid"] not in (None, crashed), 30, "a new server")
    with StreamReader(simulator.url("cam001", "sub")) as reader:
        assert len(reader.read(count=3)) == 3


def test_no_server_outlives_the_simulator() -> None:
    require_gst_rtsp_server()
    for ending in ("stop", "kill"):
        sim = SimulatorProcess(cameras=1, media_dir=None)
        sim.start()
        server = sim.status()["server"]["pid"]
        if ending == "stop":
            sim.stop()  # SIGTERM: clean shutdown
        else:
            assert sim.pid is not None
            os.kill(sim.pid, signal.SIGKILL)  # the kernel kills the server (PR_SET_PDEATHSIG)
        wait_for(lambda pid=server: not _alive(pid), 20, f"server {server} to exit after {ending}")
        sim.stop()
