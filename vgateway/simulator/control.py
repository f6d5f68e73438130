"""HTTP control API of the simulator: status, per-camera faults, server kill and restart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from vgateway.simulator.faults import CLOSING_MODES, FaultBoard, FaultMode
from vgateway.simulator.gst_child import GstChild, SimulatorError


class FaultRequest(BaseModel):
    mode: FaultMode = Field(description="fault to inject on both streams of the camera")


def create_control_app(board: FaultBoard, child: GstChild, streams: Sequence[str]) -> FastAPI:
    """The control API for one running simulator; no state beyond the objects passed in."""
    app = FastAPI(title="vgateway camera simulator", docs_url=None, redoc_url=None)

    def status() -> dict[str, Any]:
        counted = child.sessions()
        sessions = {
            f"/{camera}/{stream}": counted.get(f"/{camera}/{stream}", 0)
            for camera in board.cameras
            for stream in streams
        }
        return {
            "cameras": list(board.cameras),
            "streams": list(streams),
            "sessions": sessions,
            "faults": board.modes(),
            # the GStreamer server's own RTSP port: streams without the fault proxy (no faults)
            "server": {"running": child.running, "pid": child.pid, "port": child.port},
        }

    @app.get("/status")
    async def get_status() -> dict[str, Any]:
        return status()

    @app.put("/cameras/{camera_id}/fault")
    async def put_fault(camera_id: str, request: FaultRequest) -> dict[str, str]:
        if not board.knows(camera_id):
            raise HTTPException(404, f"unknown camera {camera_id!r}")
        board.set_mode(camera_id, request.mode)
        if request.mode in CLOSING_MODES:
            child.drop_sessions(camera_id)
        return {"camera": camera_id, "mode": request.mode.value}

    @app.post("/server/restart")
    async def restart_server() -> dict[str, Any]:
        """kill -9 the GStreamer server and start it again on the same port."""
        try:
            await child.restart()
        except SimulatorError as exc:
            raise HTTPException(503, str(exc)) from exc
        return status()

    @app.post("/server/stop")
    async def stop_server() -> dict[str, Any]:
        """kill -9 the GStreamer server and leave it down: every camera refuses connections."""
        await child.kill()
        return status()

    @app.post("/server/start")
    async def start_server() -> dict[str, Any]:
        try:
            await child.start()
        except SimulatorError as exc:
            raise HTTPException(503, str(exc)) from exc
        return status()

    return app
