"""Every route of the app, enumerated from `app.routes`, against every role, town and camera.

A route that declares no access policy fails here, so a new route cannot be forgotten. For
the others the decision matrix is checked through the real app: 401 without credentials, 404
for a camera the caller cannot see (exactly as for one that does not exist), 403 for an action
the role lacks, and never an invisible camera's id or name in a list, a count or an error. Run
on SQLite and on the PostgreSQL server of this machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.auth.conftest import (
    CAMERAS,
    CASE_CLIP,
    RTSP_PASSWORD,
    Gateway,
    gateway,
    seed_events_and_clips,
)
from tests.auth.routes import RouteInfo, app_routes, url_for
from vgateway.auth.principal import Action

# "metrics": a district officer's API token narrowed to reading metrics (a Prometheus scraper)
USERS = [None, "root", "district", "op_alpha", "op_bravo", "inv", "aud", "metrics"]
# what each user sees, given the config share (alpha2 -> bravo) and the two database shares
# the matrix adds (charlie1 -> alpha, tag school -> bravo: bravo1 and charlie1)
SEES: dict[str | None, set[str]] = {
    None: set(),
    "root": set(CAMERAS),
    "district": set(CAMERAS),
    "op_alpha": {"alpha1", "alpha2", "charlie1"},
    "op_bravo": {"alpha2", "bravo1", "charlie1"},
    "inv": set(),
    "aud": set(),
    "metrics": set(),
}
GATEWAY_ACTIONS = {
    Action.manage_users: {"root"},
    Action.manage_shares: {"root", "district"},
    Action.read_audit: {"root", "aud"},
    Action.view_metrics: {"root", "district", "metrics"},
}
# never-ending responses: their denials are checked, their contents in test_event_stream
STREAMING = {"/api/events/stream"}
UNKNOWN_CAMERA = "zulu9"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def gw(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gateway]:
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with gateway(tmp_path, url) as g:
        g.auth.admin.create_share("alpha", by="district", reason="联合执法", camera_id="charlie1")
        g.auth.admin.create_share("bravo", by="district", reason="校园安全", tag="school")
        g.auth.refresh_shares()
        g.tokens["metrics"], _ = g.auth.admin.create_token(
            "district", "prometheus", by="root", metrics_only=True
        )
        seed_events_and_clips(g.client.app)
        yield g


def _sees(user: str | None, key: str) -> set[str]:
    """The cameras whose `key` things (cameras, events, clips) this user sees."""
    if key == "clip_id" and user == "inv":
        return {CASE_CLIP}
    return SEES[user]


def _call(
    gw: Gateway, route: RouteInfo, method: str, url: str, user: str | None
) -> tuple[int, str]:
    headers = gw.headers(user)
    if route.websocket:
        return _websocket(gw.client, url, headers)
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    response = gw.client.request(method, url, headers=headers, **body)  # type: ignore[arg-type]
    return response.status_code, response.text


def _websocket(client: TestClient, url: str, headers: dict[str, str]) -> tuple[int, str]:
    """(HTTP-like status, text): 200 once the stream is served, else the close code's 4xx."""
    try:
        with client.websocket_connect(url, headers=headers) as ws:
            message = ws.receive()
            if message["type"] == "websocket.close":
                return message.get("code", 1000) - 4000, message.get("reason", "")
            text = message.get("text") or ""
            if '"error"' in text:
                closing = ws.receive()
                return closing.get("code", 1000) - 4000, text
            return 200, text
    except WebSocketDisconnect as exc:
        return exc.code - 4000, exc.reason or ""


def test_every_route_declares_a_policy(gw: Gateway) -> None:
    routes = app_routes(gw.client.app)  # type: ignore[arg-type]
    missing = [str(r) for r in routes if r.policy is None]
    assert not missing, (
        "routes without an access policy (add a dependency of vgateway.auth.deps):\n"
        + "\n".join(missing)
    )
    for route in routes:
        if route.policy is not None and route.policy.kind == "camera":
            assert "camera_id" in route.params, f"{route}: camera policy without {{camera_id}}"


def test_decision_matrix(gw: Gateway) -> None:
    failures: list[str] = []
    checked = 0
    for route in app_routes(gw.client.app):  # type: ignore[arg-type]
        policy = route.policy
        assert policy is not None, f"{route}: no policy (see test_every_route_declares_a_policy)"
        if policy.kind == "public" or route.mount:
            continue
        for method in route.methods or ("WS",):
            for user in USERS:
                if route.path in STREAMING and user is not None:
                    continue
                if route.key is None:
                    answers = {None: _call(gw, route, method, url_for(route), user)}
                else:  # the unknown camera first: a hidden one must be answered the same
                    cameras = [UNKNOWN_CAMERA, *CAMERAS]
                    answers = {
                        c: _call(gw, route, method, url_for(route, c), user) for c in cameras
                    }
                for camera, (status, text) in answers.items():
                    checked += 1
                    unknown = answers.get(UNKNOWN_CAMERA)
                    problem = _judge(route, camera, user, status, text, unknown)
                    if problem:
                        where = f"{method} {url_for(route, camera)} as {user}"
                        failures.append(f"{where}: {problem} (got {status}: {text[:160]})")
    assert checked > 300
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures[:40])


def _judge(
    route: RouteInfo,
    camera: str | None,
    user: str | None,
    status: int,
    text: str,
    unknown: tuple[int, str] | None,
) -> str:
    policy = route.policy
    assert policy is not None
    if RTSP_PASSWORD in text:
        return "camera password in the response"
    if user is None:
        return "" if status == 401 else "expected 401 without credentials"
    if status == 401:
        return "valid credentials refused"
    key = route.key
    kind = key or ("clip_id" if route.path.startswith("/api/recording/clips") else "camera_id")
    hidden = set(CAMERAS) - _sees(user, kind)
    if key is not None and camera != UNKNOWN_CAMERA:
        assert camera is not None and unknown is not None
        if camera in hidden:
            if (status, text.replace(camera, UNKNOWN_CAMERA)) != unknown:
                return f"a hidden camera is answered unlike an unknown one {unknown}"
            text = text.replace(camera, "")  # the caller's own words echoed back
        elif status in (403, 404) and _is_denial(text):
            return "visible camera refused"
    elif key is not None and status != 404:
        return "expected 404 for an unknown camera"
    elif policy.kind == "action":
        assert policy.action is not None
        allowed = user in GATEWAY_ACTIONS[policy.action]
        if allowed and status == 403:
            return "allowed role refused"
        if not allowed and status != 403:
            return "expected 403 for a role without the action"
    leaked = [c for c in hidden if c in text or CAMERAS[c][1] in text]
    # the trail and the metrics name every camera: their readers are district-level by role
    district_level = (Action.read_audit, Action.view_metrics)
    if leaked and not (policy.kind == "action" and policy.action in district_level):
        return f"mentions hidden cameras {sorted(leaked)}"
    return ""


def _is_denial(text: str) -> bool:
    return '"forbidden"' in text or any(
        f"no {what}" in text for what in ("camera with id", "event", "clip")
    )


def test_counts_only_include_visible_cameras(gw: Gateway) -> None:
    for user in USERS[1:]:
        headers = gw.headers(user)
        health = gw.client.get("/api/health", headers=headers).json()
        assert health["cameras"] == len(SEES[user]), user
        towns = {t["id"]: t["cameras"] for t in gw.client.get("/api/towns", headers=headers).json()}
        expected: dict[str, int] = {}
        for camera in SEES[user]:
            expected[CAMERAS[camera][0]] = expected.get(CAMERAS[camera][0], 0) + 1
        for town, count in towns.items():
            assert count == expected.get(town, 0), (user, town)
        assert set(expected) <= set(towns), user
        listed = {c["id"] for c in gw.client.get("/api/cameras", headers=headers).json()}
        assert listed == SEES[user], user
    # a town filter cannot widen the view
    alpha_view = gw.client.get("/api/cameras?town=bravo", headers=gw.headers("op_alpha")).json()
    assert {c["id"] for c in alpha_view} == {"alpha2"} & SEES["op_alpha"] | set()


def test_event_stream_needs_credentials(gw: Gateway) -> None:
    assert gw.client.get("/api/events/stream").status_code == 401
