"""A tile's "record this" button makes a work order with the camera's latest footage."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Gateway
from tests.web.wall_page import open_wall, tile, wait_tiles

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]


def test_record_this_creates_a_ticket_with_a_clip(gateway: Gateway, page: Page) -> None:
    open_wall(page, gateway.url())
    page.click('.cam[data-camera="cam001"]')
    wait_tiles(page, 1, "playing", None)
    page.wait_for_timeout(3000)  # some footage in the pre-roll buffer
    tile(page, 0).hover()
    tile(page, 0).locator(".btn-record").click()
    toast = page.locator(".toast")
    expect(toast).to_contain_text("已生成工单 GD-", timeout=30_000)
    number = toast.inner_text().split()[-1]
    tickets = page.evaluate("fetch('/api/tickets').then((r) => r.json())")
    items = tickets["items"] if isinstance(tickets, dict) else tickets
    ticket = next(t for t in items if number in (t.get("number"), t.get("id")))
    assert "cam001" in str(ticket)
