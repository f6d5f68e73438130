"""GStreamer RTSP server behind the camera simulator; run with Debian's /usr/bin/python3.

It never imports vgateway: python3-gi lives in the system Python, not in the project's venv.
Each clip is parsed (or, for the test pattern and the H.265 / MPEG-4 overrides, encoded) once into
memory; every mount's appsrc is fed from that memory with timestamps that keep growing across
loops, so clients see an endless live camera and the CPU cost stays at packetising.

Protocol with the parent process: arguments in, ``{"drop": "cam001"}`` lines on stdin (end that
camera's sessions); JSON lines on stdout out:
``{"event": "ready", "port": N}`` once listening, then ``{"event": "sessions", "sessions":
{"/cam001/sub": 1}}`` whenever the server's own session pool changes (and every few seconds).
A failure to start prints ``{"event": "error", "message": ...}`` and exits with status 2.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import sys
import time
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

SUB_CLIP = "residential_street_cam_640x352.mp4"
MAIN_CLIPS = (
    "highway_overpass_960x540.mp4",
    "pedestrian_walkway_cam_626x360.mp4",
    SUB_CLIP,
)
# access units, SPS/PPS before every IDR: what the RTSP payloader is fed
ANNEX_B = "h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au"
PATTERN_FPS = 25
PATTERN_SECONDS = 4
# x264 threads=1: sliced threads cut each frame into slices, and h264parse then repeats SPS/PPS
# before the second IDR slice, which clients read as two frames with one timestamp.
ENCODERS = {
    "h264": "x264enc key-int-max={gop} bframes=0 speed-preset=ultrafast threads=1 "
    f"bitrate=600 ! {ANNEX_B}",
    "h265": "x265enc key-int-max={gop} speed-preset=ultrafast tune=zerolatency bitrate=600 "
    "! h265parse config-interval=-1 ! video/x-h265,stream-format=byte-stream,alignment=au",
    "mpeg4": "avenc_mpeg4 gop-size={gop} bitrate=800000 max-bframes=0 "
    "! mpeg4videoparse config-interval=-1",
}
# rtpmp4vpay max-ptime: one frame per packet; it otherwise packs small frames together and
# FFmpeg then gives only the first of them a timestamp.
PAYLOADERS = {
    "h264": "rtph264pay name=pay0 pt=96 config-interval=-1",
    "h265": "rtph265pay name=pay0 pt=96 config-interval=-1",
    "mpeg4": "rtpmp4vpay name=pay0 pt=96 config-interval=-1 max-ptime=1000000",
}


@dataclass(frozen=True)
class Clip:
    """Access units of one clip in decode order, with what the feeder needs to re-time them."""

    codec: str
    caps: Any
    buffers: list[Any]
    pts_offsets: list[int]  # pts - dts of each access unit: keeps B-frame order across loops
    frame_ns: int

    @cached_property
    def keyframes(self) -> list[int]:
        """Positions of the access units a decoder can start from."""
        found = [
            i for i, b in enumerate(self.buffers) if not b.has_flags(Gst.BufferFlags.DELTA_UNIT)
        ]
        return found or [0]

    def start_for(self, camera: str) -> int:
        """A keyframe to start `camera` at, fixed by its id: cameras that share the clip show
        different moments of it, as real cameras are not in step."""
        keys = self.keyframes
        return keys[zlib.crc32(camera.encode()) % len(keys)]

    @property
    def batch(self) -> int:
        """Access units to push per need-data call: about one second."""
        return max(1, round(1_000_000_000 / self.frame_ns))


def _collect(description: str, codec: str) -> Clip:
    """Run a pipeline ending in ``appsink name=sink`` to EOS and keep every buffer it produced."""
    pipeline = Gst.parse_launch(f"{description} ! appsink name=sink sync=false")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    buffers: list[Any] = []
    caps = None
    while (sample := sink.emit("pull-sample")) is not None:
        caps = caps or sample.get_caps()
        buffers.append(sample.get_buffer())
    error = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if error is not None or not buffers or caps is None:
        detail = error.parse_error()[0].message if error is not None else "no frames"
        raise RuntimeError(f"cannot load clip ({description.split('!')[0].strip()}): {detail}")
    ok, num, den = caps.get_structure(0).get_fraction("framerate")
    frame_ns = Gst.util_uint64_scale(Gst.SECOND, den, num) if ok and num > 0 else Gst.SECOND // 25
    offsets = [
        max(0, b.pts - b.dts)
        if b.dts != Gst.CLOCK_TIME_NONE and b.pts != Gst.CLOCK_TIME_NONE
        else 0
        for b in buffers
    ]
    return Clip(codec, caps, buffers, offsets, frame_ns)


def _mp4_video(path: Path) -> str:
    location = str(path).replace('"', '\\"')
    return f'filesrc location="{location}" ! qtdemux name=demux demux.video_0'


def load_file(path: Path) -> Clip:
    """Demux an MP4's H.264 track into Annex-B access units with SPS/PPS before every IDR."""
    return _collect(f"{_mp4_video(path)} ! {ANNEX_B}", "h264")


def clip_kbits(clip: Clip) -> int:
    """The clip's average bitrate in kbit/s."""
    size = sum(buffer.get_size() for buffer in clip.buffers)
    return max(1, int(size * 8 * Gst.SECOND // (len(clip.buffers) * clip.frame_ns * 1000)))


def regop_file(path: Path, gop_s: float, like: Clip) -> Clip:
    """The file re-encoded once with a keyframe every `gop_s` seconds, at the bitrate of `like`.

    A camera's I-frame interval is an operator setting; this serves the same scene as a camera
    set to that interval would. The encoding happens once at start-up, never per client."""
    frames = max(1, round(gop_s * Gst.SECOND / like.frame_ns))
    encoder = (
        f"x264enc key-int-max={frames} bframes=0 speed-preset=veryfast threads=1 "
        f"pass=cbr bitrate={clip_kbits(like)}"
    )
    return _collect(
        f"{_mp4_video(path)} ! h264parse ! avdec_h264 ! videoconvert ! {encoder} ! {ANNEX_B}",
        "h264",
    )


def encode_pattern(codec: str) -> Clip:
    """Encode a few seconds of test pattern once; used without media and for codec overrides."""
    frames = PATTERN_FPS * PATTERN_SECONDS
    source = (
        f"videotestsrc num-buffers={frames} pattern=ball "
        f"! video/x-raw,format=I420,width=640,height=352,framerate={PATTERN_FPS}/1"
    )
    return _collect(f"{source} ! {ENCODERS[codec].format(gop=2 * PATTERN_FPS)}", codec)


class Feeder:
    """Feeds one media pipeline's appsrc: the clip's access units in a loop, re-timed."""

    def __init__(self, clip: Clip, start: int = 0) -> None:
        self._clip = clip
        self._start = start  # position in the clip of the first access unit
        self._index = 0  # access units pushed: their timestamps run on from 0

    def on_need_data(self, appsrc: Any, _length: int) -> None:
        # A second of frames per call: each call wakes Python and takes the GIL from the
        # streaming thread; one call per frame costs about a third more CPU with 119 cameras.
        clip = self._clip
        for _ in range(clip.batch):
            position = (self._start + self._index) % len(clip.buffers)
            # A deep copy: with a shallow one, cameras playing the same clip at different
            # points re-timed each other's frames (a client saw pts jump 6 s back, then on).
            buffer = clip.buffers[position].copy_deep()
            buffer.dts = self._index * clip.frame_ns
            buffer.pts = buffer.dts + clip.pts_offsets[position]
            buffer.duration = clip.frame_ns
            self._index += 1
            appsrc.emit("push-buffer", buffer)


class CameraFactory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    """One mount: a shared live pipeline ``appsrc ! payloader`` fed from an in-memory clip."""

    def __init__(self, path: str, clip: Clip, start: int = 0) -> None:
        super().__init__()
        self._path = path
        self._clip = clip
        self._start = start
        self.set_shared(True)
        self.set_launch(
            f"( appsrc name=src is-live=true format=time max-bytes=2000000 "
            f"! {PAYLOADERS[clip.codec]} )"
        )
        self.connect("media-configure", self._on_media_configure)

    def _on_media_configure(self, _factory: Any, media: Any) -> None:
        appsrc = media.get_element().get_by_name_recurse_up("src")
        appsrc.set_property("caps", self._clip.caps)
        appsrc.connect("need-data", Feeder(self._clip, self._start).on_need_data)
        media.vg_path = self._path  # read back when counting sessions per mount


class Sessions:
    """The server's session pool: counts per mount (printed when they change), drops on demand."""

    HEARTBEAT_S = 2.0

    def __init__(self, server: Any) -> None:
        self._pool = server.get_session_pool()
        self._last: dict[str, int] | None = None
        self._last_time = 0.0

    def _paths(self) -> list[tuple[Any, set[str]]]:
        return [
            (session, {getattr(sm.get_media(), "vg_path", "") for sm in session.filter(None)})
            for session in self._pool.filter(None)
        ]

    def tick(self) -> bool:
        self._pool.cleanup()  # drops sessions whose client stopped sending keep-alives
        counts: dict[str, int] = {}
        for _session, paths in self._paths():
            for path in paths - {""}:
                counts[path] = counts.get(path, 0) + 1
        now = time.monotonic()
        if counts != self._last or now - self._last_time >= self.HEARTBEAT_S:
            emit({"event": "sessions", "sessions": counts})
            self._last, self._last_time = counts, now
        return True

    def drop(self, camera: str) -> None:
        """End the camera's sessions now: with RTP over UDP, closing RTSP alone leaves them on."""
        prefix = f"/{camera}/"
        for session, paths in self._paths():
            if any(path.startswith(prefix) for path in paths):
                self._pool.remove(session)
        self.tick()


def read_commands(sessions: Sessions, loop: Any) -> None:
    """Commands from the parent on stdin, one JSON object a line; EOF means the parent is gone."""

    pending = bytearray()

    def on_input(fd: int, _condition: Any) -> bool:
        data = os.read(fd, 65536)
        if not data:
            loop.quit()
            return False
        pending.extend(data)
        while (end := pending.find(b"\n")) >= 0:
            line = bytes(pending[:end])
            del pending[: end + 1]
            try:
                command = json.loads(line)
            except ValueError:
                continue
            if isinstance(command, dict) and isinstance(command.get("drop"), str):
                sessions.drop(command["drop"])
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, on_input)


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill us when the control process dies, so no server is orphaned."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent_pid and os.getppid() != parent_pid:  # parent gone before prctl took effect
        sys.exit(0)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (reported)")
    parser.add_argument("--cameras", required=True, help="comma-separated camera ids")
    parser.add_argument("--streams", default="main,sub")
    parser.add_argument("--media-dir", type=Path, default=None)
    parser.add_argument("--codec", action="append", default=[], metavar="CAMERA=CODEC")
    parser.add_argument("--sub-gop", type=float, default=0.0, help="seconds; 0: as the clip")
    parser.add_argument(
        "--out-of-step", action="store_true", help="each camera starts its clip at its own keyframe"
    )
    parser.add_argument("--status-interval", type=float, default=0.25)
    parser.add_argument("--session-timeout", type=int, default=20)
    parser.add_argument("--parent-pid", type=int, default=0)
    return parser.parse_args(argv)


def build_clips(
    media_dir: Path | None, codecs: set[str], sub_gop_s: float = 0.0
) -> dict[str, Clip]:
    """Clips by key: file names from the media folder (or the H.264 pattern), plus codec loops;
    "sub" is the sub streams' clip (re-encoded once when `sub_gop_s` asks for another GOP)."""
    clips: dict[str, Clip] = {}
    if media_dir is not None and (media_dir / SUB_CLIP).is_file():
        for name in dict.fromkeys((SUB_CLIP, *MAIN_CLIPS)):
            if (media_dir / name).is_file():
                clips[name] = load_file(media_dir / name)
        clips["sub"] = clips[SUB_CLIP]
        if sub_gop_s > 0:
            clips["sub"] = regop_file(media_dir / SUB_CLIP, sub_gop_s, clips[SUB_CLIP])
    elif sub_gop_s > 0:
        raise RuntimeError(f"--sub-gop re-encodes {SUB_CLIP}, which is not in {media_dir}")
    else:
        clips["pattern:h264"] = encode_pattern("h264")
    for codec in codecs - {"h264"}:
        clips[f"pattern:{codec}"] = encode_pattern(codec)
    return clips


def pick_clip(clips: dict[str, Clip], index: int, stream: str, codec: str) -> Clip:
    if codec != "h264":
        return clips[f"pattern:{codec}"]
    if "pattern:h264" in clips:
        return clips["pattern:h264"]
    if stream == "sub":
        return clips["sub"]
    mains = [name for name in MAIN_CLIPS if name in clips]
    return clips[mains[index % len(mains)]]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    die_with_parent(args.parent_pid)
    Gst.init(None)
    cameras = [c for c in args.cameras.split(",") if c]
    codec_of = dict(item.split("=", 1) for item in args.codec)
    unknown = {c for c in codec_of.values() if c not in PAYLOADERS}
    if unknown:
        emit({"event": "error", "message": f"unknown codec(s) {sorted(unknown)}"})
        return 2
    try:
        clips = build_clips(args.media_dir, set(codec_of.values()), args.sub_gop)
    except RuntimeError as exc:
        emit({"event": "error", "message": str(exc)})
        return 2

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    server.set_backlog(1024)  # the default of 5 drops SYNs when a gateway connects 119 at once
    mounts = server.get_mount_points()
    for index, camera in enumerate(cameras):
        for stream in args.streams.split(","):
            clip = pick_clip(clips, index, stream, codec_of.get(camera, "h264"))
            start = clip.start_for(camera) if args.out_of_step else 0
            path = f"/{camera}/{stream}"
            mounts.add_factory(path, CameraFactory(path, clip, start))

    def on_client(_server: Any, client: Any) -> None:
        client.connect("new-session", lambda _c, s: s.set_timeout(args.session_timeout))

    server.connect("client-connected", on_client)
    if server.attach(None) == 0:
        emit({"event": "error", "message": f"cannot listen on {args.host}:{args.port}"})
        return 2
    loop = GLib.MainLoop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda: loop.quit() or False)
    sessions = Sessions(server)
    GLib.timeout_add(int(args.status_interval * 1000), sessions.tick)
    read_commands(sessions, loop)
    emit({"event": "ready", "port": server.get_bound_port()})
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
