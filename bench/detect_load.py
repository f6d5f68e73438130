"""Analytics under load: many simulated cameras through the whole gateway in one process.

    python bench/detect_load.py --cameras 119 --seconds 60 --warmup 25
    (--pair: YOLOX pair_wide_frames; --budget N: process CPU budget; --simulator-nice 10;
     --sub-gop 1: cameras set to a 1 s I-frame interval; --via-proxy: through the fault proxy;
     --whole-frames: the detector always sees whole frames, not the region that moved;
     --read-pacing-frames N: ingest.read_pacing_frames, 0 reads as bytes arrive;
     --in-step: every camera shows the same moment of the clip, as before 2026-11-27;
     --detector-repeat N: each detector call run N times, as on a machine N times slower at it)

The simulated cameras are out of step by default: each starts the clip at its own keyframe, as
real cameras are not in step. In step, every camera's keyframes and the clip's passing cars
come in the same second, and the detector's work comes in bursts.

Starts the camera simulator (a separate process, not counted, but on the same cores; the
gateway pulls straight from its GStreamer server, as no faults are injected here and the fault
proxy would take 0.2 core of the machine), the
gateway app with every camera carrying rules (worst case: all analysed, and the looping street
clip keeps cars and people moving in the zones), waits for warm-up, then measures the window:
- CPU of the gateway process from /proc (ingest + decode + analytics + events + the rest),
  split by thread kind, with each kind's wait for a CPU (schedstat: a thread that is slow but
  neither runs nor waits is blocked on the GIL, a lock or I/O); the simulator's CPU; the
  machine's busy cores, load average and CPU pressure, so that noise from others is visible;
- per camera, the achieved motion-check rate (min / median) and the longest gap between
  checked frames in stream time, and how late frames are checked after capture; and, from the
  keyframes each camera itself delivered, which streams skipped video and how many seconds of
  video the slowest sent per second: the simulator shares the cores, and when it is starved it
  skips video or sends it slower than real time, which no analytics can make up;
- detection: gated frames (motion in a zone an object rule watches), requests (gated frames
  and track refreshes), runs per second, requests replaced by a newer frame, wait in the
  inference stage, capture-to-detection lag, time it paused for the CPU budget or yielded to
  late motion checks;
- event latency: the frame's capture wallclock (packet at demux) to event published, p50/p95.
Each target is printed with "met" or "MISSED".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._proc import TICKS, children, cpu_seconds  # noqa: E402
from detectors.registry import default_registry  # noqa: E402
from tests.fixtures.network import network_for  # noqa: E402
from vgateway.analytics.service import AnalyticsService  # noqa: E402
from vgateway.analytics.worker import CameraWorker  # noqa: E402
from vgateway.api.app import create_app  # noqa: E402
from vgateway.auth.settings import AuthSettings  # noqa: E402
from vgateway.events.service import EventService  # noqa: E402
from vgateway.events.store import EventQuery  # noqa: E402
from vgateway.hub import Hub, KeyMark  # noqa: E402
from vgateway.simulator.client import SimulatorProcess  # noqa: E402

CAMERA_RULES = {
    "fps": 1,
    "zones": {
        "curb": [[250, 130], [255, 100], [320, 100], [440, 145], [440, 170], [350, 170]],
        "carriageway": [[150, 110], [330, 110], [640, 290], [640, 352], [240, 352]],
    },
    "rules": [
        {"id": "parked", "type": "stopped_vehicle", "zone": "curb", "duration_s": 10},
        {"id": "person", "type": "person_in_zone", "zone": "carriageway", "duration_s": 5},
        {"id": "tamper", "type": "tamper"},
    ],
}
TARGETS = {"cpu_cores": 1.5, "motion_fps": 1.0, "detect_within_s": 1.0, "event_p95_s": 2.0}


class SeenArea:
    """The detector, counting how much of the frames it was asked to look at, and the time its
    calls took under the load (whole frames and regions apart when a call holds only one kind)."""

    def __init__(self, detector: Any, repeat: int = 1) -> None:
        self._detector = detector
        self._repeat = repeat  # runs per call: a machine this many times slower at detection
        self.type, self.version = detector.type, detector.version
        self.reset()

    def reset(self) -> None:
        self.whole, self.regions, self.share = 0, 0, 0.0
        self.call_s: dict[str, list[float]] = {"whole": [], "region": []}

    def detect(self, frame: Any) -> Any:
        return self.detect_regions([frame], [None])[0]

    def detect_regions(self, frames: Any, regions: Any) -> Any:
        for frame, region in zip(frames, regions, strict=True):
            if region is None:
                self.whole += 1
            else:
                x1, y1, x2, y2 = region
                self.regions += 1
                self.share += (x2 - x1) * (y2 - y1) / (frame.shape[0] * frame.shape[1])
        began = time.perf_counter()
        found = self._detector.detect_regions(frames, regions)
        for _ in range(self._repeat - 1):
            self._detector.detect_regions(frames, regions)
        kinds = {"whole" if region is None else "region" for region in regions}
        if len(kinds) == 1 and len(frames) == 1:
            self.call_s[kinds.pop()].append(time.perf_counter() - began)
        return found

    def ms_median(self) -> dict[str, float | None]:
        return {
            k: None if not v else round(statistics.median(v) * 1000, 1)
            for k, v in self.call_s.items()
        }


def machine_speed(model: Path) -> dict[str, Any]:
    """This machine's CPU, and what one YOLOX run on a whole sub-stream frame costs it before
    any load starts: the machines these benches run on differ by up to three times in this."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        name = next(
            (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "?"
        )
        flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])
        extras = [f for f in ("avx512f", "avx512_vnni", "avx_vnni") if f in flags]
        cpu = f"{name} ({', '.join(extras) or 'no AVX-512/VNNI'})"
    detector = default_registry().create("yolox", model=str(model))
    frame = np.zeros((352, 640, 3), np.uint8)
    for _ in range(3):
        detector.detect(frame)
    times = []
    for _ in range(15):
        began = time.perf_counter()
        detector.detect(frame)
        times.append(time.perf_counter() - began)
    return {"cpu": cpu, "yolox_whole_frame_ms_idle": round(statistics.median(times) * 1000, 1)}


def thread_times() -> dict[str, Counter[str]]:
    """Per thread kind (thread name without its number): seconds on a CPU ("cpu") and waiting
    for one ("runqueue", from schedstat). A thread that is slow with little of either is
    blocked: on the GIL, a lock or I/O."""
    kinds = {t.native_id: _kind(t.name) for t in threading.enumerate() if t.native_id}
    totals: dict[str, Counter[str]] = {"cpu": Counter(), "runqueue": Counter()}
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/self/task/{task}/schedstat", encoding="ascii") as handle:
                waited_ns = int(handle.read().split()[1])
        except (FileNotFoundError, IndexError, ValueError):
            continue
        kind = kinds.get(int(task), "native")
        totals["cpu"][kind] += (int(fields[11]) + int(fields[12])) / TICKS
        totals["runqueue"][kind] += waited_ns / 1e9
    return totals


def cpu_pressure() -> str | None:
    """The kernel's 'some' CPU pressure (share of time runnable tasks waited), if available."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as handle:
            return " ".join(handle.readline().split()[1:3])
    except OSError:
        return None


def renice(pid: int, nice: int) -> None:
    """Real cameras do not share the gateway's CPU: let the simulator have what is left. The
    GStreamer server runs in its own session, so its autogroup is reniced too (with
    autogroups, CPU is shared between sessions first, threads' nice values only count within)."""
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
            os.setpriority(os.PRIO_PROCESS, int(task), nice)
    try:
        with open(f"/proc/{pid}/autogroup", "w", encoding="ascii") as handle:
            handle.write(str(nice))
    except OSError:
        pass  # no autogroups here


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def _kind(name: str) -> str:
    for prefix in ("ingest", "analytics", "inference", "recording", "asyncio", "AnyIO"):
        if name.startswith(prefix):
            return prefix
    return "other"


def _q(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def _since(pairs: Any, start: float) -> list[float]:
    return [value for at, value in list(pairs) if at >= start]


def source_flow(marks: Iterable[KeyMark], start: float) -> tuple[list[float], float]:
    """From a stream's keyframes since `start`: the intervals between consecutive timed
    keyframes, and the seconds of video sent per second of wallclock (per connection, first
    to last timed keyframe; an untimed one breaks no span)."""
    intervals: list[float] = []
    spans: dict[int, list[tuple[float, float]]] = {}
    last: tuple[int, float | None] | None = None
    for at, epoch, seconds, _, _ in list(marks):
        if at < start:
            continue
        if seconds is not None:
            spans.setdefault(epoch, []).append((at, seconds))
            if last is not None and last[0] == epoch and last[1] is not None:
                intervals.append(seconds - last[1])
        last = (epoch, seconds)
    video = sum(marks[-1][1] - marks[0][1] for marks in spans.values())
    wall = sum(marks[-1][0] - marks[0][0] for marks in spans.values())
    return intervals, video / wall if wall > 0 else 0.0


def window_figures(
    workers: list[CameraWorker],
    before: dict[str, dict[str, Any]],
    start: float,
    elapsed: float,
    source: dict[str, tuple[list[float], float]],
) -> dict[str, Any]:
    """`source`: per camera, `source_flow` of its sub stream over the window (a simulator
    starved of CPU skips video or sends it slower than real time: a check gap or a low check
    rate there is not the analytics' doing)."""
    rates, gaps, lags, detect_lags, gated_lags = [], [], [], [], []
    intervals = {camera: flow[0] for camera, flow in source.items()}
    steady_gaps, usual = [], statistics.median([g for gs in intervals.values() for g in gs] or [0])
    totals: Counter[str] = Counter()
    keys = (
        "analysed",
        "gated_frames",
        "detect_requests",
        "detect_replaced",
        "inferences",
        "gated_detected",
        "refreshes",
        "dropped_frames",
        "hub_dropped_packets",
        "errors",
        "decode_errors",
        "decoded",
        "events",
    )
    for worker in workers:
        view = worker.view(time.time())
        prev = before[worker.camera_id]
        rates.append((view["analysed"] - prev["analysed"]) / elapsed)
        for key in keys:
            totals[key] += view[key] - prev[key]
        stats = worker.stats
        camera_gaps = _since(stats.gaps, start)
        gaps.append(max(camera_gaps) if camera_gaps else elapsed)
        if max(intervals.get(worker.camera_id) or [elapsed]) <= 1.05 * usual:
            steady_gaps.append(gaps[-1])
        lags += _since(stats.lags, start)
        detect_lags += _since(stats.detect_lags, start)
        gated_lags += _since(stats.gated_lags, start)
    per_s = {key: round(value / elapsed, 1) for key, value in totals.items()}
    return {
        "motion_fps_per_camera_min": round(min(rates), 2),
        "motion_fps_per_camera_median": round(statistics.median(rates), 2),
        "cameras_below_0.95_fps": sum(r < 0.95 for r in rates),
        "max_gap_s_worst_camera": round(max(gaps), 2),
        "max_gap_s_median_camera": round(statistics.median(gaps), 2),
        "source_key_interval_s_usual_worst": (
            round(usual, 2),
            round(max((max(gs) for gs in intervals.values() if gs), default=0.0), 2),
        ),
        "cameras_source_skipped_video": len(workers) - len(steady_gaps),
        # stream seconds the slowest camera sent per second: under 1, a starved simulator
        # sends video slower than real time, and fewer checks per second are due
        "source_video_s_per_s_min": round(min((flow[1] for flow in source.values()), default=0), 2),
        "max_gap_s_worst_camera_steady_source": round(max(steady_gaps, default=0.0), 2),
        "check_lag_s_p50_p95": (_q(lags, 0.5), _q(lags, 0.95)),
        "decoded_per_s": per_s["decoded"],
        "dropped_due_frames": totals["dropped_frames"],
        "hub_dropped_packets": totals["hub_dropped_packets"],
        "gated_frames_per_s": per_s["gated_frames"],
        "detect_requests_per_s": per_s["detect_requests"],
        "track_refreshes_per_s": per_s["refreshes"],
        "inferences_per_s": per_s["inferences"],
        "detect_replaced_per_s": per_s["detect_replaced"],
        "detect_lag_s_p50_p95": (_q(detect_lags, 0.5), _q(detect_lags, 0.95)),
        "gated_detected_per_s": per_s["gated_detected"],
        "gated_detect_lag_s_p50_p95": (_q(gated_lags, 0.5), _q(gated_lags, 0.95)),
        "events_started": totals["events"],
        "errors_analysis_decode": (totals["errors"], totals["decode_errors"]),
        "last_errors": sorted({str(w.stats.last_error) for w in workers if w.stats.last_error})[:3],
    }


def slowest(
    workers: list[CameraWorker], before: dict[str, dict[str, Any]], elapsed: float, app: Any
) -> list[str]:
    """The three cameras checked least in the window, with their ingest state: a camera that
    starves shows whether the analytics passed it over or its stream stopped."""
    ingest = app.state.services.ingest
    rows = []
    for worker in workers:
        view = worker.view(time.time())
        rate = (view["analysed"] - before[worker.camera_id]["analysed"]) / elapsed
        rows.append((rate, worker.camera_id, view))
    rows.sort(key=lambda row: row[0])
    lines = []
    for rate, camera, view in rows[:3]:
        health = ingest.health[ingest.primary_key(camera)].view()
        lines.append(
            f"{camera} {rate:.2f} fps, ingest {health.state.value} "
            f"({health.reconnects} reconnects, last error {health.last_error}), "
            f"hub drops {view['hub_dropped_packets']}, analytics error {view['last_error']}"
        )
    return lines


def run(
    cameras: int,
    seconds: float,
    warmup: float,
    shared: Path,
    budget: float | None,
    pair: bool = False,
    simulator_nice: int = 0,
    sub_gop_s: float = 0.0,
    via_proxy: bool = False,
    whole_frames: bool = False,
    read_pacing_frames: int | None = None,
    in_step: bool = False,
    detector_repeat: int = 1,
) -> dict[str, Any]:
    speed = machine_speed(shared / "models/yolox_nano.onnx")
    load_before, pressure_before = os.getloadavg(), cpu_pressure()
    simulator = SimulatorProcess(cameras=cameras, sub_gop_s=sub_gop_s, out_of_step=not in_step)
    with simulator as sim, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        url = sim.url if via_proxy else sim.direct_url
        pacing = {} if read_pacing_frames is None else {"read_pacing_frames": read_pacing_frames}
        config = network_for(
            {c: {"main": url(c, "main"), "sub": url(c, "sub")} for c in sim.camera_ids},
            base,
            ingest=pacing,
        )
        detector = {"type": "yolox", "model": str(shared / "models/yolox_nano.onnx")}
        if pair:
            detector["pair_wide_frames"] = True
        rules = {
            "detectors": {"default": detector},
            "cameras": {
                c: {**CAMERA_RULES, "motion_band": not whole_frames} for c in sim.camera_ids
            },
        }
        (base / "camera_configs").mkdir()
        (base / "camera_configs" / "rules.yaml").write_text(yaml.safe_dump(rules))
        app = create_app(config, base_dir=base)
        app.state.auth_settings = AuthSettings(enabled=False)
        with TestClient(app):
            service: AnalyticsService = app.state.analytics
            seen = SeenArea(service.detectors.get("default"), detector_repeat)
            service.detectors.put("default", seen)
            if budget is not None:
                service.inference.budget.cores = budget
            events: EventService = app.state.events
            sim_pid = sim.pid or 0
            sim_pids = [sim_pid, *children(sim_pid)] if sim_pid else []
            for pid in sim_pids if simulator_nice else []:
                renice(pid, simulator_nice)
            time.sleep(warmup)
            workers = service.workers()
            before = {w.camera_id: w.view(time.time()) for w in workers}
            stage0 = service.inference.view(time.monotonic())
            threads0, sim0 = thread_times(), sum(cpu_seconds(p) for p in sim_pids)
            cpu0, start, wall0 = cpu_seconds(os.getpid()), time.time(), time.monotonic()
            busy0 = machine_busy()
            seen.reset()
            time.sleep(seconds)
            cpu1, wall1 = cpu_seconds(os.getpid()), time.monotonic()
            busy1 = machine_busy()
            threads1, sim1 = thread_times(), sum(cpu_seconds(p) for p in sim_pids)
            elapsed = wall1 - wall0
            hub: Hub = app.state.services.hub
            source = {
                w.camera_id: source_flow(hub.stream(w.camera_id, "sub").key_times, start)
                for w in workers
            }
            figures = window_figures(workers, before, start, elapsed, source)
            figures["slowest_cameras"] = slowest(workers, before, elapsed, app)
            stage = service.inference.view(time.monotonic(), window_s=seconds)
            summary = service.summary()
            latency = events.latency(since=start)
            started = events.store.query(EventQuery(since=start, limit=1000))
    by_kind = {
        what: {
            k: round((threads1[what][k] - threads0[what].get(k, 0.0)) / elapsed, 3)
            for k in sorted(threads1[what], key=lambda k: -threads1[what][k])
        }
        for what in ("cpu", "runqueue")
    }
    return {
        "cameras": cameras,
        "window_s": round(elapsed, 1),
        "machine_cpu": speed["cpu"],
        "yolox_whole_frame_ms_idle": speed["yolox_whole_frame_ms_idle"],
        "load_average_before_after": (
            tuple(round(x, 1) for x in load_before),
            tuple(round(x, 1) for x in os.getloadavg()),
        ),
        "cpu_pressure_before_after": (pressure_before, cpu_pressure()),
        "cpu_cores_gateway": round((cpu1 - cpu0) / elapsed, 2),
        "cpu_cores_by_thread": by_kind["cpu"],
        "runqueue_wait_by_thread": by_kind["runqueue"],
        "cpu_cores_simulator": round((sim1 - sim0) / elapsed, 2),
        "cpu_cores_machine_busy": round(
            (busy1[0] - busy0[0]) / (busy1[1] - busy0[1]) * (os.cpu_count() or 1), 2
        ),
        "simulator_nice": simulator_nice,
        "sub_stream_gop_s": sub_gop_s or "as shot (2 s)",
        "cameras_in_step": in_step,
        "detector_repeat": detector_repeat,
        "read_pacing_frames": "default" if read_pacing_frames is None else read_pacing_frames,
        "cameras_pulled": "through the fault proxy" if via_proxy else "from the RTSP server",
        "cpu_budget_cores": stage["cpu_budget_cores"],
        **figures,
        "detect_stage_wait_s_p50_p95": (stage["wait_p50_s"], stage["wait_p95_s"]),
        "detect_stage_paused_for_budget_s": round(
            float(stage["throttled_s"]) - float(stage0["throttled_s"]), 1
        ),
        "detect_stage_yielded_to_motion_s": round(
            float(stage["yielded_s"]) - float(stage0["yielded_s"]), 1
        ),
        "pass_s_median_max": (summary["pass_s_median"], summary["pass_s_max"]),
        # share of GOPs decoded past their keyframe at the end, and how often each signal cut it
        "decode_share_end_cut_by": (summary["decode_share"], summary["cut_by"]),
        "event_latency_s": latency,
        "events_started_in_window_by_rule": dict(Counter(e.rule_id for e in started)),
        "detector_runs_whole_frame_region": (seen.whole, seen.regions),
        "detector_region_share_of_frame_mean": round(seen.share / max(1, seen.regions), 3),
        "detector_call_ms_median_under_load": seen.ms_median(),
    }


def verdict(result: dict[str, Any]) -> list[str]:
    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    cpu = result["cpu_cores_gateway"]
    slowest = result["motion_fps_per_camera_min"]
    gap = result["max_gap_s_worst_camera"]
    detect_p95 = result["gated_detect_lag_s_p50_p95"][1]
    requests, runs = result["gated_frames_per_s"], result["gated_detected_per_s"]
    p95 = result["event_latency_s"]["p95"]
    return [
        f"CPU {cpu} cores (target < {TARGETS['cpu_cores']}): {mark(cpu < TARGETS['cpu_cores'])}",
        f"motion check: slowest camera {slowest} fps, worst gap {gap} s (target every camera "
        f">= 1 fps): {mark(slowest >= 0.95 and gap <= 1.5)}",
        f"  ({result['cameras_source_skipped_video']} cameras' streams skipped video themselves; "
        f"worst gap among the others {result['max_gap_s_worst_camera_steady_source']} s; the "
        f"slowest stream sent {result['source_video_s_per_s_min']} s of video per second)",
        f"detector: {runs}/s gated frames answered of {requests}/s, capture-to-detection p95 "
        f"{detect_p95} s (target every gated frame within 1 s): "
        f"{mark(detect_p95 is not None and detect_p95 <= 1.0 and runs >= 0.95 * requests)}",
        (
            f"event latency p95 {p95} s (target < 2 s): {mark(p95 < TARGETS['event_p95_s'])}"
            if p95 is not None
            else "event latency: no event started in the window, not measured (run longer)"
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="process CPU budget in cores (default: the gateway's, 70%% of cores)",
    )
    parser.add_argument(
        "--pair",
        action="store_true",
        help="YOLOX pair_wide_frames: two cameras per inference (half the cost, lower recall)",
    )
    parser.add_argument(
        "--simulator-nice",
        type=int,
        default=0,
        help="run the camera simulator at this nice level (e.g. 10: cameras are external, "
        "they should not take CPU from the gateway)",
    )
    parser.add_argument(
        "--sub-gop",
        type=float,
        default=0.0,
        help="serve the sub streams re-encoded with a keyframe every N s (a camera's I-frame "
        "interval setting; default: the clip as shot, 2 s)",
    )
    parser.add_argument(
        "--via-proxy",
        action="store_true",
        help="pull the cameras through the simulator's fault proxy (0.2 core more on the machine)",
    )
    parser.add_argument(
        "--whole-frames",
        action="store_true",
        help="the detector always sees whole frames (motion_band off), not the region that moved",
    )
    parser.add_argument(
        "--read-pacing-frames",
        type=int,
        default=None,
        help="ingest.read_pacing_frames (default: the gateway's, 2; 0 reads as bytes arrive)",
    )
    parser.add_argument(
        "--in-step",
        action="store_true",
        help="every simulated camera shows the same moment of the clip (bursts; the old set-up)",
    )
    parser.add_argument(
        "--detector-repeat",
        type=int,
        default=1,
        help="run the detector N times per call: this machine with detection N times slower "
        "(the bench machines differ by up to 3x in YOLOX alone; see yolox_whole_frame_ms_idle)",
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    if args.detector_repeat < 1:
        parser.error(f"--detector-repeat must be at least 1, got {args.detector_repeat}")
    result = run(
        args.cameras,
        args.seconds,
        args.warmup,
        args.shared,
        args.budget,
        args.pair,
        args.simulator_nice,
        args.sub_gop,
        args.via_proxy,
        args.whole_frames,
        args.read_pacing_frames,
        args.in_step,
        args.detector_repeat,
    )
    for key, value in result.items():
        print(f"{key:<36} {value}")
    for line in verdict(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
