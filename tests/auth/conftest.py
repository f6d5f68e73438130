"""A three-town network, users of every role, and a running gateway, for the auth tests.

Towns alpha, bravo, charlie. alpha2 is shared with bravo in the config (a permanent share);
tests add database shares themselves. Every stream URL carries a password, which must never
come back out. Streams point at a closed local port: the cameras are offline, quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from vgateway.api.app import create_app
from vgateway.auth.principal import Role
from vgateway.auth.service import AuthService
from vgateway.config import NetworkConfig, load_config

RTSP_PASSWORD = "Cam-Pa55w0rd-7x"
USER_PASSWORD = "correct-horse-9"

TOWNS = {"alpha": "甲镇", "bravo": "乙街道", "charlie": "丙镇"}
CAMERAS = {  # id: (town, name, tags, shared_with)
    "alpha1": ("alpha", "甲镇人民路口", ["traffic"], []),
    "alpha2": ("alpha", "甲镇东桥", ["bridge"], ["bravo"]),
    "bravo1": ("bravo", "乙街道实验小学", ["school"], []),
    "charlie1": ("charlie", "丙镇中心小学", ["school"], []),
    "charlie2": ("charlie", "丙镇化工园区", ["hazchem"], []),
}
# name: (role, town, cases)
CASE_CLIP = "charlie2"
USERS = {
    "root": (Role.admin, None, ()),
    "district": (Role.district_officer, None, ()),
    "op_alpha": (Role.town_operator, "alpha", ()),
    "op_bravo": (Role.town_operator, "bravo", ()),
    "inv": (Role.investigator, None, ("case-7",)),
    "aud": (Role.auditor, None, ()),
}


def write_network(
    tmp_path: Path,
    database_url: str | None = None,
    streams: dict[str, dict[str, str]] | None = None,
) -> NetworkConfig:
    """The test network; `streams` points some cameras at real ones ({camera: {role: url}})."""
    doc = {
        "district": "测试区",
        "gateway": {
            "database_url": database_url or f"sqlite:///{tmp_path / 'gw.db'}",
            "port": 0,
            "data_dir": str(tmp_path / "data"),
        },
        "ingest": {"connect_timeout_s": 1, "backoff_initial_s": 0.5, "backoff_max_s": 5},
        "towns": [
            {"id": t, "name": name, "name_en": t.title(), "kind": "镇"} for t, name in TOWNS.items()
        ],
        "cameras": [
            {
                "id": cam,
                "name": name,
                "town": town,
                "department": "交警大队",
                "location": f"{name}东北角",
                "area_type": "crossroad",
                "coordinates": {"lat": 30.3, "lon": 120.2},
                "streams": {
                    role: {"url": url}
                    for role, url in (streams or {})
                    .get(cam, {"main": f"rtsp://admin:{RTSP_PASSWORD}@127.0.0.1:9/{cam}/main"})
                    .items()
                },
                "tags": tags,
                "shared_with": shared,
            }
            for cam, (town, name, tags, shared) in CAMERAS.items()
        ],
    }
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_config(path)


@dataclass
class Gateway:
    client: TestClient
    config: NetworkConfig
    tokens: dict[str, str] = field(default_factory=dict)  # user -> API token

    @property
    def auth(self) -> AuthService:
        auth: AuthService = self.client.app.state.auth  # type: ignore[attr-defined]
        return auth

    def headers(self, user: str | None) -> dict[str, str]:
        return {} if user is None else {"Authorization": f"Bearer {self.tokens[user]}"}

    def login(self, user: str, password: str = USER_PASSWORD) -> TestClient:
        """Sign the (cookie-carrying) client in as `user`."""
        response = self.client.post(
            "/api/auth/login", json={"username": user, "password": password}
        )
        assert response.status_code == 200, response.text
        return self.client


def add_users(auth: AuthService) -> dict[str, str]:
    """Create USERS with USER_PASSWORD, and an API token for each; returns user -> token."""
    tokens = {}
    for name, (role, town, cases) in USERS.items():
        auth.admin.add_user(name, role, by="test", town=town, password=USER_PASSWORD)
        for case in cases:
            auth.admin.assign_case(name, case, by="test", assigned=True)
        tokens[name], _ = auth.admin.create_token(name, "tests", by="test")
    return tokens


def make_event(event_id: str, camera: str) -> Any:
    """An active high-priority event of `camera` (an events.model.Event)."""
    from vgateway.events.model import Event

    return Event.model_validate(
        {
            "id": event_id,
            "state": "active",
            "rule_id": "r1",
            "rule_type": "intrusion",
            "rule_name": "禁区闯入",
            "priority": "high",
            "camera_id": camera,
            "town": CAMERAS[camera][0],
            "started_at": 1.0,
            "updated_at": 1.0,
            "captured_at": 1.0,
            "has_snapshot": True,
        }
    )


def seed_events_and_clips(app: Any) -> None:
    """One event (with snapshot) and one finished clip (with its files) per camera; the clip
    of CASE_CLIP belongs to case-7, the investigator's."""
    from vgateway.events.model import EventMessage
    from vgateway.events.store import EventStore
    from vgateway.recording.clipstore import ClipStore, FinishedClip, NewClip
    from vgateway.recording.paths import clip_file, manifest_file, signature_file

    engine = app.state.services.engine
    root = app.state.recording.root
    events, clips = EventStore(engine), ClipStore(engine)
    for camera in CAMERAS:
        event = make_event(f"evt-{camera}", camera)
        events.save(EventMessage("start", event, snapshot=b"\xff\xd8jpeg"))
        clip_id = f"clip-{camera}"
        ticket = "case-7" if camera == CASE_CLIP else None
        clips.create(
            NewClip(
                clip_id,
                camera,
                "main",
                1.0,
                2.0,
                f"clips/{clip_id}.mp4",
                "巡查",
                ticket,
                None,
                "district",
            )
        )
        clips.ready(clip_id, FinishedClip(1.0, 2.0, 4, 1, "0" * 64, "0" * 64))
        for path in (
            clip_file(root, clip_id),
            manifest_file(root, clip_id),
            signature_file(root, clip_id),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"data")


@contextmanager
def gateway(tmp_path: Path, database_url: str | None = None) -> Iterator[Gateway]:
    config = write_network(tmp_path, database_url)
    with TestClient(create_app(config, base_dir=tmp_path)) as client:
        gw = Gateway(client, config)
        gw.tokens = add_users(gw.auth)
        yield gw


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[Gateway]:
    with gateway(tmp_path) as g:
        yield g
