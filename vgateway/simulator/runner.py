"""The simulator process: GStreamer server child, fault proxy and control API in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from vgateway.simulator.control import create_control_app
from vgateway.simulator.faults import FaultBoard
from vgateway.simulator.gst_child import GstChild, SimulatorError, gst_unavailable_reason
from vgateway.simulator.proxy import start_proxy

log = logging.getLogger(__name__)

CODECS = ("h264", "h265", "mpeg4")
STREAMS = ("main", "sub")
MIN_GOP_S, MAX_GOP_S = 0.2, 10.0  # keyframe intervals a camera can be set to
READY_PREFIX = "vgateway simulator ready:"
_CAMERA_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def default_media_dir() -> Path | None:
    """``../shared/media/videos`` beside the checkout, when it is there."""
    candidate = Path(__file__).resolve().parents[2].parent / "shared" / "media" / "videos"
    return candidate if candidate.is_dir() else None


@dataclass(frozen=True)
class SimulatorOptions:
    """How many cameras to simulate, where to serve them, and what they stream."""

    cameras: int = 119
    camera_ids: tuple[str, ...] | None = None  # default cam001..camNNN
    host: str = "127.0.0.1"
    port: int = 8554  # RTSP (the proxy); 0 picks a free port
    control_port: int = 8555  # HTTP control API; 0 picks a free port
    media_dir: Path | None = field(default_factory=default_media_dir)  # None: test pattern
    codecs: Mapping[str, str] = field(default_factory=dict)  # camera id -> h264 | h265 | mpeg4
    streams: tuple[str, ...] = STREAMS
    # Re-encode the sub streams' clip once with a keyframe every N s (0: serve it as shot, with
    # its own 2 s GOP), as an operator sets a camera's I-frame interval.
    sub_gop_s: float = 0.0
    # Each camera starts its clip at its own keyframe: cameras sharing a clip are not in step,
    # and their keyframes and the clip's passing cars do not all come in the same second.
    out_of_step: bool = False

    def resolved_camera_ids(self) -> tuple[str, ...]:
        if self.camera_ids is not None:
            return self.camera_ids
        return tuple(f"cam{index:03d}" for index in range(1, self.cameras + 1))

    def validate(self) -> None:
        """Raise SimulatorError naming the first bad option."""
        ids = self.resolved_camera_ids()
        if not ids:
            raise SimulatorError("cameras: at least one camera is needed")
        for camera in ids:
            if not _CAMERA_ID.match(camera):
                raise SimulatorError(f"camera_ids: {camera!r} is not a valid camera id")
        if len(set(ids)) != len(ids):
            raise SimulatorError("camera_ids: duplicate camera ids")
        unknown_streams = [s for s in self.streams if s not in STREAMS]
        if not self.streams or unknown_streams:
            raise SimulatorError(f"streams: {unknown_streams or 'none'}; choose from {STREAMS}")
        for camera, codec in self.codecs.items():
            if camera not in ids:
                raise SimulatorError(f"codecs: {camera!r} is not one of the simulated cameras")
            if codec not in CODECS:
                raise SimulatorError(f"codecs: {camera}={codec!r}; choose from {CODECS}")
        if self.sub_gop_s and not MIN_GOP_S <= self.sub_gop_s <= MAX_GOP_S:
            raise SimulatorError(
                f"sub_gop_s: {self.sub_gop_s:g}; 0 (as shot) or {MIN_GOP_S:g} to {MAX_GOP_S:g} s"
            )
        if self.sub_gop_s and self.media_dir is None:
            raise SimulatorError("sub_gop_s: re-encodes the media clips, and no media_dir is set")
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise SimulatorError(f"media_dir: {self.media_dir} is not a folder")


class _ControlServer(uvicorn.Server):
    """uvicorn without its own signal handling: the simulator owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _listen(host: str, port: int, what: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SimulatorError(f"{what}: cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(512)
    sock.setblocking(False)
    return sock


def run_simulator(
    options: SimulatorOptions,
    *,
    on_ready: Callable[[str], None] | None = None,
    parent_pid: int | None = None,
) -> None:
    """Serve the simulated cameras until SIGINT/SIGTERM. Raises SimulatorError on bad setup.

    ``on_ready`` gets the ready line (default: printed on stdout). With ``parent_pid`` the
    simulator also stops when that process is gone, so a crashed test run leaves no orphans.
    """
    options.validate()
    reason = gst_unavailable_reason()
    if reason is not None:
        raise SimulatorError(reason)
    rtsp_sock = _listen(options.host, options.port, "RTSP port")
    try:
        control_sock = _listen(options.host, options.control_port, "control port")
    except SimulatorError:
        rtsp_sock.close()
        raise
    with rtsp_sock, control_sock, asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_serve(options, rtsp_sock, control_sock, on_ready or _print_ready, parent_pid))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): the proxy's cost is per packet."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _print_ready(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _serve(
    options: SimulatorOptions,
    rtsp_sock: socket.socket,
    control_sock: socket.socket,
    on_ready: Callable[[str], None],
    parent_pid: int | None,
) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    cameras = options.resolved_camera_ids()
    board = FaultBoard(cameras)
    child = GstChild(
        host="127.0.0.1",
        camera_ids=cameras,
        streams=options.streams,
        media_dir=options.media_dir,
        codecs=options.codecs,
        sub_gop_s=options.sub_gop_s,
        out_of_step=options.out_of_step,
    )
    app = create_control_app(board, child, options.streams)
    control = _ControlServer(uvicorn.Config(app, log_level="warning", lifespan="off"))
    proxy: asyncio.Server | None = None
    control_task: asyncio.Task[None] | None = None
    try:
        await child.start()
        proxy = await start_proxy(rtsp_sock, board, lambda: child.address)
        control_task = loop.create_task(control.serve(sockets=[control_sock]))
        while not control.started:
            if control_task.done():
                control_task.result()
                raise SimulatorError("control API stopped during start-up")
            await asyncio.sleep(0.02)
        host, port = rtsp_sock.getsockname()[:2]
        control_port = control_sock.getsockname()[1]
        on_ready(
            f"{READY_PREFIX} rtsp://{host}:{port}/<camera>/<{'|'.join(options.streams)}> "
            f"control=http://{host}:{control_port} cameras={len(cameras)}"
        )
        watchdog = loop.create_task(_watch_parent(parent_pid, stop))
        await stop.wait()
        watchdog.cancel()
    finally:
        control.should_exit = True
        if proxy is not None:
            proxy.close()
        if control_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await control_task
        await child.close()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _watch_parent(parent: int | None, stop: asyncio.Event) -> None:
    # Polling getppid works whichever thread started us, unlike PR_SET_PDEATHSIG.
    if not parent:
        return
    while True:
        await asyncio.sleep(0.5)
        if os.getppid() != parent:
            break
    log.warning("parent process %d is gone; stopping", parent)
    stop.set()
