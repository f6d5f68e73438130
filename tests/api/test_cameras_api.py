"""The camera API through the real app lifespan, real RTSP server and real SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.fixtures.network import network_for
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.api.services import ComponentHealth
from vgateway.auth.settings import AuthSettings
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp

PASSWORD = "S3cret-Pa55"


@pytest.fixture
def client(simulator: SimulatorProcess, tmp_path: Path) -> Iterator[TestClient]:
    cams = simulator.camera_ids
    urls = {
        cam: {"main": simulator.url(cam, "main"), "sub": simulator.url(cam, "sub")}
        for cam in cams[:3]
    }
    # a camera with credentials in its URL that refuses to be reached: the password must
    # never come back in any response
    urls["locked"] = {"main": f"rtsp://admin:{PASSWORD}@127.0.0.1:9/Streaming/Channels/101"}
    config = network_for(urls, tmp_path, streams={cams[1] + "/sub": {"transport": "udp"}})
    app = create_app(config, base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)  # access control: tests/auth
    with TestClient(app) as test_client:
        yield test_client


def _camera(client: TestClient, camera_id: str) -> dict[str, object]:
    response = client.get(f"/api/cameras/{camera_id}")
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_list_detail_snapshot_metrics(client: TestClient, simulator: SimulatorProcess) -> None:
    cams = simulator.camera_ids
    wait_for(lambda: all(_camera(client, c)["state"] == "online" for c in cams[:3]), 20, "online")
    listed = client.get("/api/cameras", params={"state": "online"}).json()
    assert {c["id"] for c in listed} == set(cams[:3])
    assert listed[0]["name"].startswith("测试路口")
    assert client.get("/api/cameras", params={"town": "nowhere"}).status_code == 404

    # UDP transport works as well as the TCP default
    detail = _camera(client, cams[1])
    sub = next(s for s in detail["streams"] if s["stream"] == "sub")  # type: ignore[union-attr]
    assert sub["codec"] == "h264" and sub["upstream_sessions"] == 1

    response = client.get(f"/api/cameras/{cams[0]}/snapshot.jpg")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (352, 640, 3) and image.std() > 10  # a real picture, not blank

    metrics = client.get("/metrics").text
    assert (
        f'vgateway_stream_state{{camera="{cams[0]}",state="online",stream="sub"' in metrics
        or f'camera="{cams[0]}",stream="sub",town="ceshi",state="online"}} 1.0' in metrics
    )
    assert "vgateway_stream_reconnects_total" in metrics

    health = client.get("/api/health").json()
    assert health["components"]["recording"]["level"] in ("ok", "warning", "critical")
    services = client.app.state.services  # type: ignore[attr-defined]
    services.health_checks["fake"] = lambda: ComponentHealth("warning", ["disk 91 % full"])
    health = client.get("/api/health").json()
    assert health["status"] == "warning"
    assert health["components"]["fake"] == {"level": "warning", "warnings": ["disk 91 % full"]}
    assert client.get("/docs").status_code == 200


def test_state_history_and_no_password_leaks(
    client: TestClient, simulator: SimulatorProcess, caplog: pytest.LogCaptureFixture
) -> None:
    cam = simulator.camera_ids[0]
    wait_for(lambda: _camera(client, cam)["state"] == "online", 20, "online")
    simulator.set_fault(cam, "down")
    wait_for(lambda: _camera(client, cam)["state"] == "offline", 20, "offline")
    simulator.set_fault(cam, "ok")
    wait_for(lambda: _camera(client, cam)["state"] == "online", 20, "back online")
    wait_for(lambda: len(_camera(client, cam)["history"]) >= 3, 5, "history stored")  # type: ignore[arg-type]
    states = [h["state"] for h in _camera(client, cam)["history"]]  # type: ignore[union-attr]
    assert states[:2] == ["online", "offline"]

    wait_for(lambda: _camera(client, "locked")["state"] == "offline", 20, "locked offline")
    for path in ["/api/cameras", "/api/cameras/locked", "/metrics", "/openapi.json"]:
        assert PASSWORD not in client.get(path).text
    assert client.get("/api/cameras/nope").json()["error"] == "not_found"
    logged = "\n".join(
        record.getMessage() for phase in ("setup", "call") for record in caplog.get_records(phase)
    )
    assert "admin:***@127.0.0.1:9" in logged  # the failure was logged, masked
    assert PASSWORD not in logged
