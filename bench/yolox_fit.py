"""YOLOX at the height a frame needs (`fit_height`) against the square input, in one run.

    python bench/yolox_fit.py [--rounds 5] [--threads 1]

A 640x352 camera frame letterboxed into YOLOX-Nano's 416x416 input fills 229 rows; the rest is
padding the model still convolves. With `fit_height` the input is 416x256 (the next multiple of
32). Prints ms per frame for both (interleaved rounds, so machine noise hits both), the ratio,
and whether both find the same objects (label and IoU > 0.9) on the real camera clip and on the
COCO road images.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detectors import Detection, Detector, default_registry  # noqa: E402
from detectors.metrics import iou  # noqa: E402

SHARED = REPO.parent / "shared"
CLIP = "media/videos/residential_street_cam_640x352.mp4"
COCO = "media/images/coco_val2017_road"


def camera_frames(shared: Path, count: int = 12) -> list[np.ndarray]:
    with av.open(str(shared / CLIP)) as clip:
        frames = [f.to_ndarray(format="bgr24") for f in clip.decode(video=0)]
    return frames[:: max(1, len(frames) // count)][:count]


def coco_images(shared: Path) -> list[np.ndarray]:
    return [cv2.imread(str(p)) for p in sorted((shared / COCO).glob("*.jpg"))]


def ms_per_frame(detector: Detector, frames: list[np.ndarray]) -> float:
    started = time.perf_counter()
    for frame in frames:
        detector.detect(frame)
    return (time.perf_counter() - started) / len(frames) * 1000


def same(a: list[Detection], b: list[Detection]) -> bool:
    if len(a) != len(b):
        return False
    return all(any(x.label == y.label and iou(x.box, y.box) > 0.9 for y in b) for x in a)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    model = args.shared / "models/yolox_nano.onnx"
    registry = default_registry()
    square = registry.create("yolox", model=model, threads=args.threads, fit_height=False)
    fitted = registry.create("yolox", model=model, threads=args.threads, fit_height=True)
    for name, frames in (
        ("640x352 camera frames", camera_frames(args.shared)),
        ("COCO road images", coco_images(args.shared)),
    ):
        for detector in (square, fitted):  # warm-up
            ms_per_frame(detector, frames[:2])
        times: dict[str, list[float]] = {"square": [], "fit": []}
        for _ in range(args.rounds):
            times["square"].append(ms_per_frame(square, frames))
            times["fit"].append(ms_per_frame(fitted, frames))
        agree = sum(same(square.detect(f), fitted.detect(f)) for f in frames)
        sq, fit = statistics.median(times["square"]), statistics.median(times["fit"])
        print(f"{name} ({len(frames)}):")
        print(f"  square input  {sq:6.1f} ms/frame")
        print(f"  fit_height    {fit:6.1f} ms/frame   ratio {fit / sq:.2f}")
        print(f"  same objects  {agree}/{len(frames)} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
