"""RecordingService on a real hub fed with real footage (no RTSP): segments, clips, the
timeline, status, holds and restart recovery, through the service's own API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.fixtures.network import network_for
from tests.recording.media import Footage, decode_errors, ffprobe_errors, probe, publish_drained
from vgateway.evidence import verify_clip
from vgateway.hub import Hub
from vgateway.recording import RecordingService, RecordingSettings
from vgateway.recording.paths import clip_file, manifest_file
from vgateway.recording.views import camera_timeline, recording_status


def _settings() -> RecordingSettings:
    return RecordingSettings.model_validate(
        {
            "segment_seconds": 4,
            "writer_threads": 1,
            "min_free_bytes": 0,
            "cameras": {"cam001": {"mode": "continuous"}, "cam002": {"mode": "events"}},
        }
    )


@pytest.fixture
async def service(tmp_path: Path, engine: Engine) -> AsyncIterator[RecordingService]:
    config = network_for(
        {
            c: {"main": f"rtsp://127.0.0.1:9/{c}", "sub": f"rtsp://127.0.0.1:9/{c}s"}
            for c in ("cam001", "cam002", "cam003")
        },
        tmp_path,
    )
    service = RecordingService(config, engine, Hub(), _settings(), tmp_path / "var")
    await service.start()
    yield service
    await service.stop()


async def test_clip_from_segments_and_buffer_is_signed_and_plays(
    service: RecordingService, street: Footage
) -> None:
    t0 = time.time() - 40
    await publish_drained(service, "cam001", street.packets(36, start_wall=t0))
    assert service.plans["cam003"].mode.value == "events"

    clip = await service.create_clip(
        "cam001",
        t0 + 10,
        t0 + 30,
        pre_roll=0,
        post_roll=0,
        created_by="tester",
        reason="test",
        ticket_id="T-1",
    )
    path = clip_file(service.root, clip.id)
    assert ffprobe_errors(path) == "" and decode_errors(path, vfr=True) == ""
    info = probe(path)
    assert info["format"]["tags"]["comment"].startswith(f"vgateway clip {clip.id}")
    duration = float(info["format"]["duration"])
    assert clip.start_at is not None and clip.end_at is not None
    assert t0 + 8 < clip.start_at <= t0 + 10  # from the keyframe at or before the start
    assert t0 + 29.9 < clip.end_at <= t0 + 30
    assert abs(duration - (clip.end_at - clip.start_at)) < 0.1
    result = verify_clip(path, manifest_file(service.root, clip.id))
    assert result.ok, result.problem
    assert result.manifest is not None and result.manifest["ticket_id"] == "T-1"

    view = camera_timeline(service, "cam001", t0 - 10, t0 + 36)
    assert len(view.recorded) == 1 and abs(view.recorded[0].start - t0) < 0.01
    assert view.gaps[0].start == t0 - 10 and len(view.segments) >= 6
    status = recording_status(service)
    cam = next(c for c in status.cameras if c.camera_id == "cam001")
    assert cam.mode == "continuous" and cam.segments_written >= 5 and cam.buffer_seconds > 10


async def test_events_mode_clip_comes_from_the_buffer_only(
    service: RecordingService, street: Footage
) -> None:
    t0 = time.time() - 30
    await publish_drained(service, "cam002", street.packets(25, start_wall=t0))
    clip = await service.create_clip(
        "cam002",
        t0 + 18,
        t0 + 18,
        created_by="analytics",
        pre_roll=5,
        post_roll=3,
        event_id="evt-9",
    )
    assert clip.start_at is not None and clip.end_at is not None
    assert t0 + 11 < clip.start_at <= t0 + 13 and t0 + 20.9 < clip.end_at <= t0 + 21
    assert service.index.overlapping("cam002", 0, time.time()) == []  # nothing on disk
    assert decode_errors(clip_file(service.root, clip.id), vfr=True) == ""


async def test_clip_of_nothing_fails_clearly(service: RecordingService) -> None:
    from vgateway.recording import ClipFailed

    with pytest.raises(ClipFailed, match="no footage of camera cam001"):
        await service.create_clip(
            "cam001", 1000.0, 1010.0, created_by="me", pre_roll=0, post_roll=0
        )
