"""Live relay benchmark: glass-to-glass latency, time to first frame, CPU per viewer.

    .venv/bin/python bench/live.py [--seconds 6] [--viewers 20,50] [--latency-seconds 12] \
        [--trials 5] [--read-pacing-frames N]

Sets up, all on this machine: a clock camera (bench/clock_camera.py: every frame shows the
millisecond it was drawn, encoded live by x264 tune=zerolatency), the camera simulator (one
640x352 H.264 camera, 2 s GOP), and the gateway (`create_app`, the real app) in its own process.
1. Headless Chromium plays the clock camera through WebRTC and through the fMP4/WebSocket
   fallback with the relay's player page; on every presented frame it reads the blocks back
   from a canvas and subtracts them from Date.now(): glass-to-glass p50/p95.
2. Chromium re-opens the clock camera's tile (2 s GOP) five times per path: time from start()
   to the first picture (the cached keyframe) and to the first live frame (< 400 ms old).
3. Viewer crowds (aiortc peers without decoding / WebSocket readers, in another process) watch
   the 640x352 camera; the gateway process's CPU is read from /proc with 0, 20, 50 viewers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from math import nan
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ports import free_port
from _proc import measure

from vgateway.simulator.client import SimulatorProcess

BENCH = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]  # fmt: skip
# Decodes clock_camera.py's blocks from each presented frame (same geometry as there).
CLOCK_READER_JS = """() => {
  const BITS = 32, BLOCK = 18, TOP = 6, LEFT = (640 - (BITS + 2) * BLOCK) / 2, LIVE_MS = 400;
  window.liveAt = null;
  window.latencies = [];
  if (window.clockReader) return;  // one reader per page: the video element is reused
  window.clockReader = true;
  const video = document.getElementById('video');
  const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 30;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const luma = (d, x, y) => {
    let s = 0;
    for (let dy = -3; dy <= 3; dy++)
      for (let dx = -3; dx <= 3; dx++) s += d[((y + dy) * 640 + x + dx) * 4];
    return s / 49;
  };
  let last = null;
  const onFrame = () => {
    const now = Date.now();
    if (video.videoWidth === 640) {
      ctx.drawImage(video, 0, 0, 640, 30, 0, 0, 640, 30);
      const d = ctx.getImageData(0, 0, 640, 30).data, y = TOP + BLOCK / 2;
      const at = (i) => luma(d, LEFT + i * BLOCK + BLOCK / 2, y);
      const black = at(0), white = at(1), mid = (black + white) / 2;
      if (white - black > 100) {
        let stamp = 0;
        for (let i = 0; i < BITS; i++) stamp = stamp * 2 + (at(2 + i) > mid ? 1 : 0);
        // count each captured frame once, when first shown (a repaint is not a new frame)
        const latency = ((now % 2 ** 32) - stamp + 2 ** 32) % 2 ** 32;
        if (stamp !== last && latency < 5000) {
          window.latencies.push(latency);
          if (window.liveAt === null && latency < LIVE_MS) window.liveAt = performance.now();
        }
        last = stamp;
      }
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}"""


def start_clock_camera() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        ["/usr/bin/python3", str(BENCH / "clock_camera.py")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline())
    return process, f"rtsp://127.0.0.1:{ready['port']}/clock"


def write_config(folder: Path, clock_url: str, street_url: str, pacing: int | None) -> Path:
    def camera(camera_id: str, name: str, url: str) -> dict[str, Any]:
        return {
            "id": camera_id, "name": name, "town": "bench", "department": "交警大队",
            "location": name, "area_type": "crossroad",
            "coordinates": {"lat": 30.3, "lon": 120.2},
            # on demand: the first viewer starts the pull, so sessions upstream are countable
            "streams": {"main": {"url": url, "always_on": False}},
        }  # fmt: skip

    doc = {
        "district": "测试区",
        "gateway": {"database_url": f"sqlite:///{folder / 'gw.db'}"},
        "ingest": {
            "on_demand_idle_s": 60,
            **({} if pacing is None else {"read_pacing_frames": pacing}),
        },
        "towns": [{"id": "bench", "name": "测试街道", "name_en": "Bench", "kind": "街道"}],
        "cameras": [camera("clock", "时钟相机", clock_url), camera("street", "街道", street_url)],
    }
    path = folder / "network.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def wait_gateway(base: str, gateway: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while gateway.poll() is None and time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/api/live/stats").raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the gateway did not start (exit status {gateway.poll()})")


def wait_sessions_gone(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/live/stats").json() == []:
            return
        time.sleep(0.2)
    raise RuntimeError("viewer sessions did not drain")


def browser_figures(base: str, seconds: float, trials: int) -> dict[str, dict[str, float]]:
    """Latency over `seconds` of playback, then `trials` fresh opens of the tile."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        page.goto(f"{base}/api/live/player")
        page.evaluate(CLOCK_READER_JS)
        for transport in ("webrtc", "mse"):
            start = f"window.liveAt = null; window.player.start('clock', 'main', '{transport}')"
            page.evaluate(start)
            wait_page(page, "window.player.firstFrameMs !== null")
            page.evaluate("window.latencies = []")
            time.sleep(seconds)
            samples = sorted(page.evaluate("window.latencies"))
            first, live = [], []
            for _ in range(trials):
                page.evaluate("window.player.stop()")
                time.sleep(0.5)
                opened = page.evaluate(
                    f"(() => {{ const t = performance.now(); {start}; return t; }})()"
                )
                if not wait_page(page, "window.liveAt !== null", required=False):
                    continue  # counted as a miss: no live frame within 20 s
                first.append(page.evaluate("window.player.firstFrameMs"))
                live.append(page.evaluate("window.liveAt") - opened)
            page.evaluate("window.player.stop()")
            figures[transport] = {
                "p50": percentile(samples, 50), "p95": percentile(samples, 95),
                "samples": len(samples), "first_p50": statistics.median(first or [nan]),
                "first_max": max(first or [nan]), "live_p50": statistics.median(live or [nan]),
                "live_max": max(live or [nan]), "opens": len(live),
            }  # fmt: skip
            wait_sessions_gone(base)
        browser.close()
    return figures


def wait_page(page: Any, condition: str, required: bool = True) -> bool:
    try:
        page.wait_for_function(condition, timeout=20000)
        return True
    except Exception:
        state = page.evaluate("JSON.stringify([window.player.state, window.player.error])")
        if required:
            raise RuntimeError(f"the page never met {condition!r}; player: {state}") from None
        print(f"  (a tile open missed: {condition}; player {state})", file=sys.stderr)
        return False


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return nan
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def crowd(base: str, transport: str, count: int, gateway_pid: int, seconds: float,
          sim: SimulatorProcess) -> dict[str, float]:  # fmt: skip
    viewers = subprocess.Popen(
        [sys.executable, str(BENCH / "live_peers.py"), "viewers", "--base", base,
         "--camera", "street", "--transport", transport, "--count", str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert viewers.stdin is not None and viewers.stdout is not None
    connected = int(viewers.stdout.readline().split()[1])
    time.sleep(1.0)  # past the cached-GOP burst
    upstream = sim.sessions("cam001", "sub")
    cores, rss = measure([gateway_pid], seconds)
    sessions = httpx.get(f"{base}/api/live/stats").json()
    fps = [float(session["fps"]) for session in sessions]
    viewers.stdin.write("stop\n")
    viewers.stdin.flush()
    received = viewers.stdout.readline().split()
    viewers.wait(60)
    wait_sessions_gone(base)
    return {"connected": connected, "cores": cores, "rss": rss, "upstream": upstream,
            "received": int(received[1]), "fps_min": min(fps, default=nan),
            "fps_median": statistics.median(fps) if fps else nan}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6, help="CPU window per level")
    parser.add_argument("--latency-seconds", type=float, default=12)
    parser.add_argument("--viewers", default="20,50", help="crowd sizes, comma separated")
    parser.add_argument("--trials", type=int, default=5, help="tile opens per path")
    parser.add_argument(
        "--read-pacing-frames",
        type=int,
        default=None,
        help="ingest.read_pacing_frames (default: the gateway's, 2; 0 reads as bytes arrive)",
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.viewers.split(",") if n]
    processes: list[subprocess.Popen[str]] = []
    with tempfile.TemporaryDirectory() as tmp, SimulatorProcess(cameras=1, streams=("sub",)) as sim:
        try:
            clock, clock_url = start_clock_camera()
            processes.append(clock)
            street = sim.url("cam001", "sub")
            config = write_config(Path(tmp), clock_url, street, args.read_pacing_frames)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            gateway = subprocess.Popen(
                [sys.executable, str(BENCH / "live_peers.py"), "gateway",
                 "--config", str(config), "--port", str(port)], text=True,
            )  # fmt: skip
            processes.append(gateway)
            wait_gateway(base, gateway)
            load_before = Path("/proc/loadavg").read_text().split()[0]
            figures = browser_figures(base, args.latency_seconds, args.trials)
            idle, _ = measure([gateway.pid], args.seconds)
            rows = [(t, n, crowd(base, t, n, gateway.pid, args.seconds, sim))
                    for t in ("webrtc", "mse") for n in levels]  # fmt: skip
            load_after = Path("/proc/loadavg").read_text().split()[0]
        finally:
            for process in reversed(processes):
                if process.stdin is not None:
                    process.stdin.close()
                process.terminate()
                process.wait(10)
    pacing = "default (2)" if args.read_pacing_frames is None else args.read_pacing_frames
    print(f"\ningest.read_pacing_frames: {pacing}")
    report(figures, args.trials, idle, rows, load_before, load_after)
    return 0


def report(figures: dict[str, dict[str, float]], trials: int, idle: float,
           rows: list[tuple[str, int, dict[str, float]]], load_before: str,
           load_after: str) -> None:  # fmt: skip
    print("\nglass-to-glass (clock camera 640x352 25 fps -> gateway -> Chromium, one machine)")
    print(f"{'path':<8} {'p50 ms':>7} {'p95 ms':>7} {'frames':>7} {'first picture ms':>17} "
          f"{'first live frame ms':>20}   (tile opens: median / max)")  # fmt: skip
    for path, f in figures.items():
        print(f"{path:<8} {f['p50']:>7.0f} {f['p95']:>7.0f} {f['samples']:>7.0f} "
              f"{f['first_p50']:>8.0f} / {f['first_max']:<6.0f} "
              f"{f['live_p50']:>10.0f} / {f['live_max']:<6.0f}")  # fmt: skip
    print(
        "first picture: the cached keyframe; first live frame: under 400 ms old; "
        + ", ".join(
            f"{p}: {f['opens']:.0f}/{trials} opens reached live" for p, f in figures.items()
        )
    )
    print(f"\ngateway CPU, 640x352 camera (2 s GOP); idle with the camera pulled: "
          f"{idle * 100:.1f} % of a core")  # fmt: skip
    print(f"{'path':<8} {'viewers':>7} {'up':>3} {'CPU %':>6} {'% /viewer':>9} "
          f"{'viewers/core':>12} {'RSS MB':>7} {'sent fps min/med':>16}")  # fmt: skip
    for path, count, r in rows:
        per_viewer = (r["cores"] - idle) * 100 / count
        per_core = 100 / per_viewer if per_viewer > 0 else float("inf")
        print(f"{path:<8} {r['connected']:>3.0f}/{count:<3} {r['upstream']:>3.0f} "
              f"{r['cores'] * 100:>6.1f} {per_viewer:>9.2f} {per_core:>12.0f} "
              f"{r['rss'] / 2**20:>7.0f} {r['fps_min']:>9.1f} / {r['fps_median']:.1f}")  # fmt: skip
    print(f"\nload average (1 min) before/after: {load_before} / {load_after} "
          f"on {os.cpu_count()} cores shared with other work")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
