"""Reading the hub for recording: one subscription per camera, drained by a few shard threads.

A thread per camera would mean 119 threads waking 25 times a second each; a handful of threads
polling every 50 ms drain a few packets per camera per pass instead. The hub's queue (bounded)
absorbs the wait; a camera whose queue overflowed was skipped to a keyframe by the hub, and its
segment is cut there so no file hides a gap.
"""

from __future__ import annotations

import logging
import threading
import time

from vgateway.hub import Hub, Subscription, SubscriptionClosed
from vgateway.recording.buffer import PrerollBuffer
from vgateway.recording.segmenter import SegmentRecorder
from vgateway.recording.settings import CameraPlan

log = logging.getLogger(__name__)

POLL_S = 0.05
MAX_BATCH = 200  # packets per camera per pass, so one busy camera cannot starve its shard
QUEUE_PACKETS = 500


class CameraRecorder:
    def __init__(
        self, plan: CameraPlan, buffer: PrerollBuffer, segments: SegmentRecorder | None
    ) -> None:
        self.plan = plan
        self.buffer = buffer
        self.segments = segments
        self._sub: Subscription | None = None
        self._skips = 0
        self.packets = 0

    @property
    def camera_id(self) -> str:
        return self.plan.camera_id

    def start(self, hub: Hub) -> None:
        self._sub = hub.subscribe(self.camera_id, self.plan.role, "recording", QUEUE_PACKETS)

    def drain(self) -> int:
        """Move queued packets into the buffer and the segment; returns how many."""
        sub = self._sub
        if sub is None or not len(sub):
            return 0
        count = 0
        try:
            while count < MAX_BATCH:
                packet = sub.get_blocking(0)
                if packet is None:
                    break
                if sub.skips != self._skips:
                    self._skips = sub.skips
                    if self.segments is not None:
                        self.segments.cut()
                self.buffer.push(packet)
                if self.segments is not None:
                    self.segments.feed(packet)
                count += 1
        except SubscriptionClosed:
            self._sub = None
        self.packets += count
        return count

    def stop(self) -> None:
        if self._sub is not None:
            self._sub.close()
            self._sub = None
        if self.segments is not None:
            self.segments.close()
        self.buffer.close()


class RecorderPool:
    """Shard threads that drain their cameras' subscriptions."""

    def __init__(self, threads: int, poll_s: float = POLL_S) -> None:
        self._shards: list[list[CameraRecorder]] = [[] for _ in range(max(1, threads))]
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def add(self, recorder: CameraRecorder) -> None:
        with self._lock:
            min(self._shards, key=len).append(recorder)

    def recorders(self) -> list[CameraRecorder]:
        with self._lock:
            return [r for shard in self._shards for r in shard]

    def start(self) -> None:
        for number, shard in enumerate(self._shards):
            thread = threading.Thread(
                target=self._run, args=(shard,), name=f"recording-{number}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _run(self, shard: list[CameraRecorder]) -> None:
        failing: set[str] = set()
        while not self._stop.is_set():
            busy = 0
            with self._lock:
                recorders = list(shard)
            for recorder in recorders:
                try:
                    busy += recorder.drain()
                    failing.discard(recorder.camera_id)
                except Exception:
                    if recorder.camera_id not in failing:  # log once per failure streak
                        failing.add(recorder.camera_id)
                        log.exception("camera %s: recording failed", recorder.camera_id)
                    time.sleep(0.01)
            if not busy:
                self._stop.wait(self._poll_s)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        for recorder in self.recorders():
            try:
                recorder.stop()
            except Exception:
                log.exception("camera %s: recording did not stop cleanly", recorder.camera_id)
