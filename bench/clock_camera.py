"""A live RTSP camera whose every frame shows the wall-clock millisecond it was made at.

Run with Debian's /usr/bin/python3 (python3-gi); it never imports vgateway. Frames are drawn
here (640x352 I420: a grey gradient, a moving bar so the encoder has real work, and a row of 34
black/white blocks: black and white references, then the 32 low bits of `time.time()` in ms,
most significant first), stamped just before they enter x264enc tune=zerolatency. A reader
that decodes the blocks from the displayed picture and subtracts them from its own clock gets
glass-to-glass latency (same machine, same clock).

    /usr/bin/python3 bench/clock_camera.py [--port 0]   # prints {"event": "ready", "port": N}
It stops when its stdin closes (the parent went away).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 352, 25
BITS, BLOCK, TOP = 32, 18, 6
LEFT = (WIDTH - (BITS + 2) * BLOCK) // 2
WHITE, BLACK = 235, 16
CAPS = f"video/x-raw,format=I420,width={WIDTH},height={HEIGHT},framerate={FPS}/1"
PIPELINE = (
    f"( appsrc name=src is-live=true format=time do-timestamp=true caps={CAPS} "
    # threads=1: one slice per frame (sliced threads would split each picture in several)
    "! x264enc tune=zerolatency speed-preset=ultrafast threads=1 key-int-max=50 bframes=0 "
    "bitrate=800 "
    "! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
)


def template() -> bytes:
    luma = b"".join(bytes([60 + (y * 120) // HEIGHT]) * WIDTH for y in range(HEIGHT))
    return luma + bytes([128]) * (WIDTH * HEIGHT // 2)


def draw(base: bytes, index: int, stamp_ms: int) -> bytes:
    frame = bytearray(base)
    bar_x = (index * 8) % (WIDTH - 24)
    bar = bytes([220]) * 24
    for y in range(40, HEIGHT):
        frame[y * WIDTH + bar_x : y * WIDTH + bar_x + 24] = bar
    bits = [0, 1] + [(stamp_ms >> (BITS - 1 - i)) & 1 for i in range(BITS)]
    for i, bit in enumerate(bits):
        row = bytes([WHITE if bit else BLACK]) * BLOCK
        x = LEFT + i * BLOCK
        for y in range(TOP, TOP + BLOCK):
            frame[y * WIDTH + x : y * WIDTH + x + BLOCK] = row
    return bytes(frame)


def feed(appsrc: Any) -> None:
    """Push a freshly stamped frame every 1/FPS s until the media goes away."""
    base = template()
    interval = 1 / FPS
    due = time.monotonic()
    index = 0
    while True:
        stamp_ms = int(time.time() * 1000) % (1 << BITS)
        buffer = Gst.Buffer.new_wrapped(draw(base, index, stamp_ms))
        buffer.duration = Gst.SECOND // FPS
        if appsrc.emit("push-buffer", buffer) != Gst.FlowReturn.OK:
            return
        index += 1
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))


class ClockFactory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.set_shared(True)
        self.set_launch(PIPELINE)
        self.connect("media-configure", self._configure)

    def _configure(self, _factory: Any, media: Any) -> None:
        appsrc = media.get_element().get_by_name_recurse_up("src")
        threading.Thread(target=feed, args=(appsrc,), daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory("/clock", ClockFactory())
    loop = GLib.MainLoop()
    server.attach(None)
    print(json.dumps({"event": "ready", "port": server.get_bound_port()}), flush=True)

    def wait_parent() -> None:
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=wait_parent, daemon=True).start()
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
