"""A 4-tile wall plays real camera video through WebRTC and through the MSE fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Gateway
from tests.web.wall_page import assert_playing, frame, open_wall, tile, wait_tiles

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]

SCREENSHOT = Path("/tmp/vgateway-wall-4-tiles.png")


def _fill_four(page: Page) -> None:
    """cam001 by drag and drop onto tile 1, the others by click (next free tile)."""
    page.drag_and_drop('.cam[data-camera="cam001"]', ".tile >> nth=0")
    for cam in ["cam002", "cam003", "cam004"]:
        page.click(f'.cam[data-camera="{cam}"]')
    ids = page.locator(".tile").evaluate_all("(tiles) => tiles.map((t) => t.dataset.camera)")
    assert ids == ["cam001", "cam002", "cam003", "cam004"]


def test_four_tiles_play_over_webrtc(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    expect(page.locator(".tile")).to_have_count(4)  # the default wall
    _fill_four(page)
    wait_tiles(page, 4, "playing", "webrtc")
    assert_playing(page, range(4))
    expect(page.locator(".tile-live.live")).to_have_count(4)
    expect(tile(page, 0).locator(".tile-stream")).to_have_text("子码流")  # 4 tiles: sub-streams

    tile(page, 1).hover()
    tile(page, 1).locator(".btn-stats").click()
    stats = tile(page, 1).locator(".tile-stats")
    expect(stats).to_contain_text("WebRTC")
    expect(stats).to_contain_text("kbps", timeout=5_000)
    expect(stats).to_contain_text(" ms")
    page.mouse.move(0, 0)
    page.screenshot(path=str(SCREENSHOT))

    # double-click enlarges one tile to the whole wall, on the main stream, and back
    tile(page, 2).dblclick()
    expect(tile(page, 2)).to_have_class(re.compile(r"\benlarged\b"))
    expect(tile(page, 2).locator(".tile-stream")).to_have_text("主码流")
    page.wait_for_function(
        "() => document.querySelectorAll('.tile')[2].dataset.phase === 'playing'", timeout=30_000
    )
    assert frame(page, 2)["width"] > 0
    # one viewer of the main stream (a superseded session may take a moment to be reaped)
    page.wait_for_function(
        """() => fetch('/api/live/cam003/main/stats').then((r) => r.json())
                   .then((s) => s.viewers.total === 1)""",
        timeout=15_000,
        polling=250,
    )
    tile(page, 2).dblclick()
    expect(page.locator(".tile:visible")).to_have_count(4)
    expect(tile(page, 2).locator(".tile-stream")).to_have_text("子码流")


def test_four_tiles_play_over_mse(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url("/?transport=mse"))
    _fill_four(page)
    wait_tiles(page, 4, "playing", "mse")
    assert_playing(page, range(4))
    tile(page, 0).hover()
    tile(page, 0).locator(".btn-stats").click()
    expect(tile(page, 0).locator(".tile-stats")).to_contain_text("MSE")
    expect(tile(page, 0).locator(".tile-stats")).to_contain_text("kbps", timeout=5_000)
    # MSE latency = buffered end - currentTime, kept near the live edge
    behind = page.evaluate(
        """() => [...document.querySelectorAll('.tile video')].slice(0, 4).map((v) =>
             v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 99)"""
    )
    assert all(b < 1.5 for b in behind), behind
