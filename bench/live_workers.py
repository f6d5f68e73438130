"""Relay worker processes: WebRTC viewers per core across processes.

    .venv/bin/python bench/live_workers.py [--workers 0,2] [--viewers 100] [--seconds 6] \
        [--transport webrtc]

For each worker count: the gateway (the real app, `relay.workers` = N) in its own process over
the camera simulator (one 640x352 H.264 camera, 2 s GOP, pulled on demand), then a crowd of
viewers (bench/live_peers.py, another process). CPU is the gateway plus its relay workers,
read from /proc: idle (camera pulled, no viewer), then with the crowd; per-viewer cost is the
difference over the viewer count, summed over every process, so "viewers per core" is what
the whole relay needs per core of the machine, however many processes it spreads over.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from math import nan
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _proc import children, cpu_seconds, rss_bytes
from live import BENCH, free_port, wait_gateway, wait_sessions_gone, write_config

from vgateway.simulator.client import SimulatorProcess


def relay_cpu(gateway: int) -> tuple[dict[int, float], list[int]]:
    """CPU seconds of the gateway and each of its children (the relay workers)."""
    pids = [gateway, *children(gateway)]
    return {p: cpu_seconds(p) for p in pids}, pids


def measure(gateway: int, seconds: float) -> tuple[float, list[float], int]:
    """Cores used in total and per process (gateway first) over `seconds`, and total RSS."""
    before, pids = relay_cpu(gateway)
    start = time.monotonic()
    time.sleep(seconds)
    after, _ = relay_cpu(gateway)
    wall = time.monotonic() - start
    per = [(after.get(p, 0.0) - before.get(p, 0.0)) / wall for p in pids]
    return sum(per), per, sum(rss_bytes(p) for p in pids)


@dataclass
class Row:
    connected: int
    cores: float
    per_process: list[float]  # the gateway first, then each worker
    rss: int
    upstream: int
    fps_min: float
    fps_median: float


def crowd(base: str, transport: str, count: int, gateway: int, seconds: float,
          sim: SimulatorProcess) -> Row:  # fmt: skip
    viewers = subprocess.Popen(
        [sys.executable, str(BENCH / "live_peers.py"), "viewers", "--base", base,
         "--camera", "street", "--transport", transport, "--count", str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert viewers.stdin is not None and viewers.stdout is not None
    connected = int(viewers.stdout.readline().split()[1])
    time.sleep(2.0)  # past the cached-GOP burst and the first stats push from the workers
    upstream = sim.sessions("cam001", "sub")
    cores, per, rss = measure(gateway, seconds)
    fps = [float(s["fps"]) for s in httpx.get(f"{base}/api/live/stats").json()]
    viewers.stdin.write("stop\n")
    viewers.stdin.flush()
    viewers.stdout.readline()
    viewers.wait(60)
    wait_sessions_gone(base)
    return Row(connected, cores, per, rss, upstream, min(fps, default=nan),
               statistics.median(fps) if fps else nan)  # fmt: skip


def run(workers: int, transport: str, count: int, seconds: float, tmp: Path,
        sim: SimulatorProcess) -> tuple[float, Row]:  # fmt: skip
    url = sim.url("cam001", "sub")
    config = write_config(tmp, "rtsp://127.0.0.1:9/unused", url)  # no clock camera here
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway = subprocess.Popen(
        [sys.executable, str(BENCH / "live_peers.py"), "gateway", "--config", str(config),
         "--port", str(port), "--workers", str(workers)], text=True,
    )  # fmt: skip
    try:
        wait_gateway(base, gateway)
        # a first viewer pulls the camera; idle is then measured with the pull running
        row = crowd(base, transport, 1, gateway.pid, 0.5, sim)
        idle, _, _ = measure(gateway.pid, seconds)
        row = crowd(base, transport, count, gateway.pid, seconds, sim)
    finally:
        gateway.terminate()
        gateway.wait(20)
    return idle, row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="0,2", help="worker counts, comma separated")
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=6, help="CPU window per level")
    parser.add_argument("--transport", choices=["webrtc", "mse"], default="webrtc")
    args = parser.parse_args()
    print(f"{'workers':>7} {'viewers':>7} {'up':>3} {'idle %':>6} {'CPU %':>6} "
          f"{'per process %':>22} {'% /viewer':>9} {'viewers/core':>12} {'RSS MB':>7} "
          f"{'sent fps min/med':>16}", flush=True)  # fmt: skip
    for workers in [int(n) for n in args.workers.split(",") if n]:
        with tempfile.TemporaryDirectory() as tmp, \
                SimulatorProcess(cameras=1, streams=("sub",)) as sim:  # fmt: skip
            idle, r = run(workers, args.transport, args.viewers, args.seconds, Path(tmp), sim)
        per_viewer = (r.cores - idle) * 100 / args.viewers
        per_core = 100 / per_viewer if per_viewer > 0 else float("inf")
        per = "/".join(f"{c * 100:.0f}" for c in r.per_process)
        print(f"{workers:>7} {r.connected:>3}/{args.viewers:<3} {r.upstream:>3} "
              f"{idle * 100:>6.1f} {r.cores * 100:>6.1f} {per:>22} {per_viewer:>9.2f} "
              f"{per_core:>12.0f} {r.rss / 2**20:>7.0f} "
              f"{r.fps_min:>9.1f} / {r.fps_median:.1f}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
