"""Detector accuracy and speed on the shared test media.

    python bench/detect_eval.py            # YOLOX per-class recall/precision on COCO road images
    python bench/detect_eval.py --plates   # licence-plate exact-match table

Each evaluation is a function returning a report, so other benches can reuse them.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from detectors import Detector, default_registry
from detectors.metrics import ClassCounts, match

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
COCO_DIR = Path("media/images/coco_val2017_road")
PLATES_DIR = Path("media/plates")


def pad(text: str, width: int) -> str:
    """Left-justify counting CJK characters as two columns, so tables line up."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def read_image(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read image {path}")
    return np.asarray(image, dtype=np.uint8)


@dataclass
class CocoReport:
    counts: dict[int, ClassCounts]
    names: Sequence[str]
    images: int
    ms_per_image: float


def load_coco_truth(annotations: Path) -> dict[str, list[tuple[int, tuple[float, ...]]]]:
    """file name -> [(0-based class id, (x1, y1, x2, y2))] from a COCO json with [x, y, w, h]."""
    data = json.loads(annotations.read_text(encoding="utf-8"))
    files = {image["id"]: image["file_name"] for image in data["images"]}
    truth: dict[str, list[tuple[int, tuple[float, ...]]]] = {name: [] for name in files.values()}
    for item in data["annotations"]:
        x, y, w, h = item["bbox"]
        truth[files[item["image_id"]]].append((int(item["category_id"]), (x, y, x + w, y + h)))
    return truth


def coco_eval(detector: Detector, image_dir: Path, iou_threshold: float = 0.5) -> CocoReport:
    truth = load_coco_truth(image_dir / "annotations_coco.json")
    counts: dict[int, ClassCounts] = {}
    elapsed = 0.0
    detector.detect(read_image(image_dir / next(iter(truth))))  # warm-up, not timed
    for name, boxes in sorted(truth.items()):
        image = read_image(image_dir / name)
        started = time.perf_counter()
        found = detector.detect(image)
        elapsed += time.perf_counter() - started
        match(found, [(c, (b[0], b[1], b[2], b[3])) for c, b in boxes], iou_threshold, counts)
    names = getattr(detector, "class_names", ())
    return CocoReport(counts, names, len(truth), 1000 * elapsed / max(1, len(truth)))


def print_coco(report: CocoReport) -> None:
    print(f"{'class':<16}{'GT':>5}{'TP':>5}{'FP':>5}{'recall':>9}{'precision':>11}")
    total = ClassCounts()
    for class_id, c in sorted(report.counts.items(), key=lambda kv: -kv[1].truths):
        name = report.names[class_id] if class_id < len(report.names) else str(class_id)
        print(f"{name:<16}{c.truths:>5}{c.tp:>5}{c.fp:>5}{c.recall:>9.2f}{c.precision:>11.2f}")
        total.tp, total.fp, total.truths = total.tp + c.tp, total.fp + c.fp, total.truths + c.truths
    print(
        f"{'all':<16}{total.truths:>5}{total.tp:>5}{total.fp:>5}"
        f"{total.recall:>9.2f}{total.precision:>11.2f}"
    )
    print(f"{report.images} images, {report.ms_per_image:.1f} ms/image")


@dataclass
class PlateReport:
    rows: list[tuple[str, str, list[str]]] = field(default_factory=list)  # file, label, reads
    ms_per_image: float = 0.0

    @property
    def exact(self) -> int:
        return sum(label in reads for _file, label, reads in self.rows)


def plates_eval(detector: Detector, plates_dir: Path, include_crops: bool = False) -> PlateReport:
    """An image counts as read when one of its plates reads exactly as labels.csv says."""
    report = PlateReport()
    elapsed = 0.0
    with (plates_dir / "labels.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if include_crops or "/" not in r["file"]]
    for row in rows:
        image = read_image(plates_dir / row["file"])
        started = time.perf_counter()
        found = detector.detect(image)
        elapsed += time.perf_counter() - started
        reads = [str(d.extra.get("text", "")) for d in found]
        report.rows.append((row["file"], row["plate"], reads))
    report.ms_per_image = 1000 * elapsed / max(1, len(rows))
    return report


def print_plates(report: PlateReport) -> None:
    print(f"{'file':<38}{'label':<11}{'ok':<4}reads")
    for file, label, reads in report.rows:
        ok = "yes" if label in reads else "-"
        print(f"{file:<38}{pad(label, 11)}{ok:<4}{' '.join(reads)}")
    print(
        f"exact match {report.exact}/{len(report.rows)} "
        f"({100 * report.exact / max(1, len(report.rows)):.0f} %), "
        f"{report.ms_per_image:.0f} ms/image"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="shared media folder")
    parser.add_argument("--plates", action="store_true", help="plate exact-match table")
    parser.add_argument("--coco", action="store_true", help="YOLOX COCO table (default)")
    parser.add_argument("--model", type=Path, help="YOLOX model (default: shared yolox_nano)")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads")
    parser.add_argument("--rules", action="store_true", help="per-rule event P/R (rule_eval)")
    args = parser.parse_args(argv)
    registry = default_registry()
    if args.rules:  # per-rule event precision/recall: bench/rule_eval.py
        from rule_eval import print_rules, rules_eval

        print_rules(rules_eval(args.shared))
        return 0
    if args.coco or not args.plates:
        model = args.model or args.shared / "models" / "yolox_nano.onnx"
        yolox = registry.create("yolox", model=model, threads=args.threads)
        print(f"YOLOX {yolox.version}, IoU 0.5, score >= 0.3")
        print_coco(coco_eval(yolox, args.shared / COCO_DIR))
    if args.plates:
        plates = registry.create("plates", threads=args.threads)
        print(f"plates {plates.version}")
        print_plates(plates_eval(plates, args.shared / PLATES_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
