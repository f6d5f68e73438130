"""A real gateway over the camera simulator and a headless Chromium, for the browser UI tests.

One simulator and one gateway serve every browser test (start-up costs seconds): five cameras,
cam005 encoded as H.265. Tests that set a fault set `ok` again. ICE is pinned to loopback on
both sides. Each test gets a fresh browser context (empty localStorage).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page

from tests.fixtures.browser import chromium, ui_page
from tests.fixtures.network import network_for
from tests.fixtures.rtsp import require_gst_rtsp_server
from tests.fixtures.servers import serve_app
from vgateway.api.app import WEB_DIR, create_app
from vgateway.auth.settings import AuthSettings
from vgateway.relay import IceSettings, RelaySettings
from vgateway.simulator.client import SimulatorProcess

H265_CAMERA = "cam005"


@dataclass
class Gateway:
    app: FastAPI
    base_url: str
    simulator: SimulatorProcess

    def url(self, path: str = "/") -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def web_simulator() -> Iterator[SimulatorProcess]:
    require_gst_rtsp_server()
    with SimulatorProcess(cameras=5, codecs={H265_CAMERA: "h265"}) as sim:
        yield sim


@pytest.fixture(scope="session")
def gateway(
    web_simulator: SimulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    if not (WEB_DIR / "index.html").is_file():
        pytest.fail(f"{WEB_DIR / 'index.html'} is missing: the UI is not served")
    tmp = tmp_path_factory.mktemp("gateway")
    urls = {
        cam: {"main": web_simulator.url(cam, "main"), "sub": web_simulator.url(cam, "sub")}
        for cam in web_simulator.camera_ids
    }
    app = create_app(network_for(urls, tmp), base_dir=tmp)
    app.state.relay_settings = RelaySettings(ice=IceSettings(host_addresses=["127.0.0.1"]))
    # the page has no login form yet: every request acts as the built-in local user
    app.state.auth_settings = AuthSettings(enabled=False)
    with serve_app(app) as served:
        yield Gateway(app, served.base_url, web_simulator)


# Module scope, not session: while Playwright's sync API is open it marks its own event loop
# as running in the main thread, which breaks every later asyncio test and Playwright user.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium(webrtc_loopback=True) as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with ui_page(browser, 1920, 1080) as page:
        yield page
