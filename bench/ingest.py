"""Ingest benchmark: 119 simulated 640x352 cameras in one gateway process vs 119 ffmpeg copies.

Prints, for the gateway (`vgateway run`, the real app) and for a peer doing the same work in the
same run (one `ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` per camera): total CPU in
cores, RSS, CPU per camera. Then the seconds from a camera coming back to its first packet while
its reconnect backoff is at the cap, and snapshot latency.

    .venv/bin/python bench/ingest.py [--cameras 119] [--seconds 20] [--read-pacing-frames N]

`--read-pacing-frames` sets the gateway's `ingest.read_pacing_frames` (default: the gateway's own
default, 2; 0 reads as bytes arrive, as the gateway did before read pacing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ports import free_port
from _proc import children, cpu_seconds, measure

from vgateway.simulator.client import SimulatorProcess

REPO = Path(__file__).resolve().parents[1]


def write_config(
    sim: SimulatorProcess, cams: list[str], workdir: Path, port: int, pacing: int | None
) -> Path:
    cameras = [
        {
            "id": cam,
            "name": f"基准测试摄像机{i + 1:03d}",
            "town": "bench",
            "department": "交警大队",
            "location": f"测试路{i + 1}号",
            "area_type": "road",
            "coordinates": {"lat": 30.3, "lon": 120.2},
            # the sub stream (640x352, 24 fps) is the always-on pull measured here
            "streams": {"main": {"url": sim.url(cam, "main")}, "sub": {"url": sim.url(cam, "sub")}},
        }
        for i, cam in enumerate(cams)
    ]
    doc = {
        "district": "基准区",
        "gateway": {
            "port": port,
            "database_url": f"sqlite:///{workdir / f'bench-{port}.db'}",
            "log_level": "WARNING",
            "data_dir": str(workdir),
        },
        # a loopback-only bench: every request acts as the built-in local admin
        "auth": {"enabled": False},
        # ingest alone: no event pre-roll buffers (bench/record.py measures recording)
        "recording": {"mode": "off"},
        **({} if pacing is None else {"ingest": {"read_pacing_frames": pacing}}),
        "towns": [{"id": "bench", "name": "基准街道", "name_en": "Bench", "kind": "街道"}],
        "cameras": cameras,
    }
    path = workdir / f"bench-{port}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def wait_online(api: httpx.Client, count: int, timeout: float) -> float:
    """Seconds until `count` cameras are online; a shortfall is printed, not fatal, so that a
    busy machine still yields figures (for the cameras that did come online)."""
    start = time.monotonic()
    online = 0
    while time.monotonic() - start < timeout:
        try:
            online = api.get("/api/health").json()["online"]
        except (httpx.HTTPError, KeyError):
            online = 0
        if online >= count:
            return time.monotonic() - start
        time.sleep(0.5)
    print(f"warning: only {online}/{count} cameras online after {timeout:.0f} s", flush=True)
    return time.monotonic() - start


def sub_packets(api: httpx.Client, cam: str) -> int:
    streams = api.get(f"/api/cameras/{cam}").json()["streams"]
    return int(next(s["packets"] for s in streams if s["stream"] == "sub"))


def recovery_times(
    api: httpx.Client, sim: SimulatorProcess, cams: list[str], down_s: float
) -> list[float]:
    for cam in cams:
        sim.set_fault(cam, "down")
    time.sleep(down_s)  # long enough for the backoff to reach its cap (0.5 s doubling to 10 s)
    before = {cam: sub_packets(api, cam) for cam in cams}
    back = time.monotonic()
    for cam in cams:
        sim.set_fault(cam, "ok")
    times: dict[str, float] = {}
    while len(times) < len(cams) and time.monotonic() - back < 30:
        for cam in cams:
            if cam not in times and sub_packets(api, cam) > before[cam]:
                times[cam] = time.monotonic() - back
        time.sleep(0.05)
    return [times.get(cam, float("inf")) for cam in cams]


def snapshot_latencies(api: httpx.Client, cams: list[str], rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        start = time.perf_counter()
        response = api.get(f"/api/cameras/{cams[i % len(cams)]}/snapshot.jpg")
        response.raise_for_status()
        out.append(time.perf_counter() - start)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Gateway:
    """`vgateway run` as a subprocess on its own port, for a subset of the cameras."""

    def __init__(
        self, sim: SimulatorProcess, cams: list[str], workdir: Path, pacing: int | None
    ) -> None:
        self.port = free_port()
        config = write_config(sim, cams, workdir, self.port, pacing)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vgateway", "run", "--config", str(config)],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.api = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        try:
            time.sleep(1.5)
            self.ready_s = 1.5 + wait_online(self.api, len(cams), 120)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.api.close()


def start_peers(sim: SimulatorProcess, cams: list[str]) -> list[subprocess.Popen[bytes]]:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i"]
    return [
        subprocess.Popen(
            [*command, sim.url(cam, "sub"), "-c", "copy", "-f", "null", "-"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for cam in cams
    ]


def stop_peers(peers: list[subprocess.Popen[bytes]]) -> None:
    for peer in peers:
        peer.terminate()
    for peer in peers:
        peer.wait(10)


def same_window(
    sim: SimulatorProcess, workdir: Path, seconds: float, warmup: float, pacing: int | None
) -> float:
    """Gateway on one half of the cameras and ffmpeg on the other, measured in the same window,
    then swapped: both sides see the same machine noise. Returns gateway/ffmpeg CPU."""
    cams = sim.camera_ids
    halves = [cams[: len(cams) // 2], cams[len(cams) // 2 :]]
    gw_total = ff_total = 0.0
    for gw_half, ff_half in (halves, halves[::-1]):
        peers = start_peers(sim, ff_half)
        try:
            gateway = Gateway(sim, gw_half, workdir, pacing)
        except BaseException:
            stop_peers(peers)
            raise
        try:
            time.sleep(warmup)
            pids = [gateway.process.pid, *(p.pid for p in peers)]
            start = {pid: cpu_seconds(pid) for pid in pids}
            began = time.monotonic()
            time.sleep(seconds)
            used = {pid: cpu_seconds(pid) - start[pid] for pid in pids}
            wall = time.monotonic() - began
        finally:
            gateway.close()
            stop_peers(peers)
        gw_total += used[gateway.process.pid] / wall
        ff_total += sum(used[p.pid] for p in peers) / wall
    return gw_total / ff_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument(
        "--read-pacing-frames", type=int, default=None, help="ingest.read_pacing_frames (0-4)"
    )
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")

    workdir = Path(tempfile.mkdtemp(prefix="vgw-bench-"))
    with SimulatorProcess(cameras=args.cameras) as sim:
        cams = sim.camera_ids
        gateway = Gateway(sim, cams, workdir, args.read_pacing_frames)
        try:
            time.sleep(args.warmup)
            gw_cores, gw_rss = measure([gateway.process.pid], args.seconds)
            sim_pid = sim.pid or 0
            sim_cores, _ = measure([sim_pid, *children(sim_pid)], 5)
            recover = recovery_times(gateway.api, sim, cams[:5], down_s=25)
            snaps = snapshot_latencies(gateway.api, cams, 40)
        finally:
            gateway.close()

        peers = start_peers(sim, cams)
        try:
            time.sleep(args.warmup)
            alive = sum(p.poll() is None for p in peers)
            ff_cores, ff_rss = measure([p.pid for p in peers], args.seconds)
        finally:
            stop_peers(peers)
        paired = same_window(sim, workdir, args.seconds, args.warmup, args.read_pacing_frames)

    n = args.cameras
    mib = 1024 * 1024
    print(
        f"\n== ingest: {n} simulated 640x352 24 fps cameras (sub streams), "
        f"{args.seconds:.0f} s windows, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} =="
    )
    pacing = "default" if args.read_pacing_frames is None else args.read_pacing_frames
    print(f"ingest.read_pacing_frames: {pacing}")
    print(f"all {n} online {gateway.ready_s:.1f} s after the gateway started")
    print(f"{'':30}{'cores':>8}{'RSS MiB':>10}{'% core/camera':>15}")
    gw_row = f"{gw_cores:8.3f}{gw_rss / mib:10.0f}{100 * gw_cores / n:15.3f}"
    print(f"{'vgateway (1 process)':30}{gw_row}")
    ff_row = f"{ff_cores:8.3f}{ff_rss / mib:10.0f}{100 * ff_cores / n:15.3f}"
    print(f"{f'ffmpeg -c copy ({alive} procs)':30}{ff_row}")
    print(
        f"vgateway/ffmpeg, run one after the other: CPU {gw_cores / ff_cores:.2f}, "
        f"RSS {gw_rss / ff_rss:.2f}"
    )
    print(f"vgateway/ffmpeg, halves in the same window (swapped, summed): CPU {paired:.2f}")
    print(f"(simulator: GStreamer server + fault proxy used {sim_cores:.3f} cores meanwhile)")
    finite = [t for t in recover if t != float("inf")]
    print(
        f"camera back -> first packet, backoff at cap (5 cameras): "
        f"median {statistics.median(finite):.2f} s, max {max(recover):.2f} s"
    )
    print(
        f"snapshot latency (40 requests): p50 {1000 * percentile(snaps, 0.5):.0f} ms, "
        f"p95 {1000 * percentile(snaps, 0.95):.0f} ms"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
