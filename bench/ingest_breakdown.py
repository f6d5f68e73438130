"""Where ingest CPU goes, step by step, against the ffmpeg peer in the same window.

Each variant is a child process demuxing half of the simulated cameras with PyAV while 60
`ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` peers pull the other half; then the halves
swap. Both sides see the same machine noise, so the printed ratio (variant CPU / ffmpeg CPU) is
comparable across variants even on a busy machine. The variants add one step of the gateway's
per-packet path at a time:

    demux    PyAV demux only (the packet object is dropped)
    bytes    + copy the payload to bytes
    packet   + build the MediaPacket (timestamps, keyframe flag, wallclock)
    hub      + Stream.publish (cached GOP, and the counts health reads)
    unpaced  the gateway's own RtspSource.pump into Stream.publish, reading as bytes arrive
    ingest   the same with read pacing (two frames per wake), as IngestWorker runs them

    .venv/bin/python bench/ingest_breakdown.py [--cameras 119] [--seconds 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._proc import cpu_seconds  # noqa: E402
from vgateway.simulator.client import SimulatorProcess  # noqa: E402

VARIANTS = ("demux", "bytes", "packet", "hub", "unpaced", "ingest")
AV_OPTIONS = {
    "rtsp_transport": "tcp",
    "timeout": "5000000",
    "analyzeduration": "500000",
    "probesize": "65536",
    "fflags": "nobuffer",
}


def _pull(variant: str, index: int, url: str) -> None:
    import av

    from vgateway.config import Transport
    from vgateway.hub import Stream, StreamKey
    from vgateway.ingest.source import RtspSource, SourceOptions
    from vgateway.media import MediaPacket

    stream = Stream(StreamKey(str(index), "sub"))
    if variant in ("ingest", "unpaced"):

        class Running:
            stopping = False
            watched = False

        pacing = 2 if variant == "ingest" else 0
        options = SourceOptions(Transport.tcp, 5.0, 5.0, pace_frames=pacing)
        with RtspSource(url, options) as source:
            source.pump(stream.begin_epoch(source.open()), stream.publish, Running(), lambda: None)
        return
    container = av.open(url, options=AV_OPTIONS, timeout=(5.0, None))
    demux = container.demux(container.streams.video[0])
    base, now, make = Fraction(1, 90000), time.time, tuple.__new__
    if variant == "demux":
        for _ in demux:
            pass
    elif variant == "bytes":
        for raw in demux:
            bytes(raw)
    else:
        publish = variant == "hub"
        for raw in demux:
            fields = (bytes(raw), raw.pts, raw.dts, base, raw.is_keyframe, now(), 1, None)
            packet = make(MediaPacket, fields)
            if publish:
                stream.publish(packet)


def child(variant: str, urls: list[str]) -> None:
    for index, url in enumerate(urls):
        threading.Thread(target=_pull, args=(variant, index, url), daemon=True).start()
    while True:
        time.sleep(60)


def peers(urls: list[str]) -> list[subprocess.Popen[bytes]]:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i"]
    return [
        subprocess.Popen(
            [*command, url, "-c", "copy", "-f", "null", "-"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for url in urls
    ]


def ratio(variant: str, urls: list[str], seconds: float, warmup: float) -> float:
    """Variant CPU / ffmpeg CPU, halves in the same window, swapped and summed."""
    halves = [urls[: len(urls) // 2], urls[len(urls) // 2 :]]
    ours = theirs = 0.0
    for mine, other in (halves, halves[::-1]):
        procs = peers(other)
        procs.insert(0, subprocess.Popen([sys.executable, __file__, "--child", variant, *mine]))
        try:
            time.sleep(warmup)
            start = {p.pid: cpu_seconds(p.pid) for p in procs}
            began = time.monotonic()
            time.sleep(seconds)
            used = {p.pid: cpu_seconds(p.pid) - start[p.pid] for p in procs}
            wall = time.monotonic() - began
        finally:
            for proc in procs:
                proc.kill()
            for proc in procs:
                proc.wait()
        ours += used[procs[0].pid] / wall
        theirs += sum(used[p.pid] for p in procs[1:]) / wall
    return ours / theirs


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement window")
    parser.add_argument("--warmup", type=float, default=7.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    chosen = args.variants.split(",")
    results: dict[str, list[float]] = {v: [] for v in chosen}
    with SimulatorProcess(cameras=args.cameras) as sim:
        urls = [sim.url(cam, "sub") for cam in sim.camera_ids]
        for _ in range(args.rounds):  # interleaved, so slow drifts hit every variant
            for variant in chosen:
                results[variant].append(ratio(variant, urls, args.seconds, args.warmup))
                print(f"  {variant:8} {results[variant][-1]:.3f}", flush=True)
    print(
        f"\n== ingest CPU by step, {args.cameras} cameras as two halves, ratio to ffmpeg -c copy "
        f"in the same window ({args.rounds} rounds, load {os.getloadavg()[0]:.1f}) =="
    )
    for variant in chosen:
        values = results[variant]
        spread = f"{min(values):.3f}..{max(values):.3f}"
        print(f"{variant:8} median {statistics.median(values):.3f}  ({spread})")


if __name__ == "__main__":
    main()
