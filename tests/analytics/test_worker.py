"""CameraWorker: one camera's turn through the sampler, the pipeline and the inference stage."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from tests.analytics.clip_packets import clip_packets
from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.inference import InferenceStage
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.rules import RulesFile
from vgateway.analytics.worker import CameraWorker
from vgateway.hub import Hub

RULES = {
    "fps": 0.5,  # one check per 2 s GOP: keyframes only
    "zones": {"carriageway": [[150, 110], [330, 110], [640, 290], [640, 352], [240, 352]]},
    "rules": [{"id": "person", "type": "person_in_zone", "zone": "carriageway"}],
}


def test_a_late_turn_checks_both_gops_and_the_detector_gets_the_newest(
    shared_dir: Path,
) -> None:
    rules = RulesFile.model_validate(
        {
            "detectors": {
                "default": {"type": "yolox", "model": str(shared_dir / "models/yolox_nano.onnx")}
            },
            "cameras": {"cam": RULES},
        }
    )
    pipeline = CameraPipeline(
        "cam", "town", rules.cameras["cam"], DetectorPool(rules, shared_dir), ZoneInfo("UTC")
    )
    hub = Hub()
    subscription = hub.subscribe("cam", "sub", "analytics", maxlen=400)
    inference = InferenceStage(lambda name, frames, regions: [[] for _ in frames])  # not started
    worker = CameraWorker("cam", subscription, pipeline, lambda message: None, inference)
    stream = hub.stream("cam", "sub")
    packets = clip_packets(shared_dir, 10.5)  # keyframes every 2 s
    turns = [(0, 24), (24, 48), (48, 72), (72, 96), (96, 156), (156, 252)]  # the fifth is late
    for start, end in turns:
        for packet in packets[start:end]:
            stream.publish(packet)
        worker.step()
    stats = worker.stats
    assert stats.analysed == 6  # 0, 2, then 4 and 6 s in the late turn, 8, 10
    assert max(gap for _, gap in stats.gaps) <= 2.05
    assert inference.pending() == 1  # a newer frame replaced the waiting one
