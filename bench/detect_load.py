"""Analytics under load: many simulated cameras through the whole gateway in one process.

    python bench/detect_load.py --cameras 119 --seconds 60

Starts the camera simulator (a separate process, not counted), the gateway app with every
camera carrying rules (worst case: all analysed), waits for warm-up, then measures over the
window: the gateway process's CPU (ingest + decode + analytics + events), per-camera achieved
analysed fps and the longest gap between analysed frames, inferences per second, dropped
frames, and event latency (packet wallclock of the frame -> event published) p50/p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._proc import cpu_seconds  # noqa: E402
from tests.fixtures.network import network_for  # noqa: E402
from vgateway.api.app import create_app  # noqa: E402
from vgateway.simulator.client import SimulatorProcess  # noqa: E402

CAMERA_RULES = {
    "fps": 1,
    "zones": {
        "curb": [[250, 130], [255, 100], [320, 100], [440, 145], [440, 170], [350, 170]],
        "carriageway": [[150, 110], [330, 110], [640, 290], [640, 352], [240, 352]],
    },
    "rules": [
        {"id": "parked", "type": "stopped_vehicle", "zone": "curb", "duration_s": 10},
        {"id": "person", "type": "person_in_zone", "zone": "carriageway", "duration_s": 5},
        {"id": "tamper", "type": "tamper"},
    ],
}


def run(cameras: int, seconds: float, warmup: float, shared: Path) -> dict[str, object]:
    with SimulatorProcess(cameras=cameras) as sim, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        config = network_for(
            {c: {"main": sim.url(c, "main"), "sub": sim.url(c, "sub")} for c in sim.camera_ids},
            base,
        )
        rules = {
            "detectors": {"default": {"type": "yolox",
                                      "model": str(shared / "models/yolox_nano.onnx")}},
            "cameras": {c: CAMERA_RULES for c in sim.camera_ids},
        }
        (base / "camera_configs").mkdir()
        (base / "camera_configs" / "rules.yaml").write_text(yaml.safe_dump(rules))
        with TestClient(create_app(config, base_dir=base)) as client:
            time.sleep(warmup)
            before = client.get("/api/analytics/stats").json()["cameras"]
            cpu0, wall0 = cpu_seconds_self(), time.monotonic()
            time.sleep(seconds)
            cpu1, wall1 = cpu_seconds_self(), time.monotonic()
            after = client.get("/api/analytics/stats").json()
    elapsed = wall1 - wall0
    old = {c["camera_id"]: c for c in before}
    rates, gaps, inferences, analysed, dropped, hub_dropped = [], [], 0, 0, 0, 0
    for cam in after["cameras"]:
        prev = old[cam["camera_id"]]
        rates.append((cam["analysed"] - prev["analysed"]) / elapsed)
        gaps.append(cam["max_gap_s"] or 0.0)
        inferences += cam["inferences"] - prev["inferences"]
        analysed += cam["analysed"] - prev["analysed"]
        dropped += cam["dropped_frames"] - prev["dropped_frames"]
        hub_dropped += cam["hub_dropped_packets"] - prev["hub_dropped_packets"]
    return {
        "cameras": cameras,
        "window_s": round(elapsed, 1),
        "cpu_cores": round((cpu1 - cpu0) / elapsed, 2),
        "fps_per_camera_min": round(min(rates), 2),
        "fps_per_camera_median": round(statistics.median(rates), 2),
        "max_gap_s_worst_camera": round(max(gaps), 2),
        "max_gap_s_median": round(statistics.median(gaps), 2),
        "analysed_fps_total": round(analysed / elapsed, 1),
        "inferences_per_s": round(inferences / elapsed, 1),
        "dropped_frames": dropped,
        "hub_dropped_packets": hub_dropped,
        "event_latency_s": after["event_latency_s"],
    }


def cpu_seconds_self() -> float:
    import os

    return cpu_seconds(os.getpid())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    result = run(args.cameras, args.seconds, args.warmup, args.shared)
    for key, value in result.items():
        print(f"{key:<26} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
