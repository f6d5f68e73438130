"""The 12345 platform's calls into the gateway: HMAC signature, replay window, idempotency
keys (a retried request creates nothing new), status changes and footage requests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import write_network
from vgateway.api.app import create_app
from vgateway.tickets.hotline.signing import signed_headers
from vgateway.tickets.settings import TicketSettings

SECRET = "inbound-secret-3"
ORDER = {
    "external_id": "12345-2026-000881",
    "category": "噪声扰民",
    "camera_ids": ["alpha1"],
    "description": "市民来电：夜间施工噪声",
    "priority": "high",
    "grid": "甲镇3号网格",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    app = create_app(write_network(tmp_path, url), base_dir=tmp_path)
    app.state.tickets_settings = TicketSettings.model_validate(
        {"hotline": {"inbound_secret": SECRET}}
    )
    with TestClient(app) as client:
        yield client


def call(
    client: TestClient,
    path: str,
    body: dict[str, Any] | bytes,
    key: str | None = "k-1",
    *,
    at: float | None = None,
    secret: str = SECRET,
) -> httpx.Response:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = signed_headers(secret, data, time.time() if at is None else at, key or "")
    if key is None:
        del headers["Idempotency-Key"]
    headers["Content-Type"] = "application/json"
    return client.post(path, content=data, headers=headers)


def tickets_in_db(client: TestClient) -> int:
    service = client.app.state.tickets  # type: ignore[attr-defined]
    from vgateway.tickets.query import TicketQuery

    return len(service.store.find(TicketQuery()))


def test_create_once_per_idempotency_key(client: TestClient) -> None:
    first = call(client, "/api/hotline/tickets", ORDER, key="order-881")
    assert first.status_code == 201, first.text
    ticket = first.json()
    assert ticket["source"] == "hotline" and ticket["source_ref"] == ORDER["external_id"]
    assert ticket["town"] == "alpha" and ticket["priority"] == "high"
    retry = call(client, "/api/hotline/tickets", ORDER, key="order-881")
    assert retry.status_code == 201 and retry.json() == ticket
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert tickets_in_db(client) == 1
    changed = call(client, "/api/hotline/tickets", {**ORDER, "priority": "low"}, key="order-881")
    assert changed.status_code == 409 and "different request" in changed.json()["detail"]
    assert call(client, "/api/hotline/tickets", ORDER, key="order-882").status_code == 201
    assert tickets_in_db(client) == 2
    missing = call(client, "/api/hotline/tickets", ORDER, key=None)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["detail"]


def test_signature_and_replay_window(client: TestClient) -> None:
    wrong = call(client, "/api/hotline/tickets", ORDER, secret="guess")
    assert wrong.status_code == 401 and "does not match" in wrong.json()["detail"]
    old = call(client, "/api/hotline/tickets", ORDER, at=time.time() - 3600)
    assert old.status_code == 401 and "replayed" in old.json()["detail"]
    future = call(client, "/api/hotline/tickets", ORDER, at=time.time() + 3600)
    assert future.status_code == 401
    data = json.dumps(ORDER).encode()
    headers = signed_headers(SECRET, data, time.time(), "k-9")
    tampered = client.post(
        "/api/hotline/tickets", content=data.replace(b"high", b"low "), headers=headers
    )
    assert tampered.status_code == 401
    unsigned = client.post("/api/hotline/tickets", json=ORDER)
    assert unsigned.status_code == 401 and "missing" in unsigned.json()["detail"]
    assert tickets_in_db(client) == 0
    # a valid request captured and sent again inside the window: the key stops it
    first = call(client, "/api/hotline/tickets", ORDER, key="k-10")
    replay = client.post(
        "/api/hotline/tickets", content=first.request.content, headers=first.request.headers
    )
    assert replay.json()["id"] == first.json()["id"] and tickets_in_db(client) == 1


def test_status_notes_and_bad_input(client: TestClient) -> None:
    ticket = call(client, "/api/hotline/tickets", ORDER, key="t").json()
    path = f"/api/hotline/tickets/{ticket['id']}"
    dispatch = {"status": "dispatched", "department": "城管中队", "note": "转派"}
    ok = call(client, f"{path}/status", dispatch, key="s-1")
    assert ok.status_code == 200 and ok.json()["status"] == "dispatched"
    assert call(client, f"{path}/status", dispatch, key="s-1").json() == ok.json()
    refused = call(client, f"{path}/status", {"status": "closed"}, key="s-2")
    assert refused.status_code == 409 and "needs a note" in refused.json()["detail"]
    assert call(client, f"{path}/status", {"status": "closed"}, key="s-2").status_code == 409
    noted = call(client, f"{path}/notes", {"text": "市民回访满意"}, key="n-1")
    assert noted.status_code == 200
    bad = call(client, f"{path}/status", {"status": "finished"}, key="s-3")
    assert bad.status_code == 400 and "status" in bad.json()["detail"]
    unknown = call(client, "/api/hotline/tickets/GD-nope/status", dispatch, key="s-4")
    assert unknown.status_code == 404
    bad_camera = call(client, "/api/hotline/tickets", {**ORDER, "camera_ids": ["zz"]}, key="c")
    assert bad_camera.status_code == 404 and "zz" in bad_camera.json()["detail"]
    detail = client.app.state.tickets.store.detail(ticket["id"])  # type: ignore[attr-defined]
    authors = {n.author for n in detail.notes}
    assert authors == {"hotline:12345"}
    assert [n.status_to for n in detail.notes if n.kind == "status"] == ["dispatched"]


def test_footage_request_is_idempotent(client: TestClient) -> None:
    now = time.time()
    body = {"camera_id": "alpha1", "start": now - 20, "end": now - 10, "reason": "12345 核查"}
    first = call(client, "/api/hotline/footage", body, key="f-1")
    assert first.status_code == 202, first.text
    clip_id = first.json()["clip_id"]
    assert call(client, "/api/hotline/footage", body, key="f-1").json()["clip_id"] == clip_id
    recording = client.app.state.recording  # type: ignore[attr-defined]
    assert [j for j in recording.clips.jobs.running() if j.camera_id == "alpha1"] != []
    assert len({j.id for j in recording.clips.jobs.running()}) == 1
    status = call(client, "/api/hotline/footage/status", {"clip_id": clip_id}, key=None)
    assert status.status_code == 200 and status.json()["status"] in ("waiting", "writing")
    unknown = call(client, "/api/hotline/footage", {**body, "camera_id": "nope"}, key="f-2")
    assert unknown.status_code == 404


def test_disabled_without_a_secret(tmp_path: Path) -> None:
    app = create_app(write_network(tmp_path), base_dir=tmp_path)
    with TestClient(app) as client:
        response = call(client, "/api/hotline/tickets", ORDER)
    assert response.status_code == 403 and "not enabled" in response.json()["detail"]
