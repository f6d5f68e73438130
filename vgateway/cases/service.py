"""CaseService: cases, their clips (direct and through tickets), holds, investigators, exports."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from vgateway.auth.principal import Role
from vgateway.auth.service import AuthService
from vgateway.cases.export import README, ExportFile, ExportJob, ExportJobs, clip_files
from vgateway.cases.model import Case, CaseClip, CaseDetail, CaseEdit, CaseStatus
from vgateway.cases.store import CaseStore
from vgateway.errors import BadRequest, NotFound
from vgateway.recording import ClipRow, RecordingService
from vgateway.tickets import TicketService
from vgateway.tickets.footage import DAY_S


@dataclass(frozen=True)
class CaseClipRow:
    row: ClipRow
    via: str  # "case" or a ticket id


class CaseService:
    def __init__(
        self,
        store: CaseStore,
        tickets: TicketService,
        recording: RecordingService | None,
        auth: AuthService,
        exports: ExportJobs,
    ) -> None:
        self.store = store
        self.tickets = tickets
        self.recording = recording
        self.auth = auth
        self.exports = exports
        self.keep_after_close_s = tickets.settings.hold_after_close_days * DAY_S

    # -- reads ---------------------------------------------------------------------------------
    async def get(self, case_id: str) -> Case | None:
        return await asyncio.to_thread(self.store.get, case_id)

    async def listed(
        self, case_ids: frozenset[str] | None, status: CaseStatus | None
    ) -> list[Case]:
        return await asyncio.to_thread(self.store.listed, case_ids, status)

    def investigators(self, case_id: str) -> list[str]:
        users = self.auth.users
        return sorted(
            u.name
            for u in users.all_users()
            if u.role is Role.investigator and case_id in users.cases(u.name)
        )

    def clip_rows(self, case: Case) -> list[CaseClipRow]:
        """Every clip of the case (blocking): direct ones, then each ticket's."""
        if self.recording is None:
            return []
        store = self.recording.store
        found: dict[str, CaseClipRow] = {}
        for clip_id in case.clip_ids:
            row = store.get(clip_id)
            if row is not None:
                found[row.id] = CaseClipRow(row, "case")
        for ticket_id in case.ticket_ids:
            detail = self.tickets.store.detail(ticket_id)
            linked = [c.clip_id for c in detail.clips] if detail else []
            rows = [r for r in (store.get(i) for i in linked) if r is not None]
            rows += store.listed(ticket_id=ticket_id, limit=1000)
            for row in rows:
                found.setdefault(row.id, CaseClipRow(row, ticket_id))
        return sorted(found.values(), key=lambda c: (c.row.requested_start, c.row.id))

    async def detail(self, case: Case) -> CaseDetail:
        def build() -> CaseDetail:
            tickets = [t for t in (self.tickets.store.get(i) for i in case.ticket_ids) if t]
            clips = [
                CaseClip(
                    id=c.row.id,
                    camera_id=c.row.camera_id,
                    start=c.row.start_at,
                    end=c.row.end_at,
                    bytes=c.row.bytes,
                    status=c.row.status,
                    ticket_id=c.row.ticket_id,
                    via=c.via,
                )
                for c in self.clip_rows(case)
            ]
            return CaseDetail(
                **case.model_dump(),
                investigators=self.investigators(case.id),
                tickets=tickets,
                clips=clips,
            )

        return await asyncio.to_thread(build)

    async def clip(self, case: Case, clip_id: str) -> ClipRow:
        rows = await asyncio.to_thread(self.clip_rows, case)
        for item in rows:
            if item.row.id == clip_id and item.row.status == "ready":
                return item.row
        raise NotFound(f"no clip {clip_id!r} in case {case.id}")

    # -- changes -------------------------------------------------------------------------------
    async def create(self, title: str, description: str, *, author: str) -> Case:
        return await asyncio.to_thread(self.store.create, title, description, author=author)

    async def add(
        self, case: Case, ticket_ids: list[str], clip_ids: list[str], author: str
    ) -> None:
        for ticket_id in ticket_ids:
            if await self.tickets.get(ticket_id) is None:
                raise NotFound(f"no ticket {ticket_id!r}")
        rows = []
        for clip_id in clip_ids:
            rows.append(await self.tickets.footage.clip(clip_id))
        await asyncio.to_thread(self.store.add_tickets, case.id, ticket_ids, author)
        for row in rows:
            hold_id = None
            if self.recording is not None and case.status is CaseStatus.open:
                hold_id = await asyncio.to_thread(
                    self.recording.add_hold,
                    row.camera_id,
                    row.requested_start,
                    row.requested_end,
                    reason=f"case {case.id}",
                    created_by=author,
                    ticket_id=case.id,
                )
            added = await asyncio.to_thread(self.store.add_clip, case.id, row.id, hold_id, author)
            if not added and hold_id is not None and self.recording is not None:
                await asyncio.to_thread(self.recording.release_hold, hold_id)

    async def remove(self, case: Case, ticket_ids: list[str], clip_ids: list[str]) -> None:
        holds = await asyncio.to_thread(self.store.remove, case.id, ticket_ids, clip_ids)
        if self.recording is not None:
            for hold_id in holds:
                await asyncio.to_thread(self.recording.release_hold, hold_id)

    async def edit(self, case: Case, edit: CaseEdit) -> Case:
        fields: dict[str, Any] = edit.model_dump(exclude_none=True, mode="json")
        if case.status is CaseStatus.closed and fields.get("status") == CaseStatus.open.value:
            raise BadRequest("a closed case cannot be reopened: open a new case")
        changed = await asyncio.to_thread(self.store.edit, case.id, fields)
        if case.status is CaseStatus.open and changed.status is CaseStatus.closed:
            await asyncio.to_thread(self._expire_holds, changed)
        return changed

    def _expire_holds(self, case: Case) -> None:
        """Closed: the case's own holds expire after the keep period (blocking)."""
        if self.recording is None:
            return
        until = (case.closed_at or 0.0) + self.keep_after_close_s
        for hold in self.recording.index.holds(ticket_id=case.id):
            if hold.until is None or hold.until < until:
                self.recording.add_hold(
                    hold.camera_id,
                    hold.start_at,
                    hold.end_at,
                    reason=f"{hold.reason} (closed)",
                    created_by=hold.created_by,
                    ticket_id=case.id,
                    until=until,
                )
                self.recording.release_hold(hold.id)

    # -- export --------------------------------------------------------------------------------
    async def export(self, case: Case, clips: list[ClipRow], *, by: str, reason: str) -> ExportJob:
        if self.recording is None:
            raise NotFound("recording is not running")
        detail = await self.detail(case)
        record = {
            "case": detail.model_dump(mode="json", exclude={"clips"}),
            "clips": [c.model_dump(mode="json") for c in detail.clips if c.status == "ready"],
            "exported_by": by,
            "reason": reason,
        }
        texts = {
            f"{case.id}/case.json": json.dumps(record, ensure_ascii=False, indent=2),
            f"{case.id}/README.txt": README.format(case_id=case.id),
        }
        files: list[ExportFile] = clip_files(
            self.recording.clips_dir, [c.id for c in clips], case.id
        )
        return self.exports.start(case.id, files, texts, created_by=by, reason=reason)
