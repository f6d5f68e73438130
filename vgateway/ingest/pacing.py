"""Reading a live stream once per frame instead of once per network packet.

A thread blocked in FFmpeg's RTSP read wakes whenever bytes arrive. A frame travels as several
RTP packets, and when the machine is busy the camera's burst arrives spread out, so the thread
can wake several times per frame (ingest threads made five context switches per frame under
`bench/detect_load.py`, network waits and the GIL together). With 119 cameras those switches are
a large part of ingest's CPU.

`ReadPacer` says how long to sleep after a frame so that the next reads find their frames
already buffered: one wake per `frames` frames. It learns when frames arrive from reads that had
to wait (their frame completed while the thread watched): the smallest `arrival - timestamp` of
the last few seconds (the anchor) plus a timestamp is when that frame is due.
- A frame later than that is read as soon as it arrives (FFmpeg's read waits, as unpaced).
- A reader that has fallen behind finds frames buffered, so it does not sleep until caught up.
- Reads that found their frame buffered say nothing about arrival, so about once a second the
  sleep is skipped: the next read waits for its frame and keeps the anchor current when the
  camera's clock runs faster or slower than ours.
Measured with PyAV demux alone, 60 cameras beside 59 ffmpeg peers: 1.39 context switches per
frame unpaced, 1.05 with one frame per wake, 0.55 with two; CPU -8 % and -32 %.
The cost is added delay: at most `MARGIN_S` with one frame per wake, plus a frame interval for
each further frame per wake. Frames handed on in pairs also make a live player stutter
(`bench/live.py`: WebRTC glass-to-glass p95 157-271 ms against 86-92 ms, a fifth of the frames
not shown), so `RtspSource.pump` reads a watched stream one frame per wake whatever `frames`
says.
"""

from __future__ import annotations

import math

MARGIN_S = 0.004  # past the earliest arrival, so the burst has landed
WAITED_S = 0.001  # a read that took longer saw its frame arrive
WINDOW_S = 2.0  # the anchor is the earliest arrival of the last one to two windows
PROBE_S = 1.0  # this often one sleep is skipped, to observe an arrival
MAX_STEP_S = 0.5  # a longer gap between timestamps is a jump (or a slideshow): start over
MAX_WAIT_S = 0.1  # the thread still checks for shutdown this often
MIN_WAIT_S = 0.001  # a shorter sleep would cost more than the wake it saves


class ReadPacer:
    """One per open connection; tell it about every packet, in read order."""

    __slots__ = ("_current", "_earlier", "_last", "_probe_at", "_reads", "_window_end", "frames")

    def __init__(self, frames: int = 1) -> None:
        if frames < 1:
            raise ValueError("a pacer reads at least one frame per wake")
        self.frames = frames
        self._earlier = math.inf  # earliest arrival - timestamp, previous window
        self._current = math.inf  # the same, this window
        self._window_end = -math.inf
        self._probe_at = -math.inf
        self._last: float | None = None  # the previous packet's timestamp
        self._reads = 0

    def wait_after(self, stamp: float | None, started: float, now: float) -> float:
        """Seconds to sleep before the next read, after a read that began at `started` and
        returned at `now` (monotonic seconds) a packet stamped `stamp` (stream seconds, decode
        order); 0 to read at once."""
        last, self._last = self._last, stamp
        if stamp is None or last is None:
            return 0.0
        step = stamp - last
        if not 0 < step <= MAX_STEP_S:  # timestamps jumped, or repeat: learn afresh
            self._earlier = self._current = math.inf
            return 0.0
        if now >= self._window_end:
            self._earlier, self._current = self._current, math.inf
            self._window_end = now + WINDOW_S
        if now - started > WAITED_S:  # this frame's arrival was observed
            self._current = min(self._current, now - stamp)
        self._reads += 1
        if self._reads % self.frames:  # mid-batch: the next frame is already buffered
            return 0.0
        if now >= self._probe_at:
            self._probe_at = now + PROBE_S
            return 0.0
        anchor = min(self._earlier, self._current)
        due = anchor + stamp + self.frames * step  # the last frame of the next batch
        wait = due + MARGIN_S - now  # inf - now stays inf: no sleep below
        if not MIN_WAIT_S <= wait < math.inf:
            return 0.0
        return min(wait, MAX_WAIT_S)
