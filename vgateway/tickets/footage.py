"""A ticket's footage: clips requested from recording, linked to the ticket, and held.

While a ticket is open, a recording hold (no expiry) covers each linked range, so retention
never deletes the segments or clips behind it. When the ticket is closed the holds are
replaced by ones that expire `hold_after_close_days` later.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from vgateway.errors import GatewayError, NotFound
from vgateway.recording import ClipRow, JobStatus, RecordingService
from vgateway.recording.clips import ClipOrder
from vgateway.tickets.store import TicketStore

log = logging.getLogger(__name__)
DAY_S = 86400.0


@dataclass(frozen=True)
class Captured:
    clip_id: str | None  # the clip job (= clip id), None when no clip could be requested
    hold_id: int | None
    error: str | None = None


class TicketFootage:
    def __init__(
        self, store: TicketStore, recording: RecordingService | None, keep_after_close_days: float
    ) -> None:
        self.store = store
        self.recording = recording
        self.keep_after_close_s = keep_after_close_days * DAY_S
        self._tasks: set[asyncio.Task[None]] = set()

    def rolls(self, camera_id: str) -> tuple[float, float]:
        """The camera's configured event pre- and post-roll (0, 0 without recording)."""
        plan = self.recording.plans.get(camera_id) if self.recording else None
        return (plan.pre_roll_s, plan.post_roll_s) if plan else (0.0, 0.0)

    async def hold(
        self, ticket_id: str, camera_id: str, start: float, end: float, by: str
    ) -> int | None:
        if self.recording is None:
            return None
        return await asyncio.to_thread(
            self.recording.add_hold,
            camera_id,
            start,
            end,
            reason=f"ticket {ticket_id}",
            created_by=by,
            ticket_id=ticket_id,
        )

    async def capture(
        self,
        ticket_id: str,
        camera_id: str,
        start: float,
        end: float,
        *,
        by: str,
        reason: str,
        event_id: str | None = None,
    ) -> Captured:
        """Hold [start, end] and request its clip for the ticket; the clip is linked at once
        (pending) and marked ready or failed when its job ends."""
        if self.recording is None:
            return Captured(None, None, "recording is not running")
        hold_id = await self.hold(ticket_id, camera_id, start, end, by)
        order = ClipOrder(
            camera_id=camera_id,
            start=start,
            end=end,
            reason=reason,
            created_by=by,
            ticket_id=ticket_id,
            event_id=event_id,
        )
        try:
            job = self.recording.submit_clip(order)
        except GatewayError as exc:
            await asyncio.to_thread(
                self.store.add_note, ticket_id, by, f"no clip: {exc}", kind="clip", notify=False
            )
            return Captured(None, hold_id, str(exc))
        await asyncio.to_thread(
            self.store.add_clip,
            ticket_id,
            job.id,
            camera_id,
            start,
            end,
            added_by=by,
            hold_id=hold_id,
        )
        task = asyncio.create_task(self._finish(ticket_id, job.id), name=f"ticket-clip-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return Captured(job.id, hold_id)

    async def _finish(self, ticket_id: str, clip_id: str) -> None:
        assert self.recording is not None
        job = self.recording.clips.jobs.get(clip_id)
        if job is None:
            return
        await job.finished.wait()
        ready = job.status is JobStatus.ready
        await asyncio.to_thread(
            self.store.clip_done, ticket_id, clip_id, "ready" if ready else "failed", job.error
        )

    async def clip(self, clip_id: str) -> ClipRow:
        """A finished clip; NotFound otherwise."""
        if self.recording is None:
            raise NotFound("recording is not running")
        row = await asyncio.to_thread(self.recording.store.get, clip_id)
        if row is None or row.status != "ready":
            raise NotFound(f"no ready clip {clip_id!r}")
        return row

    async def link_existing(self, ticket_id: str, clip_id: str, by: str) -> ClipRow:
        """Link a clip made before (playback page, recording API) and hold its range."""
        row = await self.clip(clip_id)
        hold_id = await self.hold(
            ticket_id, row.camera_id, row.requested_start, row.requested_end, by
        )
        await asyncio.to_thread(
            self.store.add_clip,
            ticket_id,
            row.id,
            row.camera_id,
            row.requested_start,
            row.requested_end,
            added_by=by,
            hold_id=hold_id,
            status="ready",
        )
        return row

    def release_on_close(self, ticket_id: str, closed_at: float) -> int:
        """Replace the ticket's open-ended holds by ones that expire after the keep period
        (blocking). Returns how many were replaced."""
        if self.recording is None:
            return 0
        until = closed_at + self.keep_after_close_s
        replaced = 0
        for hold in self.recording.index.holds(ticket_id=ticket_id):
            if hold.until is not None and hold.until >= until:
                continue
            self.recording.add_hold(
                hold.camera_id,
                hold.start_at,
                hold.end_at,
                reason=f"{hold.reason} (closed; kept until {until:.0f})",
                created_by=hold.created_by,
                ticket_id=ticket_id,
                until=until,
            )
            self.recording.release_hold(hold.id)
            replaced += 1
        return replaced

    def reconcile(self) -> int:
        """At start: settle clips left pending by a stop or crash (blocking)."""
        if self.recording is None:
            return 0
        settled = 0
        for ticket_id, clip_id in self.store.pending_clips():
            row = self.recording.store.get(clip_id)
            if row is not None and row.status == "writing":
                continue  # recording's own recovery settles it; checked again next start
            status = "ready" if row is not None and row.status == "ready" else "failed"
            error = None if status == "ready" else (row.error if row else "clip is gone")
            self.store.clip_done(ticket_id, clip_id, status, error)
            settled += 1
        return settled

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
