"""SIGKILL the gateway while a segment and a clip are being written; after a restart the index
and the files agree and nothing half-written is listed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine

from tests.fixtures.network import network_for
from tests.fixtures.waiting import wait_for
from tests.recording.media import ffprobe_errors
from vgateway.evidence import verify_clip
from vgateway.evidence.files import file_digest
from vgateway.recording.clipstore import ClipStore
from vgateway.recording.index import SegmentIndex
from vgateway.recording.mp4box import readable_prefix
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp
CHILD = Path(__file__).with_name("gateway_child.py")
REPO = Path(__file__).resolve().parents[2]
SETTINGS = {
    "segment_seconds": 60,
    "min_free_bytes": 0,
    "cameras": {"cam001": {"mode": "continuous"}, "cam002": {"mode": "events"}},
}


@contextmanager
def gateway(config: Path, base: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(config), str(base), json.dumps(SETTINGS)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"gateway did not start: {line!r}"
        url = f"http://127.0.0.1:{line.split()[1]}"
        wait_for(lambda: _up(url), 60, "the gateway to answer")
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)
        if process.stdout is not None:
            process.stdout.close()


def _clip(url: str, start: float, end: float) -> str:
    body = {"camera_id": "cam001", "start": start, "end": end, "reason": "crash test"}
    response = httpx.post(f"{url}/api/recording/clips", json=body)
    assert response.status_code == 202, response.text
    clip_id: str = response.json()["clip_id"]
    return clip_id


def _status(clips: ClipStore, clip_id: str) -> str | None:
    row = clips.get(clip_id)
    return row.status if row else None


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/recording/status", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_sigkill_mid_write_then_restart(shared_simulator: SimulatorProcess, tmp_path: Path) -> None:
    urls = {
        c: {"main": shared_simulator.url(c, "main"), "sub": shared_simulator.url(c, "sub")}
        for c in shared_simulator.camera_ids[:2]
    }
    network_for(urls, tmp_path)
    config = tmp_path / "network.yaml"
    engine = create_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    index, clips = SegmentIndex(engine), ClipStore(engine)
    root = tmp_path / "var" / "recordings"

    with gateway(config, tmp_path) as (process, url):

        def writing_fragments() -> int:
            rows = index.in_state("writing")
            return readable_prefix(root / rows[0].path)[1] if rows else 0

        wait_for(lambda: writing_fragments() >= 3, 60, "a segment with three fragments")
        now = time.time()
        done = _clip(url, now - 5, now - 1)
        wait_for(lambda: _status(clips, done) == "ready", 30, "a finished clip")
        clip_id = _clip(url, now - 4, now + 30)  # waits for its post-roll: row `writing`
        wait_for(lambda: clips.get(clip_id) is not None, 10, "the clip row")
        racing = [_clip(url, now - 6, now - 1) for _ in range(3)]  # being written at the kill
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    (torn,) = index.in_state("writing")
    clip = clips.get(clip_id)
    assert clip is not None and clip.status == "writing"  # killed mid-write, as intended

    with gateway(config, tmp_path) as (_, url):
        listed = {c["id"] for c in httpx.get(f"{url}/api/recording/clips").json()}
        assert done in listed and clip_id not in listed
        for other in [done, *racing]:  # each one complete and intact, or failed and gone
            row = clips.get(other)  # None: killed before its job got as far as the database
            assert row is None or row.status in ("ready", "failed")
            files = {p.name for p in (root / "clips").glob(f"{other}*")}
            if row is not None and row.status == "ready":
                assert files == {f"{other}.mp4", f"{other}.manifest.json", f"{other}.manifest.sig"}
                result = verify_clip(
                    root / "clips" / f"{other}.mp4", root / "clips" / f"{other}.manifest.json"
                )
                assert result.ok, result.problem
            else:
                assert files == set()
        job = httpx.get(f"{url}/api/recording/clips/jobs/{clip_id}").json()
        assert job["status"] == "failed" and "restart" in job["error"]
        gone = httpx.get(f"{url}/api/recording/clips/{clip_id}/file?reason=test")
        assert gone.status_code == 404

        repaired = next(r for r in index.overlapping("cam001", 0, time.time()) if r.id == torn.id)
        assert repaired.status == "recovered"
        path = root / repaired.path
        assert ffprobe_errors(path) == ""
        assert (repaired.sha256, repaired.bytes) == file_digest(path)
        assert repaired.end_at is not None and repaired.end_at - repaired.start_at > 3

        # recording resumed, and every segment row has its file and every file its row
        wait_for(lambda: len(index.in_state("writing")) == 1, 30, "a new segment")
        rows = index.overlapping("cam001", 0, time.time() + 60, include_writing=True)
        on_disk = {p.relative_to(root).as_posix() for p in (root / "segments").rglob("*.mp4")}
        assert {r.path for r in rows} == on_disk
        assert not list((root / "clips").glob(".*"))  # no temporary files
        assert not list((root / "clips").glob(f"{clip_id}*"))
    engine.dispose()
