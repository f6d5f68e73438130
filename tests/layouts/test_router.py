"""The layouts API through the real app lifespan, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.network import network_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings
from vgateway.config import NetworkConfig
from vgateway.layouts import current_user_name

# nothing listens on port 9: the cameras stay offline, which the layouts API does not care about
CAMERAS = {f"cam00{i}": {"main": f"rtsp://127.0.0.1:9/cam00{i}/main"} for i in range(1, 5)}


def _client(config: NetworkConfig, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(config, base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)  # identity comes from the override
    with TestClient(app) as client:
        yield client


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(network_for(CAMERAS, tmp_path), tmp_path)


@pytest.fixture
def pg_client(tmp_path: Path, postgres_url: str) -> Iterator[TestClient]:
    config = network_for(CAMERAS, tmp_path)
    gateway = config.gateway.model_copy(update={"database_url": postgres_url})
    yield from _client(config.model_copy(update={"gateway": gateway}), tmp_path)


def _crud(client: TestClient) -> None:
    assert client.get("/api/layouts").json() == []
    created = client.put("/api/layouts/早班 路口", json={"grid": 4, "tiles": ["cam001", None]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "早班 路口" and body["grid"] == 4
    assert body["tiles"] == ["cam001", None, None, None]  # padded to the grid

    replaced = client.put(
        "/api/layouts/早班 路口", json={"grid": 9, "tiles": ["cam002"] + [None] * 7 + ["cam003"]}
    )
    assert replaced.status_code == 200
    assert client.get("/api/layouts/早班 路口").json()["tiles"][8] == "cam003"

    client.put("/api/layouts/A", json={"grid": 1, "tiles": ["cam004"]})
    assert [lay["name"] for lay in client.get("/api/layouts").json()] == ["A", "早班 路口"]

    assert client.delete("/api/layouts/A").status_code == 204
    missing = client.delete("/api/layouts/A")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/api/layouts/A").status_code == 404
    assert len(client.get("/api/layouts").json()) == 1


def test_crud_sqlite(sqlite_client: TestClient) -> None:
    _crud(sqlite_client)


@pytest.mark.postgres
def test_crud_postgres(pg_client: TestClient) -> None:
    _crud(pg_client)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"grid": 6, "tiles": []}, "grid: 6 is not one of 1, 4, 9, 16, 25"),
        ({"grid": 1, "tiles": ["cam001", "cam002"]}, "tiles: 2 entries for a 1-tile grid"),
        ({"grid": 4, "tiles": [None, "nope"]}, "tiles[1]: no camera with id 'nope'"),
        ({"grid": 4, "tiles": [None, 7]}, "tiles[1]: "),
        ({"grid": "four", "tiles": []}, "grid: "),
        ({"tiles": []}, "grid: Field required"),
        ({"grid": 4, "tiles": [], "owner": "x"}, "owner: "),
        ([1, 2], "body: "),
    ],
)
def test_validation_errors_name_the_field(
    sqlite_client: TestClient, body: object, detail: str
) -> None:
    response = sqlite_client.put("/api/layouts/x", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_layout"
    assert response.json()["detail"].startswith(detail)


def test_bad_names_and_bodies(sqlite_client: TestClient) -> None:
    good = {"grid": 1, "tiles": []}
    for name in [" padded", "x" * 65, "tab%09here"]:
        response = sqlite_client.put(f"/api/layouts/{name}", json=good)
        assert response.status_code == 400, name
        assert response.json()["detail"].startswith("layout name")
    response = sqlite_client.put(
        "/api/layouts/x", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.json() == {"error": "invalid_layout", "detail": "body: not a JSON document"}
    assert sqlite_client.get("/api/layouts").json() == []


def _as_user(client: TestClient, user: str) -> None:
    client.app.dependency_overrides[current_user_name] = lambda: user  # type: ignore[attr-defined]


def _isolation(client: TestClient) -> None:
    _as_user(client, "alice")
    client.put("/api/layouts/wall", json={"grid": 1, "tiles": ["cam001"]})
    _as_user(client, "bob")
    assert client.get("/api/layouts").json() == []
    assert client.get("/api/layouts/wall").status_code == 404
    assert client.delete("/api/layouts/wall").status_code == 404
    # the same name for another user is a separate layout
    assert client.put("/api/layouts/wall", json={"grid": 4, "tiles": []}).status_code == 201
    _as_user(client, "alice")
    assert client.get("/api/layouts/wall").json()["tiles"] == ["cam001"]
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert client.get("/api/layouts").json() == []  # the default "local" user


def test_per_user_isolation_sqlite(sqlite_client: TestClient) -> None:
    _isolation(sqlite_client)


@pytest.mark.postgres
def test_per_user_isolation_postgres(pg_client: TestClient) -> None:
    _isolation(pg_client)


def test_openapi_documents_the_body(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/openapi.json").json()
    put = spec["paths"]["/api/layouts/{name}"]["put"]
    schema = put["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"grid", "tiles"}
