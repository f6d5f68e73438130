"""No RTSP credential or token in any API response, page or log line.

A real gateway (uvicorn, access log on) with a camera whose URL holds a password: one online
(the simulator ignores the credentials), the rest refusing connections. Every GET route is
called as every role (and anonymously), sign-in, signed media URLs and logout are used, the
web pages are fetched; then every response and every log line the gateway wrote is searched
for the camera password and for every session, API and media token handed out.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.auth.conftest import (
    CAMERAS,
    RTSP_PASSWORD,
    USER_PASSWORD,
    USERS,
    Gateway,
    add_users,
    make_event,
    seed_events_and_clips,
    write_network,
)
from tests.auth.live_server import serve
from tests.auth.routes import app_routes, url_for
from tests.fixtures.waiting import wait_for
from vgateway.api.app import WEB_DIR, create_app
from vgateway.events.model import EventMessage
from vgateway.redact import RedactingFilter
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp
STREAMING = {"/api/events/stream"}


@pytest.fixture
def gateway_log() -> Iterator[io.StringIO]:
    """What the gateway's log handler (as `configure_logging` sets it up) writes."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_no_credential_or_token_anywhere(
    shared_simulator: SimulatorProcess,
    tmp_path: Path,
    gateway_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    host_port = shared_simulator.url("cam001", "main").split("//", 1)[1].split("/", 1)[0]
    secret_url = f"rtsp://admin:{RTSP_PASSWORD}@{host_port}/cam001"
    streams = {"alpha1": {"main": f"{secret_url}/main", "sub": f"{secret_url}/sub"}}
    app = create_app(write_network(tmp_path, streams=streams), base_dir=tmp_path)
    secrets: set[str] = {RTSP_PASSWORD}
    texts: list[tuple[str, str]] = []
    with serve(app, access_log=True) as base:
        hub = app.state.services.hub
        wait_for(lambda: bool(hub.stream("alpha1", "sub").cached_gop()), 30, "a first picture")
        tokens = add_users(app.state.auth)
        secrets |= set(tokens.values())
        gw = Gateway(None, app.state.services.config, tokens)  # type: ignore[arg-type]
        seed_events_and_clips(app)
        with httpx.Client(base_url=base) as http:
            # a browser session, and signed media URLs used the way a page uses them
            login = http.post(
                "/api/auth/login", json={"username": "op_alpha", "password": USER_PASSWORD}
            )
            secrets.add(http.cookies["vgw_session"])
            for action, path in (
                ("view_snapshot", "/api/cameras/alpha1/snapshot.jpg"),
                ("view_live", "/api/live/alpha1/sub/stats"),
            ):
                signed = http.post(
                    "/api/auth/media-token", json={"camera_id": "alpha1", "action": action}
                ).json()
                secrets.add(signed["token"])
                assert http.get(f"{path}?token={signed['token']}").status_code in (200, 503)
            texts.append(("login", login.text))
            http.cookies.clear()
            for route in app_routes(app):
                if route.websocket or "GET" not in route.methods or route.path in STREAMING:
                    continue
                cameras = [*CAMERAS] if route.key else [None]
                for camera in cameras:
                    url = url_for(route, camera)
                    for user in [None, *USERS]:
                        headers = gw.headers(user)
                        response = http.get(url, headers=headers)
                        texts.append((f"GET {url} as {user}", response.text))
                        texts.append((f"headers of GET {url}", json.dumps(dict(response.headers))))
            for page in sorted(WEB_DIR.rglob("*")):
                if page.is_file():
                    path = "/" + page.relative_to(WEB_DIR).as_posix()
                    texts.append((f"page {path}", http.get(path).text))
            texts.append(("page /", http.get("/").text))
            http.post("/api/auth/login", json={"username": "op_alpha", "password": "wrong-pass"})
    assert len(texts) > 500
    for where, text in texts:
        found = [s[:6] + "…" for s in secrets if s in text]
        assert not found, f"{where} holds secrets {found}"
    logged = gateway_log.getvalue()
    assert "admin:***@127.0.0.1:9" in logged  # the offline cameras were logged, masked
    assert "token=***" in logged  # the access log saw the signed URLs, masked
    for secret in secrets:
        assert secret not in logged, f"log holds {secret[:6]}…"
    # not even before masking did anything log the camera password
    assert not [r for r in caplog.records if RTSP_PASSWORD in r.getMessage()]


def test_event_stream_shows_only_visible_cameras(tmp_path: Path) -> None:
    app = create_app(write_network(tmp_path), base_dir=tmp_path)
    with serve(app) as base:
        tokens = add_users(app.state.auth)
        events = app.state.events
        received: list[str] = []

        def listen() -> None:
            headers = {"Authorization": f"Bearer {tokens['op_alpha']}"}
            with httpx.stream(
                "GET", f"{base}/api/events/stream", headers=headers, timeout=20
            ) as response:
                for line in response.iter_lines():
                    received.append(line)
                    if "evt-last" in line:
                        return

        internal = events.live.listeners  # the gateway's own (tickets follow events too)
        reader = threading.Thread(target=listen, daemon=True)
        reader.start()
        wait_for(lambda: events.live.listeners == internal + 1, 10, "the SSE listener")
        for event_id, camera in (
            ("evt-b", "bravo1"),
            ("evt-c", "charlie2"),
            ("evt-a", "alpha1"),
            ("evt-last", "alpha2"),
        ):
            events.emit(EventMessage("start", make_event(event_id, camera))).result(10)
            time.sleep(0.05)
        reader.join(20)
        assert not reader.is_alive()
    stream = "\n".join(received)
    assert "evt-a" in stream and "evt-last" in stream
    assert "evt-b" not in stream and "bravo1" not in stream and "charlie2" not in stream
