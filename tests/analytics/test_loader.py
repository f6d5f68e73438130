"""Rules files: a good one loads; bad ones say file:line:field and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from vgateway.analytics.loader import RulesError, load_rules
from vgateway.analytics.rules import in_windows

REPO = Path(__file__).resolve().parents[2]

GOOD = """
detectors:
  tanker: {type: yolox, model: ../shared/models/yolox_nano.onnx, classes: [truck]}
cameras:
  cam001:
    fps: 2
    zones:
      road: [[0, 100], [640, 100], [640, 352], [0, 352]]
    lines:
      stop: [[0, 200], [640, 200]]
    rules:
      - {id: ban, type: designated_vehicle, zone: road, detector: tanker, classes: [truck],
         windows: ["07:00-09:00", "17:00-19:00"], priority: high}
      - {id: wrong, type: wrong_way, line: stop, allowed_direction: [[320, 100], [320, 300]]}
      - {id: lamps, type: streetlight_out, regions: {lamp1: [[10, 10], [20, 10], [20, 20]]}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, GOOD), camera_ids=["cam001"], base_dir=REPO)
    camera = rules.cameras["cam001"]
    assert camera.fps == 2 and next(r.type for r in camera.rules) == "designated_vehicle"
    assert rules.detector("tanker").type == "yolox"
    assert rules.detector("default").type == "yolox"


def test_repository_rules_file_loads() -> None:
    from vgateway.config import load_config

    config = load_config(REPO / "camera_configs" / "demo.yaml")
    rules = load_rules(
        REPO / "camera_configs" / "rules.yaml",
        camera_ids=[c.id for c in config.cameras],
        base_dir=REPO,
    )
    assert 3 <= len(rules.cameras) <= 10  # a handful of demo cameras, the rest stay light


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("zone: road, detector", "zone: roda, detector"), ":12:51: cameras.cam001.rules[0].zone"),
        (('"07:00-09:00"', '"7-9"'), "windows"),
        (("cam001:", "cam999:"), "unknown camera id 'cam999'"),
        (("detector: tanker", "detector: tank"), "unknown detector 'tank'"),
        (("type: wrong_way", "type: wrong_way, colour: red"), "colour"),
        (("fps: 2", "fps: -1"), "cameras.cam001.fps"),
    ],
)
def test_bad_files_name_the_place(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RulesError) as caught:
        load_rules(path, camera_ids=["cam001"], base_dir=REPO)
    text = str(caught.value)
    assert str(path) in text and expected in text, text


def test_yaml_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"rules.yaml:\d+"):
        load_rules(write(tmp_path, "cameras: [\n"), base_dir=REPO)


def test_time_windows_cross_midnight() -> None:
    assert in_windows(("22:00-06:00",), 23 * 60) and in_windows(("22:00-06:00",), 60)
    assert not in_windows(("22:00-06:00",), 12 * 60)
    assert in_windows((), 0)
