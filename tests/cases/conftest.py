"""A running gateway (TestClient) with the auth test users, alpha1 recorded continuously, and
real footage published into its hub, so cases hold real signed clips."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import Gateway, add_users, write_network
from tests.fixtures.waiting import wait_for
from tests.recording.media import STREET, Footage, publish_drained_blocking
from vgateway.api.app import create_app
from vgateway.recording import ClipRow, RecordingService, RecordingSettings

RECORDING = {
    "segment_seconds": 4,
    "writer_threads": 1,
    "min_free_bytes": 0,
    "cameras": {"alpha1": {"mode": "continuous"}},
}


@pytest.fixture(scope="session")
def street(shared_dir: Path) -> Footage:
    return Footage.load(shared_dir / STREET)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def gw(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gateway]:
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    app = create_app(write_network(tmp_path, url), base_dir=tmp_path)
    app.state.recording_settings = RecordingSettings.model_validate(RECORDING)
    with TestClient(app) as client:
        gw = Gateway(client, app.state.services.config)
        gw.tokens = add_users(gw.auth)
        yield gw


def recording(gw: Gateway) -> RecordingService:
    service: RecordingService = gw.client.app.state.recording  # type: ignore[attr-defined]
    return service


def publish(gw: Gateway, camera: str, footage: Footage, seconds: float, start_wall: float) -> None:
    service = recording(gw)
    publish_drained_blocking(service, camera, footage.packets(seconds, start_wall=start_wall))


def make_clip(gw: Gateway, camera: str, start: float, end: float, **kwargs: Any) -> ClipRow:
    create = functools.partial(
        recording(gw).create_clip,
        camera,
        start,
        end,
        pre_roll=0,
        post_roll=0,
        created_by="district",
        **kwargs,
    )
    portal = gw.client.portal
    assert portal is not None
    clip: ClipRow = portal.call(create)
    return clip


def wait_ticket_clips_ready(gw: Gateway, ticket_id: str) -> list[dict[str, Any]]:
    def ready() -> bool:
        clips = gw.client.get(f"/api/tickets/{ticket_id}", headers=gw.headers("district"))
        found = clips.json()["clips"]
        return bool(found) and all(c["status"] != "pending" for c in found)

    wait_for(ready, 30, f"the clips of {ticket_id}")
    detail = gw.client.get(f"/api/tickets/{ticket_id}", headers=gw.headers("district")).json()
    clips: list[dict[str, Any]] = detail["clips"]
    return clips


def now() -> float:
    return time.time()
