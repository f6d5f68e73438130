"""/api/tickets through the real app and the real auth: who sees and changes which tickets,
the workflow over HTTP, filters, and 'record this' from the live wall."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.conftest import Gateway, gateway


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[Gateway]:
    with gateway(tmp_path) as g:
        yield g


def post(gw: Gateway, user: str, path: str, body: dict[str, Any]) -> Any:
    return gw.client.post(path, json=body, headers=gw.headers(user))


def get(gw: Gateway, user: str, path: str) -> Any:
    return gw.client.get(path, headers=gw.headers(user))


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {t["id"] for t in response.json()}


def test_who_sees_and_changes_which_ticket(gw: Gateway) -> None:
    body = {"category": "违法停车", "camera_ids": ["alpha1"], "description": "占用消防通道"}
    created = post(gw, "op_alpha", "/api/tickets", body)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["town"] == "alpha" and ticket["location"] == "甲镇人民路口东北角"
    assert ticket["status"] == "new" and ticket["created_by"] == "op_alpha"
    shared = post(gw, "op_bravo", "/api/tickets", {**body, "camera_ids": ["alpha2"]}).json()
    town_only = post(gw, "op_alpha", "/api/tickets", {"category": "井盖缺失", "town": "alpha"})
    assert town_only.status_code == 201
    # another town's camera: hidden (404), never forbidden by name
    hidden = post(gw, "op_bravo", "/api/tickets", body)
    assert hidden.status_code == 404 and "alpha1" in hidden.text
    assert (
        post(gw, "op_alpha", "/api/tickets", {"category": "x", "town": "bravo"}).status_code == 403
    )
    assert post(gw, "inv", "/api/tickets", body).status_code == 404
    assert post(gw, "aud", "/api/tickets", body).status_code == 404

    everything = {ticket["id"], shared["id"], town_only.json()["id"]}
    assert ids(get(gw, "district", "/api/tickets")) == everything
    assert ids(get(gw, "op_alpha", "/api/tickets")) == everything
    assert ids(get(gw, "op_bravo", "/api/tickets")) == {shared["id"]}
    assert ids(get(gw, "inv", "/api/tickets")) == set()
    assert ids(get(gw, "aud", "/api/tickets")) == set()
    assert get(gw, "op_bravo", f"/api/tickets/{ticket['id']}").status_code == 404
    assert get(gw, "op_alpha", f"/api/tickets/{ticket['id']}").status_code == 200

    path = f"/api/tickets/{ticket['id']}"
    assert post(gw, "op_bravo", f"{path}/notes", {"text": "x"}).status_code == 404
    assert post(gw, "inv", f"{path}/status", {"status": "in_progress"}).status_code == 404
    assert (
        post(gw, "op_bravo", f"/api/tickets/{shared['id']}/notes", {"text": "到场"}).status_code
        == 200
    )


def test_workflow_and_filters_over_http(gw: Gateway) -> None:
    late = post(
        gw,
        "op_alpha",
        "/api/tickets",
        {"category": "道路遗撒", "camera_ids": ["alpha1"], "deadline": time.time() - 60},
    ).json()
    assert late["overdue"] is True
    path = f"/api/tickets/{late['id']}"
    refused = post(gw, "op_alpha", f"{path}/status", {"status": "resolved"})
    assert refused.status_code == 409 and "allowed: closed, dispatched, in_progress" in refused.text
    no_dept = post(gw, "op_alpha", f"{path}/status", {"status": "dispatched"})
    assert no_dept.status_code == 409 and "department" in no_dept.text
    for status in ("dispatched", "in_progress", "resolved"):
        step = post(gw, "op_alpha", f"{path}/status", {"status": status, "department": "环卫所"})
        assert step.status_code == 200, step.text
    edited = gw.client.patch(path, json={"grid": "网格7"}, headers=gw.headers("op_alpha"))
    assert edited.status_code == 200 and edited.json()["grid"] == "网格7"
    other = post(gw, "op_alpha", "/api/tickets", {"category": "违法停车", "camera_ids": ["alpha2"]})
    assert other.status_code == 201

    assert ids(get(gw, "op_alpha", "/api/tickets?overdue=true")) == set()  # resolved in time
    assert ids(get(gw, "op_alpha", "/api/tickets?status=resolved")) == {late["id"]}
    both = "/api/tickets?status=resolved&status=new"
    assert len(ids(get(gw, "op_alpha", both))) == 2
    assert ids(get(gw, "op_alpha", "/api/tickets?camera=alpha2")) == {other.json()["id"]}
    assert ids(get(gw, "op_alpha", "/api/tickets?grid=网格7")) == {late["id"]}
    assert ids(get(gw, "op_alpha", "/api/tickets?department=环卫所")) == {late["id"]}
    bad = get(gw, "op_alpha", "/api/tickets?since=yesterday")
    assert bad.status_code == 400 and "since" in bad.text

    timeline = get(gw, "op_alpha", path).json()["notes"]
    assert [n["status_to"] for n in timeline if n["kind"] == "status"] == [
        "dispatched",
        "in_progress",
        "resolved",
    ]
    assert any("grid" in n["text"] for n in timeline)


def test_record_this_from_the_live_wall(gw: Gateway) -> None:
    body = {"camera_id": "alpha1", "seconds": 20, "description": "疑似交通事故"}
    created = post(gw, "op_alpha", "/api/tickets/from-live", body)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["clip_id"].startswith("alpha1-") and out["clip_error"] is None
    ticket = get(gw, "op_alpha", f"/api/tickets/{out['ticket_id']}").json()
    assert ticket["source"] == "live" and ticket["cameras"] == ["alpha1"]
    [clip] = ticket["clips"]
    assert clip["clip_id"] == out["clip_id"] and abs(clip["end"] - clip["start"] - 20) < 1e-6
    recording = gw.client.app.state.recording  # type: ignore[attr-defined]
    [hold] = recording.index.holds(ticket_id=out["ticket_id"])
    assert hold.until is None and hold.camera_id == "alpha1"
    assert post(gw, "op_bravo", "/api/tickets/from-live", body).status_code == 404
    too_long = post(gw, "op_alpha", "/api/tickets/from-live", {**body, "seconds": 3600})
    assert too_long.status_code == 400
    # mark in / mark out on the playback page: a range for an existing ticket
    now = time.time()
    ranged = post(
        gw,
        "op_alpha",
        f"/api/tickets/{out['ticket_id']}/clips",
        {"camera_id": "alpha1", "start": now - 30, "end": now - 25},
    )
    assert ranged.status_code == 202 and ranged.json()["clip_id"]
    assert len(recording.index.holds(ticket_id=out["ticket_id"])) == 2
    half = post(gw, "op_alpha", f"/api/tickets/{out['ticket_id']}/clips", {"camera_id": "alpha1"})
    assert half.status_code == 400


def test_outbox_status_is_for_the_district_centre(gw: Gateway) -> None:
    answer = get(gw, "district", "/api/hotline/outbox")
    assert answer.status_code == 200
    assert answer.json() == {"target": None, "counts": {}, "entries": []}
    assert get(gw, "op_alpha", "/api/hotline/outbox").status_code == 403
