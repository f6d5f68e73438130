"""Cases through the real app and auth: investigators see only the cases assigned to them,
play their clips with a reason (each view on the audit trail), and download a case ZIP whose
every clip passes `vgateway verify`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from tests.auth.conftest import Gateway
from tests.cases.conftest import make_clip, publish, recording, wait_ticket_clips_ready
from tests.fixtures.waiting import wait_for
from tests.recording.media import Footage
from vgateway.audit.store import AuditQuery


def api(
    gw: Gateway, method: str, user: str, path: str, extra: dict[str, str] | None = None, **kw: Any
) -> Any:
    headers = {**gw.headers(user), **(extra or {})}
    return gw.client.request(method, path, headers=headers, **kw)


def build_case(gw: Gateway, street: Footage) -> tuple[str, str, list[str]]:
    """A case with a ticket (alpha1 clip) and a direct clip (bravo1), assigned to inv; and a
    second case nobody is assigned to. Returns (case, other case, clip ids)."""
    t0 = time.time() - 14
    publish(gw, "alpha1", street, 12, t0)
    publish(gw, "bravo1", street, 12, t0)
    ticket = api(
        gw,
        "POST",
        "district",
        "/api/tickets",
        json={"category": "交通事故", "camera_ids": ["alpha1"]},
    ).json()
    linked = api(
        gw,
        "POST",
        "district",
        f"/api/tickets/{ticket['id']}/clips",
        json={"camera_id": "alpha1", "start": t0 + 2, "end": t0 + 7},
    )
    assert linked.status_code == 202, linked.text
    [ticket_clip] = wait_ticket_clips_ready(gw, ticket["id"])
    assert ticket_clip["status"] == "ready", ticket_clip
    direct = make_clip(gw, "bravo1", t0 + 5, t0 + 10, reason="现场核查")
    body = {
        "title": "人民路肇事逃逸",
        "description": "11月18日晚肇事车辆沿人民路往东",
        "ticket_ids": [ticket["id"]],
        "clip_ids": [direct.id],
        "investigators": ["inv"],
    }
    created = api(gw, "POST", "district", "/api/cases", json=body)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["id"].startswith("AJ-") and case["investigators"] == ["inv"]
    assert {c["id"] for c in case["clips"]} == {ticket_clip["clip_id"], direct.id}
    other = api(gw, "POST", "district", "/api/cases", json={"title": "另案"}).json()
    return case["id"], other["id"], [ticket_clip["clip_id"], direct.id]


def test_investigator_sees_only_assigned_cases_and_plays_with_a_reason(
    gw: Gateway, street: Footage
) -> None:
    case_id, other_id, (alpha_clip, bravo_clip) = build_case(gw, street)
    listed = api(gw, "GET", "inv", "/api/cases").json()
    assert [c["id"] for c in listed] == [case_id]
    assert {c["id"] for c in api(gw, "GET", "district", "/api/cases").json()} == {case_id, other_id}
    assert api(gw, "GET", "inv", f"/api/cases/{other_id}").status_code == 404
    assert api(gw, "GET", "op_alpha", "/api/cases").json() == []
    assert api(gw, "GET", "op_alpha", f"/api/cases/{case_id}").status_code == 404
    # managing cases delegates footage access: district centre only
    assert api(gw, "POST", "inv", "/api/cases", json={"title": "x"}).status_code == 403
    assert api(gw, "POST", "op_alpha", "/api/cases", json={"title": "x"}).status_code == 403
    assert (
        api(gw, "PUT", "district", f"/api/cases/{case_id}/investigators/op_bravo").status_code
        == 400
    )

    detail = api(gw, "GET", "inv", f"/api/cases/{case_id}").json()
    [ticket] = detail["tickets"]
    # the investigator sees the case's ticket, and no other
    assert {t["id"] for t in api(gw, "GET", "inv", "/api/tickets").json()} == {ticket["id"]}
    assert api(gw, "GET", "inv", f"/api/tickets/{ticket['id']}").status_code == 200

    url = f"/api/cases/{case_id}/clips/{alpha_clip}/file"
    assert api(gw, "GET", "inv", url).status_code == 400  # no reason
    played = api(gw, "GET", "inv", f"{url}?reason=核查肇事车辆")
    assert played.status_code == 200 and played.headers["content-type"] == "video/mp4"
    assert played.content[4:8] == b"ftyp"
    part = api(
        gw,
        "GET",
        "inv",
        f"{url}?reason=核查肇事车辆",
        {"Range": "bytes=100-199"},
    )
    assert part.status_code == 206 and len(part.content) == 100
    assert (
        api(gw, "GET", "inv", f"/api/cases/{other_id}/clips/{alpha_clip}/file?reason=x").status_code
        == 404
    )
    # the clip is reachable only through the case: not on the camera
    assert api(gw, "GET", "inv", "/api/recording/alpha1/segments?from=0&to=1").status_code == 404
    downloaded = api(
        gw, "GET", "inv", f"/api/cases/{case_id}/clips/{bravo_clip}/file?reason=取证&download=true"
    )
    assert (
        downloaded.status_code == 200 and "attachment" in downloaded.headers["content-disposition"]
    )

    entries = gw.auth.audit.search(AuditQuery(actor="inv"))
    views = [(e.action, e.clip_id, e.ticket_id, e.reason) for e in entries if e.clip_id]
    assert ("playback", alpha_clip, case_id, "核查肇事车辆") in views
    assert ("clip.download", bravo_clip, case_id, "取证") in views
    assert len([v for v in views if v[0] == "playback"]) == 1  # the range request is not a new view

    # unassigned: gone at the next request
    assert (
        api(gw, "DELETE", "district", f"/api/cases/{case_id}/investigators/inv").status_code == 204
    )
    assert api(gw, "GET", "inv", "/api/cases").json() == []
    assert api(gw, "GET", "inv", f"{url}?reason=x").status_code == 404


def test_case_zip_verifies_clip_by_clip(gw: Gateway, street: Footage, tmp_path: Path) -> None:
    case_id, _, clip_ids = build_case(gw, street)
    started = api(gw, "POST", "inv", f"/api/cases/{case_id}/exports", json={"reason": "移送检察院"})
    assert started.status_code == 202, started.text
    job = started.json()
    status_url = f"/api/cases/{case_id}/exports/{job['job_id']}"

    def ready() -> bool:
        return bool(api(gw, "GET", "inv", status_url).json()["status"] != "preparing")

    wait_for(ready, 30, "the case ZIP")
    done = api(gw, "GET", "inv", status_url).json()
    assert done["status"] == "ready" and done["progress"] == 1.0 and done["files"] == 8
    assert done["bytes_done"] == done["bytes_total"] > 0
    assert api(gw, "GET", "op_alpha", status_url).status_code == 404
    assert api(gw, "GET", "inv", done["download_url"]).status_code == 400  # no reason
    response = api(gw, "GET", "inv", f"{done['download_url']}?reason=移送检察院")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"

    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        archive.extractall(folder)
    root = folder / case_id
    assert {
        f"{case_id}/case.json",
        f"{case_id}/README.txt",
        f"{case_id}/gateway_ed25519.pub.pem",
    } <= names
    record = json.loads((root / "case.json").read_text(encoding="utf-8"))
    assert record["reason"] == "移送检察院" and record["exported_by"] == "inv"
    assert {c["id"] for c in record["clips"]} == set(clip_ids)
    for clip_id in clip_ids:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "vgateway",
                "verify",
                f"clips/{clip_id}.mp4",
                f"clips/{clip_id}.manifest.json",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and "VERIFIED" in result.stdout, result.stdout + result.stderr
    # a clip altered after export fails
    tampered = root / "clips" / f"{clip_ids[0]}.mp4"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vgateway",
            "verify",
            str(tampered),
            str(tampered.with_suffix(".manifest.json")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "sha256" in result.stderr

    actions = [e.action for e in gw.auth.audit.search(AuditQuery(ticket_id=case_id))]
    assert actions.count("clip.download") == 2
    assert {"case.create", "case.export", "case.download", "user.case_assign"} <= set(actions)


def test_closing_a_case_lets_its_holds_expire(gw: Gateway, street: Footage) -> None:
    case_id, _, (_, bravo_clip) = build_case(gw, street)
    index = recording(gw).index
    [hold] = index.holds(ticket_id=case_id)
    assert hold.until is None and hold.camera_id == "bravo1"
    closed = api(gw, "PATCH", "district", f"/api/cases/{case_id}", json={"status": "closed"}).json()
    assert closed["status"] == "closed" and closed["closed_at"]
    [after] = index.holds(ticket_id=case_id)
    assert after.until == closed["closed_at"] + 90 * 86400
    closing = gw.auth.audit.search(AuditQuery(action="case.closed"))
    assert [(e.actor, e.ticket_id) for e in closing] == [("district", case_id)]
    reopen = api(gw, "PATCH", "district", f"/api/cases/{case_id}", json={"status": "open"})
    assert reopen.status_code == 400
    removed = api(
        gw,
        "POST",
        "district",
        f"/api/cases/{case_id}/items",
        json={"clip_ids": [bravo_clip], "remove": True},
    )
    assert removed.status_code == 200 and removed.json()["clip_ids"] == []
    assert index.holds(ticket_id=case_id) == [after]  # the expiring hold is not the case row's
