"""Grids, saved named layouts (server side) and the wall remembered across reloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import Gateway
from tests.web.wall_page import open_wall

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]

NAME = "夜班 路口"


def _tiles(page: Page) -> list[str | None]:
    ids: list[str] = page.locator(".tile").evaluate_all(
        "(tiles) => tiles.map((t) => t.dataset.camera)"
    )
    return [i or None for i in ids]


def test_save_reload_and_load_a_layout(gateway: Gateway, page: Page, browser: Browser) -> None:
    open_wall(page, gateway.url("/?transport=mse"))
    page.click('.grid-btn[data-grid="9"]')
    expect(page.locator(".tile")).to_have_count(9)
    page.click('.cam[data-camera="cam001"]')
    page.click('.cam[data-camera="cam003"]')
    page.drag_and_drop('.cam[data-camera="cam002"]', ".tile >> nth=4")
    wall = ["cam001", "cam003", None, None, "cam002", None, None, None, None]
    assert _tiles(page) == wall

    page.click(".layout-save")
    page.fill(".layout-name", NAME)
    page.click(".layout-confirm")
    expect(page.locator(".toast")).to_contain_text(f"布局“{NAME}”已保存")
    expect(page.locator(".layout-select")).to_have_value(NAME)
    saved = page.evaluate("fetch('/api/layouts').then((r) => r.json())")
    assert [(x["name"], x["grid"], x["tiles"]) for x in saved] == [(NAME, 9, wall)]

    # the working wall survives a reload (localStorage) ...
    page.reload()
    page.wait_for_selector(".cam[data-state]")
    assert _tiles(page) == wall
    page.click('.grid-btn[data-grid="1"]')
    page.click(".btn-clear")
    assert _tiles(page) == [None]

    # ... and a saved layout comes back from the server, in any browser of the same user
    other = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        fresh = other.new_page()
        open_wall(fresh, gateway.url("/?transport=mse"))
        expect(fresh.locator(".tile")).to_have_count(4)  # nothing remembered locally
        fresh.select_option(".layout-select", NAME)
        expect(fresh.locator(".tile")).to_have_count(9)
        assert _tiles(fresh) == wall
        expect(fresh.locator('.grid-btn[data-grid="9"]')).to_have_class("grid-btn active")

        fresh.click(".layout-delete")
        expect(fresh.locator(".layout-delete")).to_have_text("确认删除？")
        fresh.click(".layout-delete")
        expect(fresh.locator(".toast").last).to_contain_text("已删除")
        expect(fresh.locator(".layout-select option")).to_have_count(1)  # the placeholder
        assert fresh.evaluate("fetch('/api/layouts').then((r) => r.json())") == []
    finally:
        other.close()


def test_grid_sizes_and_closing_a_tile(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url("/?transport=mse"))
    for n in [1, 16, 25, 4]:
        page.click(f'.grid-btn[data-grid="{n}"]')
        expect(page.locator(".tile")).to_have_count(n)
    page.click('.cam[data-camera="cam004"]')
    expect(page.locator(".tile").first).to_have_attribute("data-camera", "cam004")
    page.locator(".tile").first.hover()
    page.locator(".tile").first.locator(".btn-close").click()
    assert _tiles(page) == [None, None, None, None]

    # another panel (events) asks for a camera: the next free tile shows it, once
    for _ in range(2):
        page.evaluate(
            "document.dispatchEvent(new CustomEvent('vgw:show-camera', "
            "{detail: {cameraId: 'cam002'}}))"
        )
    assert _tiles(page) == ["cam002", None, None, None]

    page.click(".btn-fullscreen")  # the Fullscreen API on the wall element
    page.wait_for_function("() => document.fullscreenElement?.classList.contains('wall')")
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("() => document.fullscreenElement === null")
