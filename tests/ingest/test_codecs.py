"""Cameras that do not send H.264 are ingested and reported with their codec; nothing crashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.network import network_for
from tests.fixtures.rtsp import require_gst_rtsp_server
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp


@pytest.fixture
def mixed_codecs() -> Iterator[SimulatorProcess]:
    require_gst_rtsp_server()
    with SimulatorProcess(cameras=3, codecs={"cam002": "h265", "cam003": "mpeg4"}) as sim:
        yield sim


def test_hevc_and_mpeg4_cameras_are_online_with_their_codec(
    mixed_codecs: SimulatorProcess, tmp_path: Path
) -> None:
    urls = {cam: {"main": mixed_codecs.url(cam, "main")} for cam in mixed_codecs.camera_ids}
    app = create_app(network_for(urls, tmp_path), base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)
    with TestClient(app) as client:

        def streams() -> dict[str, dict[str, object]]:
            cameras = client.get("/api/cameras").json()
            return {c["id"]: c["streams"][0] for c in cameras}

        wait_for(
            lambda: all(s["state"] == "online" and s["codec"] for s in streams().values()),
            30,
            "all three online",
        )
        got = {cam: (s["codec"], s["browser_playable"]) for cam, s in streams().items()}
        assert got == {
            "cam001": ("h264", True),
            "cam002": ("hevc", False),
            "cam003": ("mpeg4", False),
        }
        for cam in ("cam002", "cam003"):  # snapshots decode any codec FFmpeg knows
            response = client.get(f"/api/cameras/{cam}/snapshot.jpg")
            assert response.status_code == 200, response.text
            assert response.content[:2] == b"\xff\xd8"
