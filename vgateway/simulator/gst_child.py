"""Runs gst_server.py under Debian's python3 as a child process: start, kill, restart, supervise."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

SYSTEM_PYTHON = Path("/usr/bin/python3")
GST_SCRIPT = Path(__file__).with_name("gst_server.py")
DEBIAN_PACKAGES = (
    "gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-rtsp gstreamer1.0-plugins-base "
    "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly "
    "gstreamer1.0-libav"
)
_GI_PROBE = (
    "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); "
    "from gi.repository import Gst, GstRtspServer"
)
RESTART_DELAY_S = 0.5
READY_TIMEOUT_S = 120  # parsing clips and encoding loops takes seconds on a busy box


class SimulatorError(Exception):
    """The simulator cannot run; the message says what is wrong and how to fix it."""


def gst_unavailable_reason(python: Path = SYSTEM_PYTHON) -> str | None:
    """Why the GStreamer RTSP server cannot run here, or None when it can."""
    hint = f"install the Debian packages: apt-get install {DEBIAN_PACKAGES}"
    if not python.exists():
        return f"{python} is missing; {hint}"
    probe = subprocess.run(
        [str(python), "-c", _GI_PROBE], capture_output=True, text=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["unknown error"])[-1]
        return f"{python} cannot load GStreamer's RTSP server ({last}); {hint}"
    return None


class GstChild:
    """The GStreamer server process: reports its port and the per-mount session counts."""

    def __init__(
        self,
        *,
        host: str,
        camera_ids: Sequence[str],
        streams: Sequence[str],
        media_dir: Path | None,
        codecs: Mapping[str, str],
        sub_gop_s: float = 0.0,
        out_of_step: bool = False,
    ) -> None:
        self._host = host
        self._args = ["--cameras", ",".join(camera_ids), "--streams", ",".join(streams)]
        if media_dir is not None:
            self._args += ["--media-dir", str(media_dir)]
        for camera, codec in sorted(codecs.items()):
            self._args += ["--codec", f"{camera}={codec}"]
        if sub_gop_s:
            self._args += ["--sub-gop", str(sub_gop_s)]
        if out_of_step:
            self._args += ["--out-of-step"]
        self._port = 0
        self._process: asyncio.subprocess.Process | None = None
        self._wanted = False
        self._sessions: dict[str, int] = {}
        self._supervisor: asyncio.Task[None] | None = None
        self._serving: asyncio.subprocess.Process | None = None  # the process that said ready
        self._reader: asyncio.Task[None] | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        """Where the server listens, None while it is not serving."""
        process = self._process
        serving = process is not None and process.returncode is None and self._serving is process
        return (self._host, self._port) if serving else None

    @property
    def port(self) -> int | None:
        """The server's RTSP port while it serves (it keeps it across restarts)."""
        address = self.address
        return address[1] if address is not None else None

    @property
    def running(self) -> bool:
        return self.address is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running and self._process is not None else None

    def sessions(self) -> dict[str, int]:
        return dict(self._sessions)

    async def start(self) -> None:
        """Start the server (on the port it had before, if any) and wait until it listens."""
        if self.running:
            return
        self._wanted = True
        await self._spawn()
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def kill(self) -> None:
        """SIGKILL the server (the camera network drops) and do not bring it back."""
        self._wanted = False
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        self._process = None  # tells the supervisor this exit was asked for
        self._sessions = {}

    def drop_sessions(self, camera_id: str) -> None:
        """End the camera's RTSP sessions in the server (RTP over UDP would outlive the proxy)."""
        process = self._process
        if process is not None and process.stdin is not None and self.running:
            process.stdin.write(json.dumps({"drop": camera_id}).encode() + b"\n")

    async def restart(self) -> None:
        await self.kill()
        await self.start()

    async def close(self) -> None:
        self._wanted = False
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        process = self._process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def _spawn(self) -> None:
        command = [str(SYSTEM_PYTHON), str(GST_SCRIPT), "--host", self._host]
        command += ["--port", str(self._port), "--parent-pid", str(os.getpid()), *self._args]
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[int] = loop.create_future()
        self._process = await asyncio.create_subprocess_exec(
            *command,
            stdin=subprocess.PIPE,  # commands; its end also tells the server we are gone
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
            limit=1 << 20,
            start_new_session=True,  # a terminal's Ctrl-C reaches us; we stop the server
        )
        reader = self._reader = loop.create_task(self._read_reports(self._process, ready))
        try:
            self._port = await asyncio.wait_for(asyncio.shield(ready), READY_TIMEOUT_S)
        except TimeoutError:
            self._process.kill()
            raise SimulatorError(f"GStreamer server not ready after {READY_TIMEOUT_S} s") from None
        except SimulatorError:
            reader.cancel()
            raise
        self._serving = self._process
        log.info("GStreamer RTSP server pid %d on %s:%d", self._process.pid, self._host, self._port)

    async def _read_reports(
        self, process: asyncio.subprocess.Process, ready: asyncio.Future[int]
    ) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            try:
                report = json.loads(line)
            except ValueError:
                continue
            event = report.get("event")
            if event == "sessions" and process is self._process:
                self._sessions = {str(k): int(v) for k, v in report["sessions"].items()}
            elif event == "ready" and not ready.done():
                ready.set_result(int(report["port"]))
            elif event == "error" and not ready.done():
                ready.set_exception(SimulatorError(f"GStreamer server: {report['message']}"))
        await process.wait()
        if not ready.done():
            ready.set_exception(
                SimulatorError(f"GStreamer server exited with status {process.returncode}")
            )

    async def _supervise(self) -> None:
        """Bring the server back when it dies without being asked to."""
        while True:
            process = self._process
            if process is not None:
                await process.wait()
            if not self._wanted or process is not self._process:
                await asyncio.sleep(0.1)
                continue
            status = process.returncode if process is not None else None
            log.warning("GStreamer server exited (status %s); restarting", status)
            self._sessions = {}
            await asyncio.sleep(RESTART_DELAY_S)
            try:
                if self._wanted and not self.running:
                    await self._spawn()
            except SimulatorError as exc:
                log.error("%s", exc)
