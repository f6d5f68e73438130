"""A finished clip plays in headless Chromium from its URL (HTTP range requests, faststart)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.fixtures.browser import chromium
from tests.fixtures.waiting import wait_for
from tests.recording.conftest import Gateway

pytestmark = [pytest.mark.browser, pytest.mark.rtsp]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def test_clip_plays_in_chromium(live_gateway: Gateway, browser: Browser) -> None:
    recorder = live_gateway.recording.recorders["cam002"]
    wait_for(lambda: recorder.buffer.stats().seconds >= 5, 30, "5 s of buffered video")
    now = time.time()
    clip = live_gateway.call(
        live_gateway.recording.create_clip(
            "cam002", now - 4, now, pre_roll=0, post_roll=0, created_by="tester"
        )
    )
    url = live_gateway.url(f"/api/recording/clips/{clip.id}/file?reason=test")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(f'<video id="v" src="{url}" muted autoplay playsinline></video>')
        page.wait_for_function(
            "() => { const v = document.getElementById('v');"
            " return v.error || v.currentTime > 1.5 }",
            timeout=20_000,
        )
        state = page.evaluate(
            "() => { const v = document.getElementById('v');"
            " return {error: v.error && v.error.message, width: v.videoWidth,"
            " duration: v.duration, time: v.currentTime} }"
        )
        assert state["error"] is None, state
        assert state["width"] == 640 and state["time"] > 1.5
        assert clip.start_at is not None and clip.end_at is not None
        assert abs(state["duration"] - (clip.end_at - clip.start_at)) < 0.2
        # seeking back needs a byte-range request on the file
        page.evaluate("() => { document.getElementById('v').currentTime = 0.5 }")
        page.wait_for_function(
            "() => { const v = document.getElementById('v');"
            " return !v.seeking && v.currentTime < 1.4 }"
        )
    finally:
        context.close()
