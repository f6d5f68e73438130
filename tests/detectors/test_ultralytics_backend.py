"""The optional ultralytics backend: clear errors without it, a real run where installed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from detectors import DetectorError, ModelNotFoundError, default_registry, run_batch
from detectors.ultralytics_backend import INSTALL_HINT


def test_bare_model_names_are_refused_before_anything_is_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # "yolo11n.pt" does not exist here
    # Were ultralytics imported (it would fetch the weights), this would be the install hint.
    monkeypatch.setitem(sys.modules, "ultralytics", None)
    with pytest.raises(ModelNotFoundError, match=r"yolo11n\.pt.*never downloaded"):
        default_registry().create("ultralytics", model="yolo11n.pt")


def test_missing_package_gives_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.pt"
    model.write_bytes(b"not really a model")
    monkeypatch.setitem(sys.modules, "ultralytics", None)  # makes `import ultralytics` fail
    with pytest.raises(DetectorError) as info:
        default_registry().create("ultralytics", model=model)
    assert str(info.value) == INSTALL_HINT


def test_device_option_is_checked(tmp_path: Path) -> None:
    from detectors import DetectorConfigError

    with pytest.raises(DetectorConfigError, match="device"):
        default_registry().validate("ultralytics", {"model": "m.pt", "device": "tpu"})


def test_real_model_from_yaml(tmp_path: Path) -> None:
    ultralytics = pytest.importorskip("ultralytics", reason="optional extra not installed")
    # A randomly initialised model built offline from the package's YAML, saved as a file:
    # it finds nothing, but exercises loading, predict and the conversion end to end.
    model = ultralytics.YOLO("yolo11n.yaml")
    weights = tmp_path / "random.pt"
    model.save(str(weights))
    detector = default_registry().create("ultralytics", model=weights, image_size=320)
    frame = np.zeros((352, 640, 3), np.uint8)
    assert isinstance(detector.detect(frame), list)
    assert len(run_batch(detector, [frame, frame])) == 2
    assert detector.version.startswith("random.pt:")
