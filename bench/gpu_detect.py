"""Detector throughput in batch across cameras, on whatever this machine has (GPU if any).

For each backend and device available, the project's own detectors (`detectors.default_registry`)
run `detect_batch` over one frame per camera, in batches of 1, 8, 32 and all cameras, and the
frames per second and milliseconds per frame are printed. CI never runs this; it is for a machine
with a GPU (and for comparing it with the CPU it has).

- ultralytics: a YOLO11n built from ultralytics' own YAML with untrained weights (nothing is
  downloaded; throughput does not depend on the weights, except that untrained weights find few
  boxes, so NMS is cheaper than with trained ones), on cuda fp16, cuda fp32 and cpu.
- YOLOX-Nano (`--yolox`, the ONNX model under ../shared/models) through onnxruntime with the
  providers this onnxruntime has (the CUDA provider only with onnxruntime-gpu).

Frames are the sub-stream clip's (640x352) when `--clip` is readable by OpenCV, else noise.

    python bench/gpu_detect.py [--cameras 119] [--seconds 3] [--yolox PATH] [--clip PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detectors import default_registry, run_batch  # noqa: E402
from detectors.ultralytics_backend import import_ultralytics  # noqa: E402

BATCHES = (1, 8, 32)


def frames_for(cameras: int, clip: Path | None) -> list[np.ndarray]:
    pictures: list[np.ndarray] = []
    if clip is not None and clip.exists():
        import cv2

        capture = cv2.VideoCapture(str(clip))
        while len(pictures) < cameras:
            ok, picture = capture.read()
            if not ok:
                break
            pictures.append(picture)
            for _ in range(5):  # frames a little apart, as different cameras would be
                capture.grab()
    if not pictures:
        rng = np.random.default_rng(0)
        pictures = [rng.integers(0, 255, (352, 640, 3), dtype=np.uint8) for _ in range(8)]
    return [pictures[i % len(pictures)] for i in range(cameras)]


def rate(detector: Any, frames: Sequence[np.ndarray], batch: int, seconds: float) -> float:
    """Frames per second through detect_batch in chunks of `batch`."""
    chunks = [frames[i : i + batch] for i in range(0, len(frames), batch)]
    run_batch(detector, chunks[0])  # warm-up: allocation, kernels, cudnn autotune
    run_batch(detector, chunks[0])
    done, start = 0, time.perf_counter()
    while True:
        for chunk in chunks:
            run_batch(detector, chunk)
            done += len(chunk)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def report(name: str, detector: Any, frames: Sequence[np.ndarray], seconds: float) -> None:
    sizes = [b for b in BATCHES if b < len(frames)] + [len(frames)]
    cells = []
    for batch in sizes:
        fps = rate(detector, frames, batch, seconds)
        cells.append(f"batch {batch}: {fps:7.0f} frames/s ({1000 / fps:6.2f} ms)")
    print(f"{name:<34} " + " | ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--yolox", type=Path, default=REPO.parent / "shared/models/yolox_nano.onnx")
    parser.add_argument(
        "--clip",
        type=Path,
        default=REPO.parent / "shared/media/videos/residential_street_cam_640x352.mp4",
    )
    parser.add_argument("--skip-cpu", action="store_true", help="ultralytics on cuda only")
    args = parser.parse_args()
    frames = frames_for(args.cameras, args.clip)
    registry = default_registry()
    print(f"{len(frames)} cameras, frames {frames[0].shape[1]}x{frames[0].shape[0]}", flush=True)

    import torch

    devices: list[tuple[str, bool]] = []
    if torch.cuda.is_available():
        print(f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)
        devices += [("cuda:0", True), ("cuda:0", False)]
    if not args.skip_cpu:
        devices.append(("cpu", False))
    os.environ.setdefault("YOLO_CONFIG_DIR", tempfile.mkdtemp(prefix="yolo-config-"))
    ultralytics = import_ultralytics()
    with tempfile.TemporaryDirectory() as folder:
        model = ultralytics.YOLO("yolo11n.yaml")  # ultralytics' own config: nothing downloaded
        weights = Path(folder) / "yolo11n-untrained.pt"
        model.save(str(weights))
        for device, half in devices:
            detector = registry.create("ultralytics", model=weights, device=device, half=half)
            label = f"ultralytics yolo11n {device}{' fp16' if half else ''}"
            report(label, detector, frames, args.seconds)

    if args.yolox.exists():
        import onnxruntime as ort

        print(f"onnxruntime {ort.__version__}: {ort.get_available_providers()}", flush=True)
        threads = os.cpu_count() or 1
        detector = registry.create("yolox", model=args.yolox, threads=threads)
        report(f"yolox-nano onnxruntime ({threads} threads)", detector, frames, args.seconds)


if __name__ == "__main__":
    main()
