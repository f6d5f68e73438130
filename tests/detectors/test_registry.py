from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from detectors import (
    Detection,
    DetectorConfigError,
    Factory,
    ModelNotFoundError,
    Registry,
    default_registry,
)


class _EchoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = "echo"


class _Echo:
    type = "echo"
    version = "echo/1"

    def __init__(self, options: _EchoOptions) -> None:
        self.label = options.label

    def detect(self, frame: object) -> list[Detection]:
        return [Detection(self.label, 0, 1.0, (0.0, 0.0, 1.0, 1.0))]


def test_builtins_are_registered_and_registries_are_independent() -> None:
    first, second = default_registry(), default_registry()
    assert {"yolox", "ultralytics", "plates", "motion"} <= set(first.types())
    first.register("echo", Factory(_EchoOptions, _Echo))
    assert "echo" in first and "echo" not in second


def test_create_validates_options_and_builds() -> None:
    registry = Registry({"echo": Factory(_EchoOptions, _Echo)})
    detector = registry.create("echo", label="hello")
    assert detector.detect(object())[0].label == "hello"  # type: ignore[arg-type]


def test_unknown_type_lists_known_types() -> None:
    with pytest.raises(DetectorConfigError, match=r"unknown detector type 'yolo'.*yolox"):
        default_registry().create("yolo")


def test_bad_options_name_the_field() -> None:
    registry = default_registry()
    with pytest.raises(DetectorConfigError, match=r"'yolox'.*score_threshold"):
        registry.create("yolox", model="m.onnx", score_threshold=2)
    with pytest.raises(DetectorConfigError, match=r"colour.*[Ee]xtra"):
        registry.validate("plates", {"colour": "blue"})
    with pytest.raises(DetectorConfigError, match=r"model.*[Ff]ield required"):
        registry.validate("yolox", {})


def test_duplicate_registration_is_refused() -> None:
    registry = Registry({"echo": Factory(_EchoOptions, _Echo)})
    with pytest.raises(DetectorConfigError, match="already registered"):
        registry.register("echo", Factory(_EchoOptions, _Echo))


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.onnx"
    with pytest.raises(ModelNotFoundError, match="never downloaded") as info:
        default_registry().create("yolox", model=missing)
    assert str(missing) in str(info.value)
