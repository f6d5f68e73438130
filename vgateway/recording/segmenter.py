"""Continuous recording of one camera: fixed-length fragmented-MP4 segments, indexed as written.

Why fragmented MP4 written in place rather than a plain MP4 renamed on close: a plain MP4 is
unreadable until its index is written at the end, so a crash or a full disk would lose the whole
segment (up to a minute). A fragmented MP4 is valid up to its last whole fragment (one GOP), so
recovery only trims the torn tail, and clips can read a segment while it is being written. The
row says `writing` until the file is closed, synced and hashed; only then is it `complete`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

from vgateway.evidence.files import file_digest, fsync_dir
from vgateway.media import MediaPacket, StreamInfo
from vgateway.recording.index import NewSegment, SegmentIndex
from vgateway.recording.muxer import FRAGMENTED, CountingFile, Mp4Writer
from vgateway.recording.recovery import repair_segment

log = logging.getLogger(__name__)

MAX_STEP_S = 10.0  # timestamps jumping further forward than this start a new segment
DISK_FULL_PAUSE_S = 10.0


@dataclass
class OpenSegment:
    id: int
    path: Path
    handle: BinaryIO
    sink: CountingFile
    writer: Mp4Writer
    start_at: float
    epoch: int
    info: StreamInfo
    origin: int  # source dts of the first packet
    last_dts: int = 0  # relative to origin
    step: int = 0


@dataclass(frozen=True)
class Finished:
    id: int
    name: str
    end_at: float
    size: int
    frames: int
    sha256: str


@dataclass
class SegmentStats:
    segments: int = 0
    bytes: int = 0
    errors: int = 0
    last_error: str | None = None
    disk_full: bool = False
    current_start: float | None = None
    last_packet_at: float | None = None


class SegmentRecorder:
    """Fed from one thread (its shard); `stats` may be read from anywhere."""

    def __init__(
        self,
        camera_id: str,
        role: str,
        root: Path,
        index: SegmentIndex,
        segment_seconds: float,
        run_id: str,
        *,
        on_disk_full: Callable[[], None] | None = None,
        opener: Callable[[Path], BinaryIO] | None = None,
    ) -> None:
        self.camera_id = camera_id
        self.role = role
        self.root = root
        self.index = index
        self.segment_seconds = segment_seconds
        self.run_id = run_id
        self.stats = SegmentStats()
        self._current: OpenSegment | None = None
        self._unregistered: list[Finished] = []
        self._paused_until = 0.0
        self._on_disk_full = on_disk_full
        self._opener = opener or (lambda path: path.open("xb", buffering=0))

    @property
    def current_id(self) -> int | None:
        return self._current.id if self._current else None

    def feed(self, packet: MediaPacket) -> None:
        self.stats.last_packet_at = packet.wallclock
        seg = self._current
        ts = packet.dts if packet.dts is not None else packet.pts
        if ts is None:
            return  # RTSP always timestamps; an untimed packet cannot be placed in a file
        if seg is not None:
            rel = ts - seg.origin
            if (
                packet.epoch != seg.epoch
                or rel <= seg.last_dts
                or (rel - seg.last_dts) * packet.time_base > MAX_STEP_S
            ):
                self.cut()  # reconnect or broken timing: the file must not span it
            elif packet.keyframe and rel * packet.time_base >= self.segment_seconds:
                self.cut()
        if self._current is None:
            if not packet.keyframe or packet.info is None:
                return
            if time.monotonic() < self._paused_until:
                return
            if not self._open(packet, ts, packet.info):
                return
        self._write(packet, ts)

    def cut(self) -> None:
        """End the current segment now (the next one starts at the next keyframe)."""
        seg, self._current = self._current, None
        self.stats.current_start = None
        if seg is None:
            self._register()
            return
        try:
            seg.writer.close()
            seg.handle.flush()
            os.fsync(seg.handle.fileno())
            seg.handle.close()
            sha256 = seg.sink.sha256()
            size = seg.sink.written
            if sha256 is None:
                sha256, size = file_digest(seg.path)
            end_at = seg.start_at + float((seg.last_dts + seg.step) * seg.info.time_base)
        except Exception as exc:  # disk full or I/O error while finishing the file
            self._failed(seg, exc)
            return
        self._unregistered.append(
            Finished(seg.id, seg.path.name, end_at, size, seg.writer.frames, sha256)
        )
        self._register()

    def _register(self) -> None:
        """Mark finished segments `complete`; a database error is retried at the next cut
        (until then the row stays `writing`, and a restart would recover it the same way)."""
        while self._unregistered:
            done = self._unregistered[0]
            try:
                self.index.finish(
                    done.id,
                    end_at=done.end_at,
                    size=done.size,
                    frames=done.frames,
                    sha256=done.sha256,
                )
            except Exception as exc:
                self._note_error(f"could not register segment {done.name}: {exc}")
                return
            self._unregistered.pop(0)
            self.stats.segments += 1
            self.stats.bytes += done.size

    def _open(self, packet: MediaPacket, ts: int, info: StreamInfo) -> bool:
        start = packet.wallclock
        stamp = datetime.fromtimestamp(start, UTC).strftime("%Y%m%dT%H%M%S.%f")[:-3] + "Z"
        folder = Path("segments", self.camera_id, stamp[:8])
        name = f"{self.camera_id}-{self.role}-{stamp}"
        rel = folder / f"{name}.mp4"
        for n in range(1, 100):  # the same millisecond again (a replayed or restarted stream)
            if not (self.root / rel).exists():
                break
            rel = folder / f"{name}-{n}.mp4"
        path = self.root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            segment_id = self.index.begin(
                NewSegment(
                    camera_id=self.camera_id,
                    role=self.role,
                    start_at=start,
                    path=str(rel),
                    timeline=f"{self.run_id}:{packet.epoch}",
                    ts_origin=ts,
                    time_base=str(packet.time_base),
                    codec=info.codec,
                    width=info.width,
                    height=info.height,
                )
            )
        except Exception as exc:
            self._note_error(f"cannot start a segment: {exc}")
            self._pause(exc)
            return False
        try:
            handle = self._opener(path)
            fsync_dir(path.parent)
            sink = CountingFile(handle)
            writer = Mp4Writer(sink, info, Fraction(packet.time_base), movflags=FRAGMENTED)
        except OSError as exc:
            self.index.forget([segment_id])
            self._note_error(f"cannot create {path}: {exc}")
            self._pause(exc)
            return False
        self._current = OpenSegment(
            segment_id, path, handle, sink, writer, start, packet.epoch, info, ts
        )
        self.stats.current_start = start
        return True

    def _write(self, packet: MediaPacket, ts: int) -> None:
        seg = self._current
        assert seg is not None
        rel = ts - seg.origin
        pts = (packet.pts if packet.pts is not None else ts) - seg.origin
        try:
            seg.writer.write(packet, pts, rel)
        except Exception as exc:  # OSError (disk) or an FFmpeg error on bad data
            self._current = None
            self.stats.current_start = None
            self._failed(seg, exc)
            return
        if seg.writer.frames > 1:
            seg.step = rel - seg.last_dts
        seg.last_dts = rel

    def _failed(self, seg: OpenSegment, exc: Exception) -> None:
        """A write failed (disk full, I/O error): keep the readable prefix, never a torn file."""
        seg.writer.abandon()
        with contextlib.suppress(OSError):
            seg.handle.close()
        reason = "disk full" if _disk_full(exc) else f"write error: {exc}"
        self._note_error(f"segment {seg.path.name}: {reason}; kept its readable prefix")
        try:
            repair_segment(self.index, self.root, seg.id, seg.path, seg.start_at, reason)
        except Exception as repair_exc:
            log.error("camera %s: could not repair %s: %s", self.camera_id, seg.path, repair_exc)
        self._pause(exc)

    def _pause(self, exc: BaseException) -> None:
        if _disk_full(exc):
            self.stats.disk_full = True
            self._paused_until = time.monotonic() + DISK_FULL_PAUSE_S
            if self._on_disk_full is not None:
                self._on_disk_full()
        else:
            self._paused_until = time.monotonic() + 1.0

    def resume(self) -> None:
        """Space was freed: start again at the next keyframe."""
        self.stats.disk_full = False
        self._paused_until = 0.0

    def _note_error(self, message: str) -> None:
        self.stats.errors += 1
        if message != self.stats.last_error:
            log.warning("camera %s recording: %s", self.camera_id, message)
        self.stats.last_error = message

    def close(self) -> None:
        self.cut()


def _disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
