"""The player's transport switching, recovery after a camera outage, and the codec tile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.conftest import H265_CAMERA, Gateway
from tests.web.wall_page import assert_playing, open_wall, tile, wait_tiles

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]


def test_auto_falls_back_to_mse_and_returns_to_webrtc(gateway: Gateway, page: Page) -> None:
    # WHEP answers never come: the player must give up after its timeout and use MSE
    held: list[Route] = []
    page.route(re.compile(r".*/whep$"), lambda route: held.append(route))
    open_wall(page, gateway.url("/?webrtc_timeout=1.5&webrtc_retry=2"))
    page.click('.cam[data-camera="cam001"]')
    wait_tiles(page, 1, "playing", "mse")
    assert_playing(page, range(1), seconds=1.0)
    assert held, "the player never tried WebRTC first"
    for route in held:
        route.abort()

    # WebRTC works again: a background attempt takes over once it plays, without a gap
    page.unroute(re.compile(r".*/whep$"))
    wait_tiles(page, 1, "playing", "webrtc")
    assert_playing(page, range(1), seconds=1.0)
    sessions = page.evaluate("fetch('/api/live/cam001/sub/stats').then((r) => r.json())")
    assert "webrtc" in str(sessions)


def test_settings_menu_switches_transport(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    page.click('.cam[data-camera="cam003"]')
    wait_tiles(page, 1, "playing", "webrtc")
    page.click(".btn-settings")
    page.check('.settings-panel input[name="transport"][value="mse"]')
    wait_tiles(page, 1, "playing", "mse")
    assert_playing(page, range(1), seconds=1.0)
    page.reload()  # the choice is remembered
    wait_tiles(page, 1, "playing", "mse")
    page.click(".btn-settings")
    page.check('.settings-panel input[name="transport"][value="auto"]')
    wait_tiles(page, 1, "playing", "webrtc")


@pytest.mark.parametrize("transport", ["auto", "mse"])
def test_tile_recovers_after_camera_outage(gateway: Gateway, page: Page, transport: str) -> None:
    open_wall(page, gateway.url(f"/?transport={transport}&poll=1"))
    page.click('.cam[data-camera="cam002"]')
    wait_tiles(page, 1, "playing")
    gateway.simulator.set_fault("cam002", "down")
    try:
        expect(tile(page, 0).locator(".tile-msg.msg-offline")).to_be_visible(timeout=20_000)
        expect(tile(page, 0).locator(".msg-text")).to_contain_text("摄像机离线")
        expect(page.locator('.cam[data-camera="cam002"] .badge')).to_have_class(
            re.compile("state-offline")
        )
    finally:
        gateway.simulator.set_fault("cam002", "ok")
    wait_tiles(page, 1, "playing")
    expect(tile(page, 0).locator(".tile-live.live")).to_be_visible(timeout=20_000)
    assert_playing(page, range(1), seconds=1.0)


def test_h265_camera_shows_codec_not_supported(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    page.click(f'.cam[data-camera="{H265_CAMERA}"]')
    message = tile(page, 0).locator(".tile-msg.msg-unsupported")
    expect(message).to_be_visible(timeout=20_000)
    expect(message.locator(".msg-text")).to_have_text("浏览器不支持该编码 (H.265)")
    assert tile(page, 0).get_attribute("data-phase") == "unsupported"
    page.click(".btn-lang")
    expect(message.locator(".msg-text")).to_have_text("Codec not supported in browser (H.265)")


def test_h265_codec_tile_over_mse(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url("/?transport=mse"))
    page.click(f'.cam[data-camera="{H265_CAMERA}"]')
    expect(tile(page, 0).locator(".msg-text")).to_have_text(
        "浏览器不支持该编码 (H.265)", timeout=20_000
    )


# The Player with sessions that play at once and end when told: what the status says between
# the end of one session and the picture of the next.
PLAYER_AFTER_SESSION_ENDS = """async () => {
  const { Player } = await import('/js/player/player.js');
  class Session {
    constructor() { this.kind = 'webrtc'; this.ended = new Promise((r) => { this.end = r; }); }
    async open() {}
    close() { this.end(null); }
  }
  class TestPlayer extends Player { session() { return new Session(); } }
  const timing = { backoffMinMs: 200, backoffMaxMs: 1000, webrtcRetryMs: 10000 };
  const player = new TestPlayer(document.createElement('video'),
    { cameraId: 'cam', role: 'sub', settings: { transport: 'webrtc', timing } });
  const tick = (ms) => new Promise((r) => setTimeout(r, ms));
  player.start();
  await tick(5200); // played long enough to reconnect at once when it drops
  const before = player.status.phase;
  player.restart();
  await tick(0);
  const after = player.status.phase;
  player.stop();
  return [before, after];
}"""


def test_status_leaves_playing_as_soon_as_the_session_ends(gateway: Gateway, page: Page) -> None:
    # a tile must not show LIVE over an empty picture while the next session comes up
    open_wall(page, gateway.url("/"))
    assert page.evaluate(PLAYER_AFTER_SESSION_ENDS) == ["playing", "connecting"]
