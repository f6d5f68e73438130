"""The per-camera pre-roll buffer: recent encoded packets in memory, whole GOPs only.

It always starts on a keyframe, holds at least `keep_s` seconds when memory allows, and never
more than `max_bytes`. A clip request takes a `Capture`: a copy of the buffered past from the
keyframe at or before the clip's start, then every new packet until the clip's end has passed,
so an event clip gets its pre-roll even with continuous recording off.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from vgateway.media import MediaPacket

CAPTURE_MAX_BYTES = 256 * 1024 * 1024


class Capture:
    """Packets for one clip; filled by the buffer's feeder thread, read once `done` is set."""

    def __init__(self, start: float, end: float, max_bytes: int = CAPTURE_MAX_BYTES) -> None:
        self.start = start
        self.end = end
        self.max_bytes = max_bytes
        self.packets: list[MediaPacket] = []
        self.bytes = 0
        self.overflowed = False
        self.done = threading.Event()

    def _add(self, packet: MediaPacket) -> None:
        # Called with the buffer's lock held.
        if packet.wallclock > self.end:
            self.done.set()
            return
        if self.bytes + packet.size > self.max_bytes:
            self.overflowed = True
            self.done.set()
            return
        self.packets.append(packet)
        self.bytes += packet.size

    @property
    def newest(self) -> float | None:
        return self.packets[-1].wallclock if self.packets else None

    def wait(self, timeout: float) -> bool:
        return self.done.wait(timeout)


@dataclass(frozen=True)
class BufferStats:
    packets: int
    bytes: int
    seconds: float
    oldest: float | None
    newest: float | None


class PrerollBuffer:
    def __init__(self, keep_s: float, max_bytes: int) -> None:
        self.keep_s = keep_s
        self.max_bytes = max_bytes
        self._gops: deque[list[MediaPacket]] = deque()
        self._bytes = 0
        self._epoch: int | None = None
        self._captures: list[Capture] = []
        self._lock = threading.Lock()

    def push(self, packet: MediaPacket) -> None:
        """Feeder thread: add one packet (dropped until the first keyframe of an epoch)."""
        with self._lock:
            if packet.epoch != self._epoch:
                # New upstream connection: old GOPs stay (still valid footage), but a GOP may
                # only continue within its own epoch.
                self._epoch = packet.epoch
                if not packet.keyframe:
                    self._feed_captures(packet)
                    return
            if packet.keyframe:
                self._gops.append([packet])
            elif self._gops and self._gops[-1][-1].epoch == packet.epoch:
                self._gops[-1].append(packet)
            else:
                self._feed_captures(packet)
                return
            self._bytes += packet.size
            self._trim(packet.wallclock)
            self._feed_captures(packet)

    def _trim(self, newest: float) -> None:
        gops = self._gops
        while len(gops) > 1 and gops[1][0].wallclock <= newest - self.keep_s:
            self._drop_oldest()
        while self._bytes > self.max_bytes and gops:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        gop = self._gops.popleft()
        self._bytes -= sum(p.size for p in gop)

    def _feed_captures(self, packet: MediaPacket) -> None:
        if not self._captures:
            return
        for capture in self._captures:
            capture._add(packet)
        self._captures = [c for c in self._captures if not c.done.is_set()]

    def capture(self, start: float, end: float, max_bytes: int = CAPTURE_MAX_BYTES) -> Capture:
        """Start collecting packets for a clip of [start, end] (wall-clock unix times)."""
        capture = Capture(start, end, max_bytes)
        with self._lock:
            gops = list(self._gops)
            first = 0
            for index, gop in enumerate(gops):
                if gop[0].wallclock <= start:
                    first = index
            for gop in gops[first:]:
                for packet in gop:
                    capture._add(packet)
            if not capture.done.is_set():
                self._captures.append(capture)
        return capture

    def cancel(self, capture: Capture) -> None:
        with self._lock:
            if capture in self._captures:
                self._captures.remove(capture)
        capture.done.set()

    def stats(self) -> BufferStats:
        with self._lock:
            if not self._gops:
                return BufferStats(0, 0, 0.0, None, None)
            oldest = self._gops[0][0].wallclock
            newest = self._gops[-1][-1].wallclock
            count = sum(len(g) for g in self._gops)
            return BufferStats(count, self._bytes, newest - oldest, oldest, newest)

    def close(self) -> None:
        with self._lock:
            captures, self._captures = self._captures, []
            self._gops.clear()
            self._bytes = 0
        for capture in captures:
            capture.done.set()
