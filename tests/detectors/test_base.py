from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np
import pytest

from detectors import Detection, DetectorError, ModelNotFoundError, run_batch
from detectors.base import check_frame
from detectors.metrics import iou, match


class _Counting:
    type = "fake"
    version = "fake/1"

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, frame: np.ndarray) -> list[Detection]:
        self.calls += 1
        return [Detection("thing", 0, 1.0, (0.0, 0.0, 1.0, 1.0))]


class _Batching(_Counting):
    def detect_batch(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        return [[] for _ in frames]


def test_detection_is_immutable_with_empty_extra() -> None:
    detection = Detection("car", 2, 0.9, (1.0, 2.0, 3.0, 4.0))
    assert dict(detection.extra) == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        detection.score = 0.1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not an array", "numpy array"),
        (np.zeros((10, 10), np.uint8), "(H, W, 3)"),
        (np.zeros((10, 10, 3), np.float32), "uint8"),
        (np.zeros((1, 10, 3), np.uint8), "too small"),
    ],
)
def test_check_frame_says_what_is_wrong(frame: object, message: str) -> None:
    with pytest.raises(DetectorError, match=re.escape(message)):
        check_frame(frame)


def test_run_batch_uses_detect_batch_when_present() -> None:
    frames = [np.zeros((4, 4, 3), np.uint8)] * 3
    plain = _Counting()
    assert [len(r) for r in run_batch(plain, frames)] == [1, 1, 1]
    assert plain.calls == 3
    batching = _Batching()
    assert run_batch(batching, frames) == [[], [], []]
    assert batching.calls == 0


def test_model_not_found_names_path_and_policy(tmp_path: object) -> None:
    error = ModelNotFoundError("/models/x.onnx")
    assert "/models/x.onnx" in str(error)
    assert "never downloaded" in str(error)


def test_iou_and_greedy_matching() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(1 / 3)
    found = [
        Detection("car", 2, 0.9, (0, 0, 10, 10)),
        Detection("car", 2, 0.8, (1, 1, 10, 10)),  # duplicate of the same car: false positive
        Detection("bus", 5, 0.7, (50, 50, 60, 60)),  # wrong place
    ]
    counts = match(found, [(2, (0, 0, 10, 10)), (5, (0, 0, 10, 10))])
    assert (counts[2].tp, counts[2].fp, counts[2].truths) == (1, 1, 1)
    assert (counts[5].tp, counts[5].fp, counts[5].truths) == (0, 1, 1)
    assert counts[2].recall == 1.0 and counts[2].precision == 0.5
