"""Rules without suitable real footage, on synthetic frames and tracks: debris, streetlight
out, tamper; plate watch on a real Chinese plate photo (offline models)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np

from detectors import Detection
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.object_rules import PlateWatch
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import CameraRules, PlateWatchRule, RulesFile
from vgateway.analytics.scene import Scene
from vgateway.analytics.tracking import Track

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")


class NoObjects:
    type, version = "fake", "0"

    def detect(self, frame: object) -> list[Detection]:
        return []


def road(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frame = np.full((352, 640, 3), 90, np.uint8)
    frame += rng.integers(0, 6, frame.shape, dtype=np.uint8)  # sensor noise
    return frame


def pipeline(spec: dict, t0: float) -> CameraPipeline:
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", NoObjects())
    return CameraPipeline("cam001", "chengguan", CameraRules.model_validate(spec), pool, TZ)


def test_debris_lying_on_the_road() -> None:
    spec = {
        "fps": 1,
        "zones": {"road": [[0, 100], [640, 100], [640, 352], [0, 352]]},
        "rules": [{"id": "debris", "type": "static_object", "zone": "road", "duration_s": 10}],
    }
    t0 = dt.datetime(2025, 6, 2, 14, tzinfo=TZ).timestamp()
    pipe = pipeline(spec, t0)
    kinds = []
    for second in range(40):
        frame = road(second)
        if second >= 5:  # a box falls on the road and stays
            cv2.rectangle(frame, (300, 200), (360, 240), (20, 140, 200), -1)
        kinds += [(second, m.kind) for m in pipe.analyse(frame, t0 + second).messages]
    starts = [s for s, kind in kinds if kind == "start"]
    assert len(starts) == 1 and 15 <= starts[0] <= 25, kinds


def test_streetlight_out_at_night_only() -> None:
    spec = {
        "fps": 1,
        "rules": [
            {
                "id": "lamps",
                "type": "streetlight_out",
                "duration_s": 30,
                "regions": {"lamp": [[500, 20], [540, 20], [540, 60], [500, 60]]},
                "learn_frames": 3,
            }
        ],
    }
    night = dt.datetime(2025, 6, 2, 22, tzinfo=TZ).timestamp()
    pipe = pipeline(spec, night)
    kinds = []
    for second in range(120):
        frame = np.full((352, 640, 3), 30, np.uint8)
        lamp_on = second < 20
        cv2.rectangle(frame, (500, 20), (540, 60), (240, 240, 240) if lamp_on else (30, 30, 30), -1)
        kinds += [(second, m.kind) for m in pipe.analyse(frame, night + second).messages]
    assert [k for _s, k in kinds][:1] == ["start"] and 48 <= kinds[0][0] <= 52, kinds


def test_camera_covered() -> None:
    spec = {"fps": 1, "rules": [{"id": "tamper", "type": "tamper", "duration_s": 5}]}
    t0 = dt.datetime(2025, 6, 2, 14, tzinfo=TZ).timestamp()
    pipe = pipeline(spec, t0)
    images = sorted((REPO.parent / "shared/media/images/coco_val2017_road").glob("*.jpg"))
    scene = cv2.imread(str(images[0]))
    scene = np.ascontiguousarray(cv2.resize(scene, (640, 352)))
    events = []
    for second in range(20):
        frame = scene if second < 8 else np.full_like(scene, 8)  # lens covered from 8 s
        events += pipe.analyse(frame, t0 + second).messages
    assert [m.kind for m in events] == ["start"]
    assert "covered" in events[0].event.details["kinds"]
    assert events[0].event.priority == "high"


def test_plate_watch_on_a_real_plate_photo(shared_dir: Path) -> None:
    plates = shared_dir / "media" / "plates"
    with open(plates / "labels.csv", encoding="utf-8") as handle:
        labels = {row["file"]: row["plate"] for row in csv.DictReader(handle)}
    photo = "s01_hyperlpr_dataset_0.jpg"
    image = np.ascontiguousarray(cv2.imread(str(plates / photo)))
    listed = labels[photo].replace("0", "D")  # the list has an OCR-confusable variant
    rule = PlateWatchRule.model_validate(
        {
            "id": "watch",
            "type": "plate_watch",
            "lists": [
                {
                    "name": "布控",
                    "category": "布控",
                    "priority": "critical",
                    "plates": ["京A12345", listed],
                }
            ],
        }
    )
    watch = PlateWatch(rule, {})
    pool = DetectorPool(RulesFile(), REPO)
    height, width = image.shape[:2]
    whole = (0.0, 0.0, float(width - 1), float(height - 1))
    car = Track(1, whole, 0.9, 0.0, 0.0, 0.0, whole)
    car.labels["car"] += 1
    scene = Scene(
        t=1.0,
        minute_of_day=600,
        frame=image,
        tracks={"default": [car]},
        seen={"default": {1}},
        read_plate=pool.read_plate,
    )
    found = watch.evaluate(scene)
    assert len(found) == 1, "the plate was not read or not matched"
    assert found[0].plate == labels[photo] and found[0].priority == "critical"
    assert found[0].details["category"] == "布控"
    short_list = rule.lists[0].model_copy(update={"plates": ("京A12345",)})
    unlisted = rule.model_copy(update={"lists": (short_list,)})
    other = PlateWatch(unlisted, {})
    assert other.evaluate(scene) == []  # a plate not on the list raises nothing
