"""SimulatorProcess: runs ``python -m vgateway.simulator`` as a subprocess and drives it.

For tests, benches and ``vgateway run --simulate``. Every call is synchronous and short.
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

import httpx

from vgateway.simulator.faults import FaultMode
from vgateway.simulator.gst_child import SimulatorError
from vgateway.simulator.runner import READY_PREFIX, default_media_dir

_READY = re.compile(
    re.escape(READY_PREFIX) + r" rtsp://([^:]+):(\d+)/.* control=http://[^:]+:(\d+)"
)
DEFAULT_MEDIA: Final = Path("<default>")  # sentinel: ../shared/media/videos when present


class SimulatorProcess:
    """A running camera simulator (GStreamer RTSP server + fault proxy + control API)."""

    def __init__(
        self,
        cameras: int = 4,
        *,
        port: int | None = None,
        control_port: int | None = None,
        media_dir: Path | None = DEFAULT_MEDIA,
        codecs: Mapping[str, str] | None = None,
        streams: Sequence[str] = ("main", "sub"),
        host: str = "127.0.0.1",
        sub_gop_s: float = 0.0,
        out_of_step: bool = False,
    ) -> None:
        self.camera_ids: list[str] = [f"cam{index:03d}" for index in range(1, cameras + 1)]
        self.host = host
        self.streams = tuple(streams)
        self._port = port or 0
        self._control_port = control_port or 0
        self._media_dir = default_media_dir() if media_dir == DEFAULT_MEDIA else media_dir
        self._codecs = dict(codecs or {})
        self._sub_gop_s = sub_gop_s
        self._out_of_step = out_of_step
        self._direct_port: int | None = None  # the GStreamer server's; kept across its restarts
        self._process: subprocess.Popen[str] | None = None
        self._http: httpx.Client | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)

    @property
    def pid(self) -> int | None:
        """Process id of the simulator (its GStreamer server is a child of it)."""
        return self._process.pid if self._process is not None else None

    @property
    def port(self) -> int:
        return self._port

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self._control_port}"

    def url(self, camera_id: str, stream: str = "main") -> str:
        return f"rtsp://{self.host}:{self._port}/{camera_id}/{stream}"

    def direct_url(self, camera_id: str, stream: str = "main") -> str:
        """The stream straight from the GStreamer server, not through the fault proxy: faults do
        not reach it. For load benches, where the proxy would only take CPU from the machine."""
        if self._direct_port is None:
            port = self.status()["server"]["port"]
            if port is None:
                raise SimulatorError("the simulator's RTSP server is not running")
            self._direct_port = int(port)
        return f"rtsp://{self.host}:{self._direct_port}/{camera_id}/{stream}"

    def start(self, timeout: float = 30) -> None:
        """Start the simulator and block until every camera is served."""
        if self._process is not None:
            return
        command = [sys.executable, "-m", "vgateway.simulator"]
        command += ["--cameras", str(len(self.camera_ids)), "--host", self.host]
        command += ["--port", str(self._port), "--control-port", str(self._control_port)]
        command += ["--streams", ",".join(self.streams)]
        if self._media_dir is None:
            command += ["--no-media"]
        else:
            command += ["--media-dir", str(self._media_dir)]
        for camera, codec in sorted(self._codecs.items()):
            command += ["--codec", f"{camera}={codec}"]
        if self._sub_gop_s:
            command += ["--sub-gop", str(self._sub_gop_s)]
        if self._out_of_step:
            command += ["--out-of-step"]
        command += ["--parent-pid", str(os.getpid()), "--log-level", "WARNING"]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a Ctrl-C meant for the parent does not race its own stop
        )
        lines: queue.Queue[str | None] = queue.Queue()
        assert self._process.stdout is not None and self._process.stderr is not None
        _drain(self._process.stdout, lines.put)
        _drain(self._process.stderr, self._echo_stderr)
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise SimulatorError(f"simulator not ready after {timeout:.0f} s") from None
            if line is None:
                self._process.wait()
                self._process = None
                detail = "; ".join(self._stderr_tail) or "no output"
                raise SimulatorError(f"simulator exited before it was ready: {detail}")
            if match := _READY.search(line):
                self._port, self._control_port = int(match.group(2)), int(match.group(3))
                break
        self._http = httpx.Client(base_url=self.control_url, timeout=10)

    def _echo_stderr(self, line: str | None) -> None:
        if line is None:
            return
        self._stderr_tail.append(line.rstrip())
        # stderr may be closed or swapped by then (interpreter or test teardown)
        with contextlib.suppress(ValueError, OSError):
            sys.stderr.write(line)

    def stop(self) -> None:
        """Stop the simulator and its GStreamer server; idempotent."""
        self._direct_port = None  # a new simulator gets a new port
        if self._http is not None:
            self._http.close()
            self._http = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: takes the child too
                process.wait()

    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._client().get("/status").raise_for_status().json()
        return result

    def sessions(self, camera_id: str, stream: str = "main") -> int:
        """RTSP sessions on the mount, as counted by the GStreamer server (0.25 s behind)."""
        return int(self.status()["sessions"].get(f"/{camera_id}/{stream}", 0))

    def wait_sessions(
        self, camera_id: str, stream: str = "main", count: int = 1, timeout: float = 10
    ) -> int:
        """Poll until the mount has ``count`` sessions; returns the last count seen."""
        deadline = time.monotonic() + timeout
        while (seen := self.sessions(camera_id, stream)) != count and time.monotonic() < deadline:
            time.sleep(0.1)
        return seen

    def set_fault(self, camera_id: str, mode: str) -> None:
        """Inject a fault on both streams of a camera (``ok`` clears it); see FaultMode."""
        FaultMode.parse(mode)
        response = self._client().put(f"/cameras/{camera_id}/fault", json={"mode": mode})
        if response.status_code == 404:
            raise KeyError(f"unknown camera {camera_id!r}")
        response.raise_for_status()

    def restart_server(self) -> None:
        """kill -9 the GStreamer server and start it again; returns once it serves again."""
        self._client().post("/server/restart", timeout=90).raise_for_status()

    def kill_server(self) -> None:
        """kill -9 the GStreamer server and keep it down (connections are closed at once)."""
        self._client().post("/server/stop").raise_for_status()

    def start_server(self) -> None:
        self._client().post("/server/start", timeout=90).raise_for_status()

    def _client(self) -> httpx.Client:
        if self._http is None:
            raise SimulatorError("simulator is not running")
        return self._http

    def __enter__(self) -> SimulatorProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _drain(stream: IO[str], sink: Any) -> None:
    """Read a pipe to its end in a daemon thread, so the child never blocks on a full pipe."""

    def run() -> None:
        for line in stream:
            sink(line)
        sink(None)

    threading.Thread(target=run, name="simulator-pipe", daemon=True).start()
