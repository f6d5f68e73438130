"""Simulator camera -> ingest -> hub -> analytics -> event bus -> store -> SSE and REST."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml
from fastapi import FastAPI

from tests.fixtures.network import network_for
from tests.fixtures.waiting import wait_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),))
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), 30, "uvicorn to start")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        loop.close()


def first_sse_event(url: str, timeout: float) -> dict:  # type: ignore[type-arg]
    with httpx.stream("GET", url, timeout=timeout) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "start":
                data: dict = json.loads(line[6:])  # type: ignore[type-arg]
                return data
    raise AssertionError("stream ended without an event")


def test_parked_car_on_a_simulated_camera(
    simulator: SimulatorProcess, shared_dir: Path, tmp_path: Path
) -> None:
    config = network_for(
        {
            cam: {"main": simulator.url(cam, "main"), "sub": simulator.url(cam, "sub")}
            for cam in ("cam001", "cam002")
        },
        tmp_path,
    )
    rules = {
        "detectors": {
            "default": {"type": "yolox", "model": str(shared_dir / "models/yolox_nano.onnx")}
        },
        "cameras": {
            "cam001": {
                "fps": 1,
                "zones": {
                    "curb": [[250, 130], [255, 100], [320, 100], [440, 145], [440, 170], [350, 170]]
                },
                "rules": [
                    {
                        "id": "parked",
                        "type": "stopped_vehicle",
                        "zone": "curb",
                        "duration_s": 3,
                        "priority": "high",
                    }
                ],
            }
        },
    }
    (tmp_path / "camera_configs").mkdir()
    (tmp_path / "camera_configs" / "rules.yaml").write_text(
        yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8"
    )
    app = create_app(config, base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)  # access control: tests/auth
    with serve(app) as base:
        pushed = first_sse_event(f"{base}/api/events/stream", timeout=60)
        event = pushed["event"]
        assert event["camera_id"] == "cam001" and event["rule_type"] == "stopped_vehicle"
        assert event["town"] == "ceshi" and event["priority"] == "high"
        # frame capture (packet wallclock) to publish
        assert 0 <= event["published_at"] - event["captured_at"] < 30
        with httpx.Client(base_url=base, timeout=10) as client:
            listed = client.get("/api/events", params={"camera": "cam001", "priority": "high"})
            assert event["id"] in [e["id"] for e in listed.json()]
            assert client.get("/api/events", params={"camera": "cam002"}).json() == []
            assert client.get("/api/events", params={"since": "yesterday"}).status_code == 400
            jpeg = client.get(f"/api/events/{event['id']}/snapshot.jpg")
            assert jpeg.headers["content-type"] == "image/jpeg" and jpeg.content[:2] == b"\xff\xd8"
            acked = client.post(f"/api/events/{event['id']}/ack").json()
            assert acked["acked_by"] == "local" and acked["acked_at"] > 0
            assert client.get(f"/api/events/{event['id']}").json()["acked_by"] == "local"
            assert client.get("/api/events/nope").status_code == 404
            stats = client.get("/api/analytics/stats").json()
            cams = {c["camera_id"]: c for c in stats["cameras"]}
            assert list(cams) == ["cam001"]  # cam002 has no rules: no analytics
            assert cams["cam001"]["analysed"] > 0 and cams["cam001"]["inferences"] > 0
            assert stats["event_latency_s"]["count"] >= 1
            assert stats["shared"]["inference"]["served"] > 0
            metrics = client.get("/metrics/analytics").text
            assert 'vgateway_analytics_fps{camera="cam001"}' in metrics
            gateway_metrics = client.get("/metrics").text  # the gateway's one scrape target
            assert 'vgateway_analytics_inferences_total{camera="cam001"}' in gateway_metrics
            assert "vgateway_analytics_inference_pending" in gateway_metrics
            assert "vgateway_analytics_decode_share " in gateway_metrics  # one camera: no cut
            assert stats["shared"]["decode_share"] > 0
            assert "vgateway_stream_fps" in gateway_metrics
