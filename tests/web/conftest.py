"""A real gateway over the camera simulator and a headless Chromium, for the browser UI tests.

One simulator and one gateway serve every browser test (start-up costs seconds): five cameras,
cam005 encoded as H.265. Tests that set a fault set `ok` again. ICE is pinned to loopback on
both sides. Each test gets a fresh browser context (empty localStorage).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from tests.fixtures.network import network_for
from tests.fixtures.rtsp import require_gst_rtsp_server
from tests.fixtures.waiting import wait_for
from vgateway.api.app import WEB_DIR, create_app
from vgateway.auth.settings import AuthSettings
from vgateway.relay import IceSettings, RelaySettings
from vgateway.simulator.client import SimulatorProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # WebRTC over loopback: Chromium hides local IPs behind mDNS names and skips loopback
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]
H265_CAMERA = "cam005"


@dataclass
class Gateway:
    app: FastAPI
    base_url: str
    simulator: SimulatorProcess

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def _serve(app: FastAPI) -> Iterator[str]:
    """Run `app` under uvicorn in a thread on a free port until the generator is closed."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="websockets-sansio")
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),))
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), 30, "uvicorn to start")
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        loop.close()


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
    for base_url in _serve(app):
        yield Gateway(app, base_url, web_simulator)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent: install the Debian package chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
