"""RecordingService: the recording feature's one object, started and stopped by its component.

Owns the recorders (buffer + segments per camera), the clip service, retention and the disk
check. Other packages call `create_clip` (event pipeline), `add_hold`/`release_hold` (tickets)
and read `status()`; the API routes call the same methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from vgateway.config import NetworkConfig
from vgateway.errors import GatewayError
from vgateway.evidence import PUBLIC_KEY_NAME, SigningKey
from vgateway.hub import Hub
from vgateway.recording.buffer import PrerollBuffer
from vgateway.recording.clips import ClipOrder, ClipService
from vgateway.recording.clipstore import ClipRow, ClipStore
from vgateway.recording.disk import DiskStatus, disk_status
from vgateway.recording.index import SegmentIndex
from vgateway.recording.jobs import ClipJob, JobStatus
from vgateway.recording.paths import CLIPS
from vgateway.recording.recorder import CameraRecorder, RecorderPool
from vgateway.recording.recovery import recover
from vgateway.recording.retention import Retention, RetentionReport
from vgateway.recording.segmenter import SegmentRecorder
from vgateway.recording.settings import RecordingSettings

log = logging.getLogger(__name__)


class ClipFailed(GatewayError):
    status = 422
    code = "clip_failed"


@dataclass(frozen=True)
class Maintenance:
    at: float
    retention: RetentionReport
    disk: DiskStatus


class RecordingService:
    def __init__(
        self,
        config: NetworkConfig,
        engine: Engine,
        hub: Hub,
        settings: RecordingSettings,
        data_dir: Path,
    ) -> None:
        self.config = config
        self.hub = hub
        self.settings = settings
        self.data_dir = data_dir
        root = Path(settings.storage_dir)
        self.root = root if root.is_absolute() else data_dir / root
        self.index = SegmentIndex(engine)
        self.store = ClipStore(engine)
        self.plans = {camera.id: settings.plan(camera) for camera in config.cameras}
        self.run_id = secrets.token_hex(4)
        self.recorders: dict[str, CameraRecorder] = {}
        self.pool = RecorderPool(settings.writer_threads)
        self.clips = ClipService(
            self.root,
            config,
            settings,
            self.plans,
            self.index,
            self.store,
            self.recorders.get,
            self.run_id,
        )
        self.retention = Retention(
            self.root,
            self.index,
            self.store,
            settings,
            {c: p.retention_days for c, p in self.plans.items()},
            self.clips.in_use,
        )
        self.last: Maintenance | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def clips_dir(self) -> Path:
        return self.root / CLIPS

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for camera_id in self.settings.unknown_cameras(self.config):
            log.warning("recording.cameras.%s: no camera with this id", camera_id)
        await asyncio.to_thread(self._prepare)
        for plan in self.plans.values():
            if not plan.buffered:
                continue
            buffer = PrerollBuffer(
                plan.pre_roll_s + self.settings.buffer_extra_s, self.settings.pre_roll_max_bytes
            )
            segments = None
            if plan.continuous:
                segments = SegmentRecorder(
                    plan.camera_id,
                    plan.role,
                    self.root,
                    self.index,
                    self.settings.segment_seconds,
                    self.run_id,
                    on_disk_full=self._disk_full,
                )
            recorder = CameraRecorder(plan, buffer, segments)
            recorder.start(self.hub)
            self.recorders[plan.camera_id] = recorder
            self.pool.add(recorder)
        self.pool.start()
        self._task = asyncio.create_task(self._maintain(), name="recording-maintenance")
        modes: dict[str, int] = {}
        for plan in self.plans.values():
            modes[plan.mode.value] = modes.get(plan.mode.value, 0) + 1
        log.info("recording started in %s: %s", self.root, modes)

    def _prepare(self) -> None:
        self.clips_dir.mkdir(parents=True, exist_ok=True)
        recover(self.root, self.index, self.store)
        key = SigningKey.load_or_create(self.data_dir / "keys")
        key.export_public(self.clips_dir / PUBLIC_KEY_NAME)
        self.clips.key = key
        self.last = Maintenance(time.time(), RetentionReport(), self._disk())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.clips.stop()
        await asyncio.to_thread(self.pool.stop)

    # -- maintenance -----------------------------------------------------------------------------
    def _disk_full(self) -> None:
        """Called from a recorder thread: run retention now rather than at the next interval."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def _maintain(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.retention_interval_s)
            self._wake.clear()
            try:
                await asyncio.to_thread(self.maintain_once)
            except Exception:
                log.exception("recording maintenance failed")

    def maintain_once(self) -> Maintenance:
        """Finish interrupted deletions, apply retention, refresh the disk status (blocking)."""
        recover(self.root, self.index, self.store, startup=False)
        report = self.retention.run(time.time())
        for recorder in self.recorders.values():
            if recorder.segments and recorder.segments.stats.disk_full and report.freed_bytes:
                recorder.segments.resume()
        self.last = Maintenance(time.time(), report, self._disk(blocked=report.blocked))
        for warning in self.last.disk.warnings:
            log.warning("recording: %s", warning)
        return self.last

    def _disk(self, blocked: bool = False) -> DiskStatus:
        paused = sum(
            1 for r in self.recorders.values() if r.segments and r.segments.stats.disk_full
        )
        used = sum(self.index.usage_bytes().values())
        return disk_status(self.root, used, self.settings, paused_cameras=paused, blocked=blocked)

    # -- clips -----------------------------------------------------------------------------------
    def submit_clip(self, order: ClipOrder) -> ClipJob:
        return self.clips.submit(order)

    async def create_clip(
        self,
        camera_id: str,
        start: float,
        end: float,
        *,
        pre_roll: float | None = None,
        post_roll: float | None = None,
        ticket_id: str | None = None,
        event_id: str | None = None,
        created_by: str,
        reason: str = "event",
        detector: str | None = None,
        detector_version: str | None = None,
    ) -> ClipRow:
        """Clip of [start - pre_roll, end + post_roll] (None: the camera's configured rolls;
        pass 0 for an exact range). Waits for the post-roll to be recorded, then for the file."""
        plan = self.plans.get(camera_id)
        pre = pre_roll if pre_roll is not None else (plan.pre_roll_s if plan else 0.0)
        post = post_roll if post_roll is not None else (plan.post_roll_s if plan else 0.0)
        order = ClipOrder(
            camera_id=camera_id,
            start=start - pre,
            end=end + post,
            reason=reason,
            created_by=created_by,
            ticket_id=ticket_id,
            event_id=event_id,
            detector=detector,
            detector_version=detector_version,
        )
        job = self.submit_clip(order)
        await job.finished.wait()
        if job.status != JobStatus.ready or job.clip is None:
            raise ClipFailed(f"clip {job.id}: {job.error}")
        return job.clip

    # -- holds (for tickets and cases) -----------------------------------------------------------
    def add_hold(
        self,
        camera_id: str,
        start: float,
        end: float,
        *,
        reason: str,
        created_by: str,
        ticket_id: str | None = None,
        until: float | None = None,
    ) -> int:
        """Protect a camera's footage in [start, end] from retention until `until` (None: until
        released). Blocking (one INSERT)."""
        return self.index.add_hold(
            camera_id,
            start,
            end,
            reason=reason,
            created_by=created_by,
            ticket_id=ticket_id,
            until=until,
        )

    def release_hold(self, hold_id: int) -> bool:
        return self.index.release_hold(hold_id)
