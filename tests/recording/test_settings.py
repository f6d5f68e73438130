from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.fixtures.network import network_for
from vgateway.recording import CameraRecording, RecordingMode, RecordingSettings


def test_plan_defaults_then_tag_then_camera(tmp_path: Path) -> None:
    config = network_for(
        {
            "cam001": {"main": "rtsp://h/1", "sub": "rtsp://h/1s"},
            "cam002": {"main": "rtsp://h/2", "sub": "rtsp://h/2s"},
            "cam003": {"main": "rtsp://h/3"},
        },
        tmp_path,
    )
    tagged = config.model_copy(
        update={
            "cameras": tuple(c.model_copy(update={"tags": ("hazchem",)}) for c in config.cameras)
        }
    )
    settings = RecordingSettings(
        tags={"hazchem": CameraRecording(mode=RecordingMode.continuous, retention_days=30)},
        cameras={"cam002": CameraRecording(mode=RecordingMode.off), "cam009": CameraRecording()},
    )
    plans = {c.id: settings.plan(c) for c in tagged.cameras}
    assert plans["cam001"].mode is RecordingMode.continuous
    assert plans["cam001"].retention_days == 30
    assert plans["cam001"].role == "sub"
    assert plans["cam002"].mode is RecordingMode.off  # camera id beats tag
    assert plans["cam003"].role == "main"  # no sub-stream: records what it has
    assert plans["cam003"].pre_roll_s == 10
    assert settings.unknown_cameras(config) == ["cam009"]
    assert RecordingSettings().plan(config.cameras[0]).mode is RecordingMode.events


def test_bad_values_name_the_field() -> None:
    with pytest.raises(ValidationError, match="segment_seconds"):
        RecordingSettings(segment_seconds=0)
    with pytest.raises(ValidationError, match=r"cameras\.cam001\.mode"):
        RecordingSettings.model_validate({"cameras": {"cam001": {"mode": "always"}}})
    with pytest.raises(ValidationError, match="extra"):
        RecordingSettings.model_validate({"retention": 3})
