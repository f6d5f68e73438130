"""Clip requests: validate, capture live packets, wait for the post-roll, write in a thread."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vgateway.config import NetworkConfig
from vgateway.errors import BadRequest, NotFound
from vgateway.evidence import SigningKey
from vgateway.recording.assemble import Sourced
from vgateway.recording.buffer import Capture
from vgateway.recording.clipstore import ClipRow, ClipStore, NewClip
from vgateway.recording.clipwriter import ClipRequest, NoFootage, write_clip
from vgateway.recording.index import SegmentIndex
from vgateway.recording.jobs import ClipJob, JobStatus, JobTable
from vgateway.recording.reader import read_segment
from vgateway.recording.recorder import CameraRecorder
from vgateway.recording.settings import CameraPlan, RecordingSettings

log = logging.getLogger(__name__)

CAPTURE_GRACE_S = 5.0  # after the range's end, how long to wait for a late or stalled camera
MAX_PARALLEL_WRITES = 2


@dataclass(frozen=True)
class ClipOrder:
    camera_id: str
    start: float
    end: float
    reason: str
    created_by: str
    ticket_id: str | None = None
    event_id: str | None = None
    detector: str | None = None
    detector_version: str | None = None


class ClipService:
    def __init__(
        self,
        root: Path,
        config: NetworkConfig,
        settings: RecordingSettings,
        plans: dict[str, CameraPlan],
        index: SegmentIndex,
        store: ClipStore,
        recorders: Callable[[str], CameraRecorder | None],
        run_id: str,
    ) -> None:
        self.root, self.config, self.settings, self.plans = root, config, settings, plans
        self.index, self.store, self.recorders, self.run_id = index, store, recorders, run_id
        self.key: SigningKey | None = None
        self.jobs = JobTable()
        self._in_use: Counter[str] = Counter()
        self._in_use_lock = threading.Lock()
        self._writes = asyncio.Semaphore(MAX_PARALLEL_WRITES)
        self._tasks: dict[asyncio.Task[None], ClipJob] = {}

    def in_use(self) -> set[str]:
        """Segment paths being read by a clip right now (retention leaves them alone)."""
        with self._in_use_lock:
            return {path for path, count in self._in_use.items() if count > 0}

    def submit(self, order: ClipOrder) -> ClipJob:
        """Validate and start a clip job; the API answers 202 with it."""
        try:
            camera = self.config.camera(order.camera_id)
        except KeyError:
            raise NotFound(f"no camera with id {order.camera_id!r}") from None
        plan = self.plans[camera.id]
        if order.end <= order.start:
            raise BadRequest("end must be after start")
        if order.end - order.start > self.settings.max_clip_seconds:
            raise BadRequest(
                f"a clip may be at most {self.settings.max_clip_seconds:.0f} s long "
                f"(asked for {order.end - order.start:.0f} s)"
            )
        now = time.time()
        if order.end > now + self.settings.max_clip_seconds:
            raise BadRequest("end is too far in the future")
        recorder = self.recorders(camera.id)
        if recorder is None and not self.index.overlapping(camera.id, order.start, order.end):
            raise BadRequest(f"camera {camera.id} is not recorded (mode {plan.mode.value})")
        stamp = datetime.fromtimestamp(order.start, UTC).strftime("%Y%m%dT%H%M%SZ")
        job = ClipJob(
            f"{camera.id}-{stamp}-{secrets.token_hex(3)}", camera.id, order.start, order.end
        )
        # Take the buffered past now: waiting would let the buffer drop the pre-roll.
        capture = recorder.buffer.capture(order.start, order.end) if recorder else None
        self.jobs.add(job)
        task = asyncio.create_task(self._run(job, order, plan, camera.name, capture, recorder))
        self._tasks[task] = job
        task.add_done_callback(lambda done: self._tasks.pop(done, None))
        return job

    async def _run(
        self,
        job: ClipJob,
        order: ClipOrder,
        plan: CameraPlan,
        camera_name: str,
        capture: Capture | None,
        recorder: CameraRecorder | None,
    ) -> None:
        try:
            new = NewClip(
                id=job.id,
                camera_id=order.camera_id,
                role=plan.role,
                requested_start=order.start,
                requested_end=order.end,
                path=f"clips/{job.id}.mp4",
                reason=order.reason,
                ticket_id=order.ticket_id,
                event_id=order.event_id,
                created_by=order.created_by,
            )
            await asyncio.to_thread(self.store.create, new)
            if capture is not None and recorder is not None:
                await self._wait_for_end(job, capture)
                recorder.buffer.cancel(capture)
                if capture.overflowed:
                    job.note = "the range was longer than the live capture could hold; cut short"
            job.status, job.progress = JobStatus.writing, 0.0
            row = await asyncio.to_thread(self.store.get, job.id)
            assert row is not None and self.key is not None
            request = ClipRequest(row, camera_name, order.detector, order.detector_version)
            async with self._writes:
                job.clip = clip = await asyncio.to_thread(self._write, job, request, capture)
            if clip.start_at is not None and clip.start_at > order.start + 0.5:
                job.note = (
                    f"footage starts {clip.start_at - order.start:.1f} s after the requested "
                    "start: nothing older was recorded or buffered"
                )
            job.status, job.progress = JobStatus.ready, 1.0
            job.finished.set()
        except asyncio.CancelledError:
            job.fail("the gateway stopped before the clip was written")
            await asyncio.to_thread(self.store.fail, job.id, job.error or "")
            raise
        except Exception as exc:
            if not isinstance(exc, NoFootage):
                log.exception("clip %s failed", job.id)
            job.fail(str(exc))
            try:
                await asyncio.to_thread(self.store.fail, job.id, str(exc))
            except Exception:
                log.exception("clip %s: could not record the failure", job.id)

    async def _wait_for_end(self, job: ClipJob, capture: Capture) -> None:
        deadline = max(0.0, capture.end - time.time()) + CAPTURE_GRACE_S
        started = time.monotonic()
        span = max(capture.end - capture.start, 1e-6)
        while not capture.done.is_set() and time.monotonic() - started < deadline:
            newest = capture.newest
            if newest is not None:
                job.progress = min(1.0, max(0.0, (newest - capture.start) / span))
            await asyncio.sleep(0.1)
        if not capture.done.is_set():
            job.note = "the camera delivered nothing up to the end of the range; clip cut short"

    def _write(self, job: ClipJob, request: ClipRequest, capture: Capture | None) -> ClipRow:
        clip = request.clip
        segments = self.index.overlapping(
            clip.camera_id, clip.requested_start, clip.requested_end, include_writing=True
        )
        paths = [s.path for s in segments]
        with self._in_use_lock:
            self._in_use.update(paths)
        try:
            live: Iterator[Sourced] = (
                (f"{self.run_id}:{p.epoch}", p) for p in (capture.packets if capture else [])
            )
            sources = itertools.chain(*(read_segment(s, self.root) for s in segments), live)
            assert self.key is not None

            def progress(value: float) -> None:
                job.progress = value

            return write_clip(self.root, self.store, self.key, request, sources, progress)
        finally:
            with self._in_use_lock:
                self._in_use.subtract(paths)

    async def stop(self) -> None:
        """Fail jobs still waiting for their post-roll; let clips being written finish."""
        for task, job in list(self._tasks.items()):
            if job.status == JobStatus.waiting:
                task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=30)
