"""Load check: start N cameras, pull every sub stream with PyAV (demux only), report CPU.

``python -m vgateway.simulator.load --cameras 119 --seconds 20``. CPU is % of one core, read from
/proc for the simulator process (proxy + control API), its GStreamer server child, and this
process (the PyAV clients, one thread per stream).
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from pathlib import Path

import av
import av.logging

from vgateway.simulator.client import SimulatorProcess

OPEN_OPTIONS = {
    "rtsp_transport": "tcp",
    "timeout": "5000000",
    "analyzeduration": "500000",
    "probesize": "32768",
}
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


class Puller:
    """One demux-only client per URL, each in its own thread, counting packets."""

    def __init__(self, urls: list[str]) -> None:
        self.packets = [0] * len(urls)
        self.failed = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i, url), daemon=True)
            for i, url in enumerate(urls)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)

    def _run(self, index: int, url: str) -> None:
        try:
            with av.open(url, options=OPEN_OPTIONS) as container:
                for _packet in container.demux(container.streams.video[0]):
                    self.packets[index] += 1
                    if self._stop.is_set():
                        return
        except av.FFmpegError as exc:
            self.failed += 1
            print(f"{url}: {exc}")


def main() -> None:
    av.logging.set_level(av.logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--stream", default="sub")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--no-media", action="store_true", help="use the generated pattern")
    args = parser.parse_args()

    started = time.monotonic()
    extra = {"media_dir": None} if args.no_media else {}
    with SimulatorProcess(args.cameras, **extra) as sim:  # type: ignore[arg-type]
        startup = time.monotonic() - started
        assert sim.pid is not None
        pids = {"simulator (proxy + control)": sim.pid}
        pids.update({f"gst server pid {child}": child for child in _children(sim.pid)})
        puller = Puller([sim.url(camera, args.stream) for camera in sim.camera_ids])
        puller.start()
        time.sleep(args.warmup)
        before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        packets_before = sum(puller.packets)
        t0 = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - t0
        after = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        packets = sum(puller.packets) - packets_before
        sessions = sum(sim.status()["sessions"].values())
        puller.stop()

    own = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    print(f"start-up with {args.cameras} cameras: {startup:.2f} s")
    for name in pids:
        print(f"{name}: {100 * (after[name] - before[name]) / elapsed:.1f} % of a core")
    print(f"PyAV clients ({args.cameras} demux threads): {100 * own / elapsed:.1f} % of a core")
    rate = packets / elapsed / max(1, args.cameras)
    print(f"packets per stream per second: {rate:.2f}; sessions seen by the server: {sessions}")
    silent = sum(1 for count in puller.packets if count == 0)
    print(f"streams with no packets: {silent}; failed opens: {puller.failed}")


if __name__ == "__main__":
    main()
