"""Fixtures for configuration tests: a small valid network whose line numbers tests rely on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PASSWORD = "S3cr3t-Pa55w0rd"

# Line numbers matter: tests replace whole lines and expect issues at them.
VALID = """\
district: 测试区
towns:
  - id: alpha
    name: 甲街道
    name_en: Alpha Subdistrict
    kind: 街道
  - id: beta
    name: 乙镇
    name_en: Beta Town
    kind: 镇
cameras:
  - id: cam001
    name: 人民路与解放路交叉口
    town: alpha
    department: 公安局交警大队
    location: 甲街道人民路与解放路交叉口东北角
    area_type: crossroad
    coordinates: {lat: 30.3, lon: 120.2}
    streams:
      main: {url: "rtsp://admin:${CAM_PW}@10.0.0.1:554/Streaming/Channels/101"}
      sub: {url: "rtsp://admin:${CAM_PW}@10.0.0.1:554/Streaming/Channels/102"}
    shared_with: [beta]
  - id: cam002
    name: 乙镇农贸市场
    town: beta
    department: 市场监管局
    location: 乙镇农贸市场东门
    area_type: market
    coordinates: {lat: 30.31, lon: 120.21}
    streams:
      main:
        url: "rtsp://admin:${CAM_PW}@10.0.0.2:554/cam/realmonitor?channel=1&subtype=0"
"""


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def env() -> dict[str, str]:
    return {"CAM_PW": PASSWORD}


@pytest.fixture
def valid_yaml() -> str:
    return VALID


@pytest.fixture
def edit() -> Callable[..., str]:
    """edit(text, {line: replacement}) replaces 1-based lines; a replacement may span lines."""

    def apply(text: str, replacements: dict[int, str]) -> str:
        lines = text.splitlines()
        for number, replacement in replacements.items():
            lines[number - 1] = replacement
        return "\n".join(lines) + "\n"

    return apply


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write_file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write_file
