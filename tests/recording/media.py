"""Packets like ingest publishes them, made from the shared test videos (no RTSP server)."""

from __future__ import annotations

import asyncio
import functools
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.bitstream import BitStreamFilterContext

from tests.fixtures.waiting import wait_for
from vgateway.media import MediaPacket, StreamInfo
from vgateway.recording.service import RecordingService

STREET = "media/videos/residential_street_cam_640x352.mp4"  # 24 fps, keyframe every 2 s
TB = Fraction(1, 90000)


@dataclass(frozen=True)
class Footage:
    """A video file's access units (Annex-B, as RTSP delivers them), to loop into packets."""

    info: StreamInfo
    raw: list[tuple[bytes, int, int, bool]]  # data, pts, dts (1/90000, from 0), keyframe

    @classmethod
    def load(cls, path: Path) -> Footage:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            tb = Fraction(stream.time_base or TB)
            bsf = BitStreamFilterContext("h264_mp4toannexb", stream)
            raw: list[tuple[bytes, int, int, bool]] = []
            for packet in container.demux(stream):
                for out in bsf.filter(packet):
                    if out.size and out.dts is not None:
                        pts = out.pts if out.pts is not None else out.dts
                        raw.append(
                            (
                                bytes(out),
                                round(pts * tb / TB),
                                round(out.dts * tb / TB),
                                bool(out.is_keyframe),
                            )
                        )
            ctx = stream.codec_context
            info = StreamInfo("h264", ctx.width, ctx.height, TB, b"", ctx.profile)
        first = raw[0][2]
        return cls(info, [(d, p - first, t - first, k) for d, p, t, k in raw])

    @property
    def period(self) -> int:
        return self.raw[-1][2] + (self.raw[-1][2] - self.raw[-2][2])

    def packets(
        self, seconds: float, *, start_wall: float, epoch: int = 1, ts_offset: int = 0
    ) -> list[MediaPacket]:
        """`seconds` of the file looped with continuous timestamps; wallclock follows them."""
        out: list[MediaPacket] = []
        loop = 0
        while True:
            for data, pts, dts, key in self.raw:
                t = dts + loop * self.period
                if t * TB >= seconds:
                    return out
                out.append(
                    MediaPacket(
                        data=data,
                        pts=pts + loop * self.period + ts_offset,
                        dts=t + ts_offset,
                        time_base=TB,
                        keyframe=key,
                        wallclock=start_wall + float(t * TB),
                        epoch=epoch,
                        info=self.info,
                    )
                )
            loop += 1


def ffprobe_errors(path: Path) -> str:
    """What `ffprobe -v error` prints when reading every packet of a file ('' when clean)."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "packet=pts", "-of", "csv", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stderr.strip() + (
        "" if result.returncode == 0 else f" (exit {result.returncode})"
    )


def decode_errors(path: Path, *, vfr: bool = False) -> str:
    """What `ffmpeg -v error -i FILE -f null -` prints decoding the whole file ('' when clean).

    `vfr`: the street video file runs at 24.05 fps in a 24 fps-labelled stream; ffmpeg's
    default constant-rate output to the null muxer then reports duplicate output timestamps
    that are not in the clip. Live (simulated) cameras have exact timing and need no option."""
    options = ["-fps_mode", "vfr"] if vfr else []
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), *options, "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stderr.strip() + (
        "" if result.returncode == 0 else f" (exit {result.returncode})"
    )


def probe(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-count_packets",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def publish_chunks(
    service: RecordingService, camera: str, packets: list[MediaPacket]
) -> Iterator[Callable[[], bool]]:
    """Publish on the camera's recorded stream in chunks the recorder can drain (its hub queue
    is bounded); after each chunk, yields a check that is true once the recorder consumed it.
    The caller waits on the check before the next chunk is published."""
    stream = service.hub.stream(camera, service.plans[camera].role)
    recorder = service.recorders[camera]
    done = recorder.packets
    for start in range(0, len(packets), 100):
        chunk = packets[start : start + 100]
        for packet in chunk:
            stream.publish(packet)
        done += len(chunk)
        yield functools.partial(lambda n: recorder.packets >= n, done)


def publish_drained_blocking(
    service: RecordingService, camera: str, packets: list[MediaPacket]
) -> None:
    for drained in publish_chunks(service, camera, packets):
        wait_for(drained, 10, "the recorder to drain")


async def publish_drained(
    service: RecordingService, camera: str, packets: list[MediaPacket]
) -> None:
    for drained in publish_chunks(service, camera, packets):
        deadline = time.monotonic() + 10
        while not drained():
            assert time.monotonic() < deadline, "recorder did not drain"
            await asyncio.sleep(0.02)
