"""Pre- and post-roll measured on the picture itself: a live camera burns its capture time into
every frame (bench/clock_camera.py, GStreamer + x264), the gateway clips around an instant, and
the clip's first and last frames are read back."""

from __future__ import annotations

import functools
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.fixtures.network import network_for
from tests.fixtures.rtsp import require_gst_rtsp_server
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.recording.settings import RecordingSettings

pytestmark = pytest.mark.rtsp

REPO = Path(__file__).resolve().parents[2]
# the geometry of bench/clock_camera.py's time blocks
BITS, BLOCK, TOP, WIDTH = 32, 18, 6, 640
LEFT = (WIDTH - (BITS + 2) * BLOCK) // 2
GOP_S = 2.0  # key-int-max=50 at 25 fps
PRE_S, POST_S = 3.0, 2.0


@pytest.fixture
def clock_camera() -> Iterator[str]:
    require_gst_rtsp_server()
    process = subprocess.Popen(
        ["/usr/bin/python3", str(REPO / "bench" / "clock_camera.py"), "--port", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        yield f"rtsp://127.0.0.1:{ready['port']}/clock"
    finally:
        process.kill()
        process.wait(10)


def burned_ms(luma: np.ndarray) -> int:
    """The capture time (low 32 bits of unix ms) drawn in a frame's top row of blocks."""
    centres = [
        float(luma[TOP + 4 : TOP + BLOCK - 4, x + 4 : x + BLOCK - 4].mean())
        for x in range(LEFT, LEFT + (BITS + 2) * BLOCK, BLOCK)
    ]
    threshold = (centres[0] + centres[1]) / 2  # black and white references
    value = 0
    for level in centres[2:]:
        value = (value << 1) | int(level > threshold)
    return value


def first_and_last_stamp(path: Path) -> tuple[int, int]:
    with av.open(str(path)) as container:
        stamps = [burned_ms(f.to_ndarray(format="gray")) for f in container.decode(video=0)]
    return stamps[0], stamps[-1]


def test_clip_covers_the_instant_with_pre_and_post_roll(clock_camera: str, tmp_path: Path) -> None:
    config = network_for({"clock": {"main": clock_camera}}, tmp_path)
    app = create_app(config, base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)
    app.state.recording_settings = RecordingSettings.model_validate(
        {
            "stream": "main",
            "pre_roll_s": PRE_S,
            "post_roll_s": POST_S,
            "min_free_bytes": 0,
            "cameras": {"clock": {"mode": "events"}},
        }
    )
    with TestClient(app) as client:
        recording = app.state.recording
        recorder = recording.recorders["clock"]
        wait_for(
            lambda: recorder.buffer.stats().seconds >= PRE_S + GOP_S + 0.5, 30, "pre-roll buffered"
        )
        instant = time.time()
        clip = client.portal.call(
            functools.partial(recording.create_clip, "clock", instant, instant, created_by="test")
        )
        first, last = first_and_last_stamp(recording.root / "clips" / f"{clip.id}.mp4")
    instant_ms = int(instant * 1000) % (1 << BITS)
    pre = (instant_ms - first) / 1000
    post = (last - instant_ms) / 1000
    print(f"burned-in clock: clip starts {pre:.3f} s before the instant, ends {post:.3f} s after")
    # starts on the keyframe at or before instant - 3 s (capture-to-ingest latency is ~0.1 s)
    assert PRE_S - 0.2 <= pre <= PRE_S + GOP_S + 0.3, f"clip starts {pre:.2f} s before"
    # ends with the last frame captured by instant + 2 s
    assert POST_S - 0.4 <= post <= POST_S + 0.1, f"clip ends {post:.2f} s after"
