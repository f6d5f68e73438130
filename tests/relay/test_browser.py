"""Headless Chromium plays a simulator camera through WebRTC and through the MSE fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.fixtures.browser import chromium
from tests.fixtures.waiting import wait_for
from tests.relay.conftest import LiveServer, drained

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]

# Mean luma spread of the frame on the page's canvas: a black or grey frame is below 5.
PICTURE_JS = """() => {
  const video = document.getElementById('video');
  if (!video.videoWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(video, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0, sq = 0, n = 0;
  for (let i = 0; i < data.length; i += 16) {
    const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += y; sq += y * y; n++;
  }
  const mean = sum / n;
  return {width: canvas.width, height: canvas.height, std: Math.sqrt(sq / n - mean * mean)};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium(webrtc_loopback=True) as browser:
        yield browser


def play(page: Page, server: LiveServer, camera: str, role: str, transport: str) -> None:
    page.goto(server.url(f"/api/live/player?camera={camera}&role={role}&transport={transport}"))


def assert_playing(page: Page) -> dict[str, float]:
    page.wait_for_function("document.getElementById('video').currentTime > 0.2", timeout=15000)
    start = page.evaluate("document.getElementById('video').currentTime")
    page.wait_for_function(
        f"document.getElementById('video').currentTime > {start} + 0.8", timeout=10000
    )
    picture = page.evaluate(PICTURE_JS)
    assert picture is not None and picture["std"] > 10, picture
    first_frame = page.evaluate("window.player.firstFrameMs")
    return {"first_frame_ms": first_frame, **picture}


@pytest.mark.parametrize("transport", ["webrtc", "mse"])
def test_chromium_plays_a_camera(shared_live: LiveServer, browser: Browser, transport: str) -> None:
    page = browser.new_page()
    try:
        play(page, shared_live, "cam001", "sub", transport)
        result = assert_playing(page)
        assert (result["width"], result["height"]) == (640, 352)
        print(
            f"{transport}: first frame {result['first_frame_ms']:.0f} ms, luma std "
            f"{result['std']:.0f}"
        )
        sessions = shared_live.relay.sessions()
        assert [s["transport"] for s in sessions] == [transport]
        assert page.evaluate("window.player.state").startswith(
            "webrtc connected" if transport == "webrtc" else "mse playing"
        )
    finally:
        page.close()  # the tab goes away without saying goodbye
    wait_for(lambda: drained(shared_live), 40, "the browser's session to be cleaned up")


def test_chromium_sees_codec_not_supported(shared_live: LiveServer, browser: Browser) -> None:
    page = browser.new_page()
    try:
        play(page, shared_live, "nosuchcam", "sub", "webrtc")
        page.wait_for_function("window.player.error !== null", timeout=10000)
        assert page.evaluate("window.player.error.status") == 404
    finally:
        page.close()
