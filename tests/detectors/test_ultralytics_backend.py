"""The optional ultralytics backend: clear errors without it, real runs where installed.

Real runs use models built here from ultralytics' own YAML (random weights, so boxes are
arbitrary) and an ONNX export of one; the network is cut for the whole module, so any
download or pip "AutoUpdate" attempt fails the test instead of happening.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from detectors import (
    Detection,
    DetectorConfigError,
    DetectorError,
    ModelNotFoundError,
    default_registry,
    run_batch,
)
from detectors.coco_names import COCO_CLASSES
from detectors.ultralytics_backend import INSTALL_HINT, UltralyticsDetector, import_ultralytics

needs_ultralytics = pytest.mark.skipif(
    importlib.util.find_spec("ultralytics") is None,
    reason="optional extra not installed: pip install 'vgateway[ultralytics]'",
)


def _no_network(*args: object, **kwargs: object) -> Any:
    raise OSError(f"network access attempted in a test: {args!r}")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """ultralytics imported through the backend, with sockets unable to reach anything."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        patch.setattr(socket.socket, "connect", _no_network)
        # Its settings file goes here instead of the user's ~/.config (read at import).
        patch.setenv("YOLO_CONFIG_DIR", str(tmp_path_factory.mktemp("ultralytics-config")))
        yield import_ultralytics()


def _build(ultralytics: Any, config: str | Path, names: dict[int, str], target: Path) -> Path:
    model = ultralytics.YOLO(str(config))
    model.model.names = names  # what training would store in real weights
    model.save(str(target))
    return target


@pytest.fixture(scope="module")
def coco_pt(offline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("coco")
    return _build(offline, "yolo11n.yaml", dict(enumerate(COCO_CLASSES)), folder / "coco.pt")


@pytest.fixture(scope="module")
def tanker_pt(offline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site's own single-class model: nc=1, names {0: tanker}."""
    folder = tmp_path_factory.mktemp("tanker")
    base = Path(offline.__file__).parent / "cfg" / "models" / "11" / "yolo11.yaml"
    config = yaml.safe_load(base.read_text())
    config.update(nc=1, scale="n", names={0: "tanker"})
    config_path = folder / "tanker.yaml"
    config_path.write_text(yaml.safe_dump(config))
    return _build(offline, config_path, {0: "tanker"}, folder / "tanker.pt")


@pytest.fixture
def bus(offline: Any, read_image: Any) -> np.ndarray:
    image: np.ndarray = read_image(Path(offline.__file__).parent / "assets" / "bus.jpg")
    return image


def _check(found: list[Detection], frame: np.ndarray, labels: set[str], floor: float) -> None:
    height, width = frame.shape[:2]
    for item in found:
        assert isinstance(item, Detection)
        assert item.label in labels
        assert floor <= item.score <= 1.0
        x1, y1, x2, y2 = item.box
        assert 0 <= x1 <= x2 <= width and 0 <= y1 <= y2 <= height


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


def test_device_option_is_checked() -> None:
    with pytest.raises(DetectorConfigError, match="device"):
        default_registry().validate("ultralytics", {"model": "m.pt", "device": "tpu"})


@needs_ultralytics
def test_ultralytics_is_imported_offline_without_autoupdate(offline: Any) -> None:
    assert importlib.import_module("ultralytics.utils").ONLINE is False
    assert importlib.import_module("ultralytics.utils.checks").AUTOINSTALL is False


@needs_ultralytics
def test_bare_name_is_refused_with_ultralytics_installed(
    offline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelNotFoundError, match=r"yolo11n\.pt.*never downloaded"):
        default_registry().create("ultralytics", model="yolo11n.pt")


@needs_ultralytics
def test_pt_model_detects_in_real_frames(
    coco_pt: Path, bus: np.ndarray, street_frames: list[np.ndarray]
) -> None:
    detector = default_registry().create(
        "ultralytics", model=coco_pt, image_size=320, score_threshold=0.0
    )
    assert isinstance(detector, UltralyticsDetector)
    assert detector.version.startswith("coco.pt:")
    assert detector.class_names[0] == "person"
    frames = [bus, street_frames[0], street_frames[100]]
    single = detector.detect(bus)
    _check(single, bus, set(COCO_CLASSES), 0.0)
    calls = []
    predict = detector._model.predict
    detector._model.predict = lambda *a, **k: calls.append(a) or predict(*a, **k)
    batched = run_batch(detector, frames)
    assert len(calls) == 1 and len(batched) == 3  # one predict call for the whole batch
    for found, frame in zip(batched, frames, strict=True):
        _check(found, frame, set(COCO_CLASSES), 0.0)


@needs_ultralytics
def test_score_threshold_and_classes_filter(coco_pt: Path, bus: np.ndarray) -> None:
    everything = default_registry().create(
        "ultralytics", model=coco_pt, image_size=320, score_threshold=0.0
    )
    scores = sorted(d.score for d in everything.detect(bus))
    assert scores, "a random model still gives low-score boxes at threshold 0"
    floor = scores[len(scores) // 2]
    confident = default_registry().create(
        "ultralytics", model=coco_pt, image_size=320, score_threshold=floor
    )
    kept = confident.detect(bus)
    assert 0 < len(kept) < len(scores)
    assert all(d.score >= floor - 1e-6 for d in kept)
    labels = {d.label for d in everything.detect(bus)}
    wanted = sorted(labels)[:2]
    filtered = default_registry().create(
        "ultralytics", model=coco_pt, image_size=320, score_threshold=0.0, classes=wanted
    )
    found = filtered.detect(bus)
    assert found and {d.label for d in found} <= set(wanted)
    with pytest.raises(DetectorConfigError, match=r"no classes.*tanker"):
        default_registry().create("ultralytics", model=coco_pt, classes=["tanker"])


@needs_ultralytics
# torch's tracer warns about Python branches in ultralytics' head; the export is still valid.
@pytest.mark.filterwarnings("ignore:Converting a tensor to a Python boolean")
def test_onnx_export_loads_through_the_backend(
    offline: Any, coco_pt: Path, bus: np.ndarray, street_frames: list[np.ndarray]
) -> None:
    exported = Path(offline.YOLO(str(coco_pt)).export(format="onnx", imgsz=320))
    assert exported.suffix == ".onnx" and exported.exists()
    detector = default_registry().create(
        "ultralytics", model=exported, image_size=320, score_threshold=0.0
    )
    assert detector.version.startswith("coco.onnx:")
    assert detector.class_names[2] == "car"  # names travel in the ONNX metadata
    frames = [bus, street_frames[0], street_frames[1]]
    batched = run_batch(detector, frames)
    assert len(batched) == 3
    for found, frame in zip(batched, frames, strict=True):
        _check(found, frame, set(COCO_CLASSES), 0.0)


@needs_ultralytics
def test_site_tanker_model_plugs_in_without_code_changes(
    tanker_pt: Path, street_frames: list[np.ndarray]
) -> None:
    detector = default_registry().create(
        "ultralytics", model=tanker_pt, image_size=320, score_threshold=0.0, classes=["tanker"]
    )
    assert detector.class_names == {0: "tanker"}
    found = detector.detect(street_frames[50])
    assert found
    _check(found, street_frames[50], {"tanker"}, 0.0)
    assert {d.class_id for d in found} == {0}


@needs_ultralytics
def test_unloadable_file_is_a_detector_error(offline: Any, tmp_path: Path) -> None:
    model = tmp_path / "broken.pt"
    model.write_bytes(b"not really a model")
    with pytest.raises(DetectorError, match=r"cannot load .*broken\.pt"):
        default_registry().create("ultralytics", model=model)


@needs_ultralytics
def test_device_errors_are_clear(offline: Any, coco_pt: Path) -> None:
    with pytest.raises(DetectorConfigError, match=r"half.*cuda"):
        default_registry().create("ultralytics", model=coco_pt, half=True)
    torch = importlib.import_module("torch")
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        with pytest.raises(DetectorConfigError, match=f"only {count} CUDA"):
            default_registry().create("ultralytics", model=coco_pt, device=f"cuda:{count}")
    else:
        with pytest.raises(DetectorConfigError, match="CUDA is not available"):
            default_registry().create("ultralytics", model=coco_pt, device="cuda")


@needs_ultralytics
def test_cuda_inference(offline: Any, coco_pt: Path, bus: np.ndarray) -> None:
    if not importlib.import_module("torch").cuda.is_available():
        pytest.skip("no CUDA device on this machine")
    detector = default_registry().create(
        "ultralytics", model=coco_pt, device="cuda:0", half=True, score_threshold=0.0
    )
    _check(detector.detect(bus), bus, set(COCO_CLASSES), 0.0)
