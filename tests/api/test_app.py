"""The app's lifespan: what start-up leaves behind for the process."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from tests.fixtures.network import network_for
from vgateway.api.app import create_app
from vgateway.auth.settings import AuthSettings


def test_start_up_objects_are_frozen_out_of_the_collector_while_the_gateway_runs(
    tmp_path: Path,
) -> None:
    config = network_for({"cam001": {"main": "rtsp://127.0.0.1:9/offline"}}, tmp_path)
    app = create_app(config, base_dir=tmp_path)
    app.state.auth_settings = AuthSettings(enabled=False)
    with TestClient(app) as client:
        assert client.get("/api/cameras").status_code == 200
        assert gc.get_freeze_count() > 10_000  # modules, services, config: not walked again
    assert gc.get_freeze_count() == 0  # a stopped gateway leaves nothing uncollectable
