"""The command line: help texts and check-config's all-errors-at-once report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from vgateway.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "simulate", "check-config"):
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Usage" in sub.output


def test_check_config_accepts_the_demo_network() -> None:
    result = runner.invoke(app, ["check-config", str(REPO / "camera_configs/demo.yaml")])
    assert result.exit_code == 0, result.output
    assert "119 cameras" in result.output


def test_check_config_lists_every_error_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        """district: 测试区
towns:
  - {id: a, name: 甲镇, name_en: Jia, kind: 镇}
cameras:
  - id: cam1
    name: 一号
    town: a
    department: 交警
    location: 路口
    area_type: crossroad
    coordinates: {lat: 30.1, lon: 120.1}
    streams: {main: {url: "rtsp://admin:${NOPE_PASSWORD}@10.0.0.1/1"}}
    colour: red
  - id: cam1
    name: 二号
    town: b
    department: 交警
    location: 路口
    area_type: crossroad
    coordinates: {lat: 30.1, lon: "east"}
    streams: {main: {url: "http://10.0.0.2/x"}}
""",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "vgateway", "check-config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    report = result.stderr
    assert "Traceback" not in report
    for expected in (
        "bad.yaml:13:5: cameras[0].colour",  # unknown key
        "NOPE_PASSWORD",  # unset secret variable, named but never a value
        "cameras[1].id",  # duplicate id
        "cameras[1].town",  # unknown town
        "cameras[1].coordinates.lon",  # wrong type
        "cameras[1].streams.main.url",  # malformed (not rtsp) URL
    ):
        assert expected in report, f"{expected!r} missing from:\n{report}"
