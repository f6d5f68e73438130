"""What the browser tests read from and do to the live-wall page."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page

# mean luminance and its variance over a 64x36 sample of the tile's current picture
SAMPLE_FRAME = """(index) => {
  const video = document.querySelectorAll('.tile video')[index];
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 36;
  const g = canvas.getContext('2d');
  g.drawImage(video, 0, 0, 64, 36);
  const d = g.getImageData(0, 0, 64, 36).data;
  let n = 0, sum = 0, sq = 0;
  for (let i = 0; i < d.length; i += 4) {
    const y = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += y; sq += y * y; n += 1;
  }
  const mean = sum / n;
  const frames = video.getVideoPlaybackQuality().totalVideoFrames;
  return {time: video.currentTime, frames, mean, variance: sq / n - mean * mean,
          width: video.videoWidth};
}"""


def open_wall(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".cam[data-state]")


def tile(page: Page, index: int) -> Any:
    return page.locator(".tile").nth(index)


def wait_tiles(page: Page, count: int, phase: str, transport: str | None = None) -> None:
    """Wait until the first `count` tiles are in `phase` (and on `transport`)."""
    page.wait_for_function(
        """([count, phase, transport]) => {
          const tiles = [...document.querySelectorAll('.tile')].slice(0, count);
          return tiles.length === count && tiles.every((t) => t.dataset.phase === phase
            && (transport === null || t.dataset.transport === transport));
        }""",
        arg=[count, phase, transport],
        timeout=30_000,
    )


def frame(page: Page, index: int) -> dict[str, float]:
    result: dict[str, float] = page.evaluate(SAMPLE_FRAME, index)
    return result


def assert_playing(page: Page, indexes: range, seconds: float = 1.5) -> None:
    """Each tile's currentTime advances and its picture is not blank."""
    before = [frame(page, i) for i in indexes]
    time.sleep(seconds)
    after = [frame(page, i) for i in indexes]
    for i, first, second in zip(indexes, before, after, strict=True):
        assert second["time"] > first["time"], f"tile {i}: currentTime did not advance {first}"
        # a MediaStream's currentTime follows the clock: new frames prove the picture moves
        assert second["frames"] > first["frames"], f"tile {i}: no new frames {first} {second}"
        assert second["width"] > 0, f"tile {i}: no video size"
        assert second["variance"] > 50, f"tile {i}: picture looks blank {second}"
