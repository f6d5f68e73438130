"""Clips through the real pipeline: simulator camera -> RTSP ingest -> hub -> recording
(pre-roll buffer and continuous segments) -> clip -> HTTP, checked with ffprobe/ffmpeg,
`vgateway verify` and the openssl + sha256sum recipe."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.evidence.conftest import flip_byte, readme_recipe, run_recipe, verify_cli
from tests.fixtures.waiting import wait_for
from tests.recording.conftest import Gateway
from tests.recording.media import decode_errors, ffprobe_errors, probe
from vgateway.evidence import PUBLIC_KEY_NAME

pytestmark = pytest.mark.rtsp
FRAME_S = 1 / 24  # the simulated sub-streams run at 24 fps
GOP_S = 2.0  # with a keyframe every 48 frames


def _buffered(gateway: Gateway, camera: str, seconds: float) -> None:
    recorder = gateway.recording.recorders[camera]
    wait_for(
        lambda: recorder.buffer.stats().seconds >= seconds, 30, f"{seconds} s in {camera}'s buffer"
    )


def _poll(client: httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/recording/clips/jobs/{job_id}").json()
        if job["status"] in ("ready", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"clip job {job_id} did not finish")


def test_event_clip_covers_pre_and_post_roll(live_gateway: Gateway) -> None:
    """The event pipeline's call: an instant plus the configured pre-roll (3 s) and post-roll
    (2 s), on an events-only camera (nothing on disk but the clip)."""
    _buffered(live_gateway, "cam002", 3 + GOP_S + 0.5)
    instant = time.time()
    clip = live_gateway.call(
        live_gateway.recording.create_clip(
            "cam002",
            instant,
            instant,
            created_by="analytics",
            event_id="evt-1",
            detector="yolox_nano",
            detector_version="0.1",
        )
    )
    assert clip.start_at is not None and clip.end_at is not None
    # starts on the keyframe at or before instant - 3 s, ends on the last frame by instant + 2 s
    assert instant - 3 - GOP_S - FRAME_S <= clip.start_at <= instant - 3
    assert instant + 2 - 3 * FRAME_S <= clip.end_at <= instant + 2
    path = live_gateway.recording.root / "clips" / f"{clip.id}.mp4"
    assert ffprobe_errors(path) == ""
    assert decode_errors(path) == ""
    info = probe(path)
    duration = float(info["format"]["duration"])
    assert abs(duration - (clip.end_at - clip.start_at + FRAME_S)) < 0.15
    assert int(info["streams"][0]["nb_read_packets"]) == clip.frames
    assert live_gateway.recording.index.overlapping("cam002", 0, time.time() + 60) == []


def test_api_clip_downloads_plays_and_verifies(live_gateway: Gateway, tmp_path: Path) -> None:
    """A person's request over HTTP for a range older than the buffer: read from segments."""
    recording = live_gateway.recording
    wait_for(
        lambda: len(recording.index.overlapping("cam001", 0, time.time())) >= 3,
        60,
        "three segments of cam001",
    )
    segments = recording.index.overlapping("cam001", 0, time.time())
    start = segments[0].start_at + 1.0
    end = time.time() - 0.5  # from the first segment into the live buffer
    with httpx.Client(base_url=live_gateway.base_url, timeout=30) as client:
        response = client.post(
            "/api/recording/clips",
            json={
                "camera_id": "cam001",
                "start": start,
                "end": end,
                "reason": "事故取证",
                "ticket_id": "T-42",
            },
        )
        assert response.status_code == 202, response.text
        job = _poll(client, response.json()["job_id"])
        assert job["status"] == "ready", job
        meta = client.get(job["clip_url"]).json()
        assert meta["ticket_id"] == "T-42" and meta["created_by"] == "local"
        assert start - GOP_S - FRAME_S <= meta["first_frame"] <= start
        assert end - 3 * FRAME_S <= meta["last_frame"] <= end
        file_url = f"{meta['file_url']}?reason=T-42"  # a download states its case (audited)
        head = client.get(file_url, headers={"Range": "bytes=0-99"})
        assert head.status_code == 206 and len(head.content) == 100
        assert head.headers["content-type"] == "video/mp4"
        assert head.content[4:8] == b"ftyp"
        files = {
            "clip.mp4": client.get(file_url).content,
            "clip.manifest.json": client.get(meta["manifest_url"]).content,
            "clip.manifest.sig": client.get(meta["signature_url"]).content,
            PUBLIC_KEY_NAME: client.get("/api/recording/public-key").content,
        }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    clip = tmp_path / "clip.mp4"
    assert len(files["clip.mp4"]) == meta["bytes"]
    assert ffprobe_errors(clip) == "" and decode_errors(clip) == ""
    duration = float(probe(clip)["format"]["duration"])
    assert abs(duration - (meta["last_frame"] - meta["first_frame"] + FRAME_S)) < 0.15

    manifest = tmp_path / "clip.manifest.json"
    signature, hash_check, _ = readme_recipe()
    assert verify_cli(str(clip), str(manifest)).returncode == 0
    assert run_recipe(signature, tmp_path, "clip").returncode == 0
    assert run_recipe(hash_check, tmp_path, "clip").returncode == 0
    flip_byte(clip, len(files["clip.mp4"]) // 2)
    failed = verify_cli(str(clip), str(manifest))
    assert failed.returncode == 1 and "sha256" in failed.stderr
    assert run_recipe(hash_check, tmp_path, "clip").returncode != 0


def test_timeline_status_and_metrics(live_gateway: Gateway) -> None:
    recording = live_gateway.recording
    wait_for(
        lambda: len(recording.index.overlapping("cam001", 0, time.time())) >= 2, 60, "two segments"
    )
    now = time.time()
    with httpx.Client(base_url=live_gateway.base_url, timeout=30) as client:
        timeline = client.get(
            "/api/recording/cam001/segments", params={"from": now - 3600, "to": now}
        ).json()
        assert len(timeline["recorded"]) == 1 and timeline["recorded"][0]["end"] > now - 2
        assert timeline["gaps"][0]["start"] == now - 3600
        assert timeline["buffered"]["end"] > now - 2
        iso = client.get(
            "/api/recording/cam001/segments",
            params={"from": "2024-06-01T08:00:00+08:00", "to": "2024-06-01T09:00:00Z"},
        ).json()
        assert iso["recorded"] == [] and iso["start"] == 1717200000.0
        bad = client.get("/api/recording/cam001/segments", params={"from": "yesterday", "to": 1})
        assert bad.status_code == 400 and "from" in bad.json()["detail"]
        assert client.get("/api/recording/cam999/segments?from=0&to=1").status_code == 404
        too_long = client.post(
            "/api/recording/clips",
            json={"camera_id": "cam001", "start": 0, "end": 100000, "reason": "x"},
        )
        assert too_long.status_code == 400 and "at most" in too_long.json()["detail"]
        status = client.get("/api/recording/status").json()
        assert status["disk"]["fs_free_bytes"] > 0 and status["level"] in ("ok", "warning")
        cams = {c["camera_id"]: c for c in status["cameras"]}
        assert cams["cam001"]["writing"] and cams["cam002"]["mode"] == "events"
        metrics = client.get("/metrics/recording").text
        assert "vgateway_recording_disk_free_bytes" in metrics
        assert 'vgateway_recording_writing{camera="cam001",mode="continuous"} 1.0' in metrics
