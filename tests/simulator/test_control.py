"""The control API over a fault board and a stand-in for the GStreamer child."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from vgateway.simulator.control import create_control_app
from vgateway.simulator.faults import FaultBoard


class FakeChild:
    def __init__(self) -> None:
        self.running = True
        self.restarts = 0
        self.pid = 4242
        self.port = 40001
        self.dropped: list[str] = []

    def drop_sessions(self, camera_id: str) -> None:
        self.dropped.append(camera_id)

    def sessions(self) -> dict[str, int]:
        return {"/cam001/sub": 2} if self.running else {}

    async def restart(self) -> None:
        self.restarts += 1

    async def kill(self) -> None:
        self.running = False

    async def start(self) -> None:
        self.running = True


@pytest.fixture
def api() -> tuple[TestClient, FaultBoard, FakeChild]:
    board, child = FaultBoard(["cam001", "cam002"]), FakeChild()
    app = create_control_app(board, child, ("main", "sub"))  # type: ignore[arg-type]
    return TestClient(app), board, child


def test_status_lists_every_mount(api: tuple[TestClient, FaultBoard, Any]) -> None:
    client, _, _ = api
    status = client.get("/status").json()
    assert status["cameras"] == ["cam001", "cam002"]
    assert status["sessions"] == {
        "/cam001/main": 0,
        "/cam001/sub": 2,
        "/cam002/main": 0,
        "/cam002/sub": 0,
    }
    assert status["faults"] == {"cam001": "ok", "cam002": "ok"}
    assert status["server"] == {"running": True, "pid": 4242, "port": 40001}


def test_set_fault(api: tuple[TestClient, FaultBoard, Any]) -> None:
    client, board, _ = api
    response = client.put("/cameras/cam002/fault", json={"mode": "stall"})
    assert response.json() == {"camera": "cam002", "mode": "stall"}
    assert board.modes()["cam002"] == "stall"
    client.put("/cameras/cam001/fault", json={"mode": "down"})
    assert api[2].dropped == ["cam001"]  # sessions over UDP end too
    assert client.put("/cameras/cam009/fault", json={"mode": "down"}).status_code == 404
    bad = client.put("/cameras/cam001/fault", json={"mode": "melt"})
    assert bad.status_code == 422 and "hangup_describe" in bad.text


def test_server_stop_start_restart(api: tuple[TestClient, FaultBoard, FakeChild]) -> None:
    client, _, child = api
    assert client.post("/server/stop").json()["server"]["running"] is False
    assert client.post("/server/start").json()["server"]["running"] is True
    client.post("/server/restart")
    assert child.restarts == 1
