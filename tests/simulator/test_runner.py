"""Simulator options, start-up errors and the command line (no streaming)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.rtsp import require_gst_rtsp_server
from vgateway.simulator.client import SimulatorProcess
from vgateway.simulator.gst_child import DEBIAN_PACKAGES, SimulatorError, gst_unavailable_reason
from vgateway.simulator.runner import SimulatorOptions, run_simulator


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock.getsockname()[1]


def test_default_camera_ids() -> None:
    options = SimulatorOptions(cameras=3)
    assert options.resolved_camera_ids() == ("cam001", "cam002", "cam003")
    assert SimulatorOptions().resolved_camera_ids()[-1] == "cam119"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SimulatorOptions(camera_ids=("cam 1",)), "camera_ids: 'cam 1' is not a valid"),
        (SimulatorOptions(camera_ids=("a", "a")), "duplicate"),
        (SimulatorOptions(cameras=0), "at least one camera"),
        (SimulatorOptions(cameras=2, codecs={"cam009": "h265"}), "'cam009' is not one of"),
        (SimulatorOptions(cameras=2, codecs={"cam001": "vp9"}), "cam001='vp9'"),
        (SimulatorOptions(streams=("main", "third")), "streams: ['third']"),
        (SimulatorOptions(media_dir=Path("/nonexistent/media")), "media_dir: /nonexistent/media"),
        (SimulatorOptions(sub_gop_s=0.1), "sub_gop_s: 0.1; 0 (as shot) or 0.2 to 10 s"),
        (SimulatorOptions(sub_gop_s=1, media_dir=None), "sub_gop_s: re-encodes the media clips"),
    ],
)
def test_bad_options_name_the_field(options: SimulatorOptions, message: str) -> None:
    with pytest.raises(SimulatorError, match=None) as error:
        options.validate()
    assert message in str(error.value)


def test_missing_gstreamer_names_the_debian_packages(tmp_path: Path) -> None:
    missing = gst_unavailable_reason(tmp_path / "python3")
    assert missing is not None and DEBIAN_PACKAGES in missing
    without_gi = gst_unavailable_reason(Path(sys.executable))  # the venv has no python3-gi
    assert without_gi is not None and "cannot load GStreamer's RTSP server" in without_gi
    assert "gir1.2-gst-rtsp-server-1.0" in without_gi


def test_busy_port_is_a_clear_error(busy_port: int) -> None:
    require_gst_rtsp_server()
    options = SimulatorOptions(cameras=1, port=busy_port, control_port=0)
    with pytest.raises(SimulatorError, match=f"RTSP port: cannot listen on 127.0.0.1:{busy_port}"):
        run_simulator(options)


def test_command_line_reports_errors_without_a_traceback(busy_port: int) -> None:
    require_gst_rtsp_server()
    command = [sys.executable, "-m", "vgateway.simulator", "--cameras", "1"]
    command += ["--port", "0", "--control-port", str(busy_port)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert f"error: control port: cannot listen on 127.0.0.1:{busy_port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_sub_gop_without_the_sub_clip_is_a_clear_error(tmp_path: Path) -> None:
    require_gst_rtsp_server()
    simulator = SimulatorProcess(cameras=1, media_dir=tmp_path, sub_gop_s=1.0)
    with pytest.raises(SimulatorError, match="--sub-gop re-encodes residential_street_cam_640x352"):
        simulator.start()
