"""Recording benchmark: clip remux speed at 1080p, and the CPU cost of continuous recording.

1. Remux (no network): a 60 s 1080p H.264 stream is built in memory by looping the packets of
   ../shared/media/videos/highway_overpass_1080p_20f.mp4 with rewritten timestamps, then
   - cut into a faststart clip from memory (the live-capture path), manifest signed,
   - recorded as a continuous segment (fragmented MP4, indexed),
   - cut into a clip from that segment file (the playback path).
   Reported as seconds of video per second of work (wall and CPU), median of 3. The same at
   360p for comparison.
2. Continuous recording of N simulated sub-streams (640x352, 24 fps): two gateway processes,
   each on half of the cameras, one with recording off and one recording continuously, measured
   in the same window and then swapped (both see the same machine noise); the difference,
   scaled to N cameras, is the cost of recording. Also the pre-roll buffer alone (events mode).

    .venv/bin/python bench/record.py [--cameras 119] [--seconds 30] [--warmup 15] [--no-live]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import httpx
import yaml
from av.bitstream import BitStreamFilterContext

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ports import free_port
from _proc import cpu_seconds, rss_bytes

from vgateway.evidence import SigningKey
from vgateway.media import MediaPacket, StreamInfo
from vgateway.recording.assemble import Sourced
from vgateway.recording.clipstore import ClipStore, NewClip
from vgateway.recording.clipwriter import ClipRequest, write_clip
from vgateway.recording.index import SegmentIndex
from vgateway.recording.reader import read_segment
from vgateway.recording.segmenter import SegmentRecorder
from vgateway.simulator.client import SimulatorProcess
from vgateway.storage import create_db_engine

REPO = Path(__file__).resolve().parents[1]
MEDIA = REPO.parent / "shared" / "media" / "videos"
TB = Fraction(1, 90000)


# -- part 1: remux ----------------------------------------------------------------------------
def stream_packets(path: Path, seconds: float, start_wall: float) -> list[MediaPacket]:
    """The file's video packets (Annex-B, as RTSP delivers them) looped to `seconds`."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        tb = Fraction(stream.time_base or TB)
        bsf = BitStreamFilterContext("h264_mp4toannexb", stream)
        raw = [
            (bytes(p), round((p.pts or 0) * tb / TB), round((p.dts or 0) * tb / TB), p.is_keyframe)
            for packet in container.demux(stream)
            for p in bsf.filter(packet)
            if p.size and p.dts is not None
        ]
        ctx = stream.codec_context
        info = StreamInfo("h264", ctx.width, ctx.height, TB)
    first = raw[0][2]
    step = raw[1][2] - raw[0][2]
    period = raw[-1][2] - first + step
    out: list[MediaPacket] = []
    loop = 0
    while True:
        for data, pts, dts, key in raw:
            t = dts - first + loop * period
            if t * TB >= seconds:
                return out
            wall = start_wall + float(t * TB)
            out.append(MediaPacket(data, pts - first + loop * period, t, TB, key, wall, 1, info))
        loop += 1


def timed(work: Callable[[], object], repeats: int = 3) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `work`."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def remux_rows(path: Path, seconds: float, workdir: Path) -> list[tuple[str, float, float]]:
    root = workdir / path.stem
    root.mkdir()
    engine = create_db_engine(f"sqlite:///{root / 'bench.db'}")
    store, index = ClipStore(engine), SegmentIndex(engine)
    key = SigningKey.load_or_create(root / "keys")
    start = 1_700_000_000.0
    packets = stream_packets(path, seconds, start)
    counter = iter(range(1_000_000))

    def clip(sources: Callable[[], Iterator[Sourced]]) -> None:
        clip_id = f"clip{next(counter)}"
        store.create(
            NewClip(
                clip_id,
                "cam",
                "main",
                start,
                start + seconds,
                f"clips/{clip_id}.mp4",
                "bench",
                None,
                None,
                "bench",
            )
        )
        row = store.get(clip_id)
        assert row is not None
        done = write_clip(root, store, key, ClipRequest(row, "基准"), sources(), lambda _: None)
        assert done.frames == len(packets), (done.frames, len(packets))

    def record() -> None:
        recorder = SegmentRecorder("cam", "main", root, index, seconds + 10, "bench")
        for packet in packets:
            recorder.feed(packet)
        recorder.close()

    memory = timed(lambda: clip(lambda: (("bench:1", p) for p in packets)))
    segment = timed(record)
    (row, *_) = index.overlapping("cam", 0, start + seconds + 1)
    from_file = timed(lambda: clip(lambda: read_segment(row, root)))
    engine.dispose()
    return [
        ("clip from memory (live capture)", seconds / memory[0], seconds / memory[1]),
        ("continuous segment (fMP4 + index)", seconds / segment[0], seconds / segment[1]),
        ("clip from a segment file", seconds / from_file[0], seconds / from_file[1]),
    ]


# -- part 2: continuous recording of N sub-streams ---------------------------------------------


def write_config(sim: SimulatorProcess, cams: list[str], workdir: Path, port: int) -> Path:
    doc = {
        "district": "基准区",
        "gateway": {
            "port": port,
            "database_url": f"sqlite:///{workdir / f'bench-{port}.db'}",
            "log_level": "WARNING",
            "data_dir": str(workdir / f"data-{port}"),
        },
        "towns": [{"id": "bench", "name": "基准街道", "name_en": "Bench", "kind": "街道"}],
        "cameras": [
            {
                "id": cam,
                "name": f"基准测试摄像机{i + 1:03d}",
                "town": "bench",
                "department": "交警大队",
                "location": f"测试路{i + 1}号",
                "area_type": "road",
                "coordinates": {"lat": 30.3, "lon": 120.2},
                "streams": {
                    "main": {"url": sim.url(cam, "main")},
                    "sub": {"url": sim.url(cam, "sub")},
                },
            }
            for i, cam in enumerate(cams)
        ],
    }
    path = workdir / f"bench-{port}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def serve(config: Path, mode: str) -> None:
    """Child process: the real app with every camera in `mode`, auth off (a lab bench)."""
    import uvicorn

    from vgateway.api.app import create_app
    from vgateway.auth.settings import AuthSettings
    from vgateway.config import load_config
    from vgateway.logs import configure_logging
    from vgateway.recording import RecordingSettings

    configure_logging("WARNING")
    network = load_config(config)
    app = create_app(network, base_dir=config.parent)
    app.state.recording_settings = RecordingSettings(mode=mode, min_free_bytes=0)  # type: ignore[arg-type]
    app.state.auth_settings = AuthSettings(enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=network.gateway.port, log_level="warning")


class Gateway:
    def __init__(self, sim: SimulatorProcess, cams: list[str], mode: str, workdir: Path) -> None:
        self.port = free_port()
        self.mode = mode
        self.data = workdir / f"data-{self.port}"
        config = write_config(sim, cams, workdir, self.port)
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(config), mode],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.api = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self.count = len(cams)

    def wait_online(self, timeout: float) -> None:
        start = time.monotonic()
        online = 0
        while time.monotonic() - start < timeout:
            try:
                online = self.api.get("/api/health").json()["online"]
            except (httpx.HTTPError, KeyError, ValueError):
                online = 0
            if online >= self.count:
                return
            time.sleep(0.5)
        raise SystemExit(f"{self.mode}: only {online}/{self.count} cameras online")

    def written(self) -> int:
        return sum(p.stat().st_size for p in self.data.rglob("*.mp4"))

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.api.close()


def paired(
    sim: SimulatorProcess, workdir: Path, mode: str, seconds: float, warmup: float
) -> dict[str, list[float]]:
    """Recording `mode` vs `off`, halves in the same window, then swapped."""
    cams = sim.camera_ids
    halves = [cams[: len(cams) // 2], cams[len(cams) // 2 :]]
    out: dict[str, list[float]] = {
        "off": [],
        mode: [],
        "rss_off": [],
        f"rss_{mode}": [],
        "disk_bps": [],
    }
    for rec_half, off_half in (halves, halves[::-1]):
        gateways = [Gateway(sim, rec_half, mode, workdir), Gateway(sim, off_half, "off", workdir)]
        try:
            for gateway in gateways:
                gateway.wait_online(120)
            time.sleep(warmup)
            pids = [g.process.pid for g in gateways]
            cpu0 = [cpu_seconds(p) for p in pids]
            disk0 = gateways[0].written()
            began = time.monotonic()
            time.sleep(seconds)
            wall = time.monotonic() - began
            used = [(cpu_seconds(p) - c) / wall for p, c in zip(pids, cpu0, strict=True)]
            out[mode].append(used[0] / len(rec_half))
            out["off"].append(used[1] / len(off_half))
            out[f"rss_{mode}"].append(rss_bytes(pids[0]) / len(rec_half))
            out["rss_off"].append(rss_bytes(pids[1]) / len(off_half))
            out["disk_bps"].append((gateways[0].written() - disk0) / wall / len(rec_half))
        finally:
            for gateway in gateways:
                gateway.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=30.0, help="measurement window")
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--no-live", action="store_true", help="only the remux part")
    parser.add_argument("--serve", nargs=2, metavar=("CONFIG", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), args.serve[1])
        return
    workdir = Path(tempfile.mkdtemp(prefix="vgw-record-bench-"))
    try:
        print(
            f"\n== remux: seconds of video per second of work (median of 3), "
            f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} =="
        )
        print(f"{'':36}{'wall':>10}{'CPU':>10}")
        for name, label in (
            ("highway_overpass_1080p_20f.mp4", "1080p 30 fps, 60 s"),
            ("residential_street_cam_640x352.mp4", "640x352 24 fps, 60 s"),
        ):
            print(f"-- {label} ({name})")
            for row, wall, cpu in remux_rows(MEDIA / name, 60.0, workdir):
                print(f"{row:36}{wall:9.0f}x{cpu:9.0f}x")
        if args.no_live:
            return
        with SimulatorProcess(cameras=args.cameras) as sim:
            results = {
                m: paired(sim, workdir, m, args.seconds, args.warmup)
                for m in ("continuous", "events")
            }
        n = args.cameras
        print(
            f"\n== {n} simulated sub-streams (640x352 24 fps): gateway CPU, halves measured in "
            f"the same {args.seconds:.0f} s window and swapped; load {os.getloadavg()[0]:.1f} =="
        )
        print(
            f"{'mode':12}{'% core/camera (each half)':>30}{'cores for all':>15}"
            f"{'KiB RSS/cam':>13}{'disk KiB/s/cam':>16}"
        )
        for mode, data in results.items():
            for name in ("off", mode):
                values = data[name]
                mean = statistics.mean(values)
                halves = ", ".join(f"{100 * v:.2f}" for v in values)
                rss = statistics.mean(data[f"rss_{name}"]) / 1024
                disk = statistics.mean(data["disk_bps"]) / 1024 if name == mode else 0.0
                print(f"{name:12}{halves:>30}{n * mean:15.3f}{rss:13.0f}{disk:16.1f}")
            cost = n * (statistics.mean(data[mode]) - statistics.mean(data["off"]))
            target = "target: < 0.3" if mode == "continuous" else "the pre-roll buffer alone"
            print(f"=> {mode} costs {cost:.3f} cores for {n} cameras ({target})\n")
        print(json.dumps({"cameras": n, "load_after": os.getloadavg()}))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
