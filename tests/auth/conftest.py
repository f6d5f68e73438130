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
