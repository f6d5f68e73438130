"""Reading and writing cases and their tickets and clips. Blocking: call from a thread."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vgateway.cases.model import Case, CaseStatus
from vgateway.cases.tables import case_clips, case_tickets, cases
from vgateway.errors import NotFound
from vgateway.tickets.numbers import allocate


class CaseStore:
    def __init__(
        self,
        engine: Engine,
        *,
        prefix: str = "AJ",
        timezone: str = "Asia/Shanghai",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.prefix = prefix
        self.timezone = timezone
        self.clock = clock

    # -- reads ---------------------------------------------------------------------------------
    def get(self, case_id: str) -> Case | None:
        with self.engine.connect() as conn:
            found = self._cases(conn, [case_id])
        return found[0] if found else None

    def listed(
        self, case_ids: Collection[str] | None, status: CaseStatus | None = None
    ) -> list[Case]:
        """Cases, newest first: all (None) or those among `case_ids`."""
        with self.engine.connect() as conn:
            return self._cases(conn, case_ids, status)

    def tickets_of(self, case_ids: frozenset[str]) -> frozenset[str]:
        if not case_ids:
            return frozenset()
        c = case_tickets.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.ticket_id).where(c.case_id.in_(list(case_ids))))
            return frozenset(str(r[0]) for r in rows)

    def hold_ids(self, case_id: str) -> list[int]:
        c = case_clips.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.hold_id).where(c.case_id == case_id, c.hold_id.is_not(None))
            )
            return [int(r[0]) for r in rows]

    # -- writes --------------------------------------------------------------------------------
    def create(self, title: str, description: str, *, author: str) -> Case:
        now = self.clock()
        with self.engine.begin() as conn:
            number = allocate(conn, self.prefix, now, self.timezone)
            conn.execute(
                insert(cases).values(
                    id=number,
                    title=title,
                    description=description,
                    status=CaseStatus.open.value,
                    created_by=author,
                    created_at=now,
                    updated_at=now,
                )
            )
        case = self.get(number)
        assert case is not None
        return case

    def edit(self, case_id: str, fields: dict[str, Any]) -> Case:
        now = self.clock()
        values: dict[str, Any] = {**fields, "updated_at": now}
        if fields.get("status") == CaseStatus.closed.value:
            values["closed_at"] = now
        with self.engine.begin() as conn:
            done = conn.execute(update(cases).where(cases.c.id == case_id).values(**values))
            if done.rowcount != 1:
                raise NotFound(f"no case {case_id!r}")
        case = self.get(case_id)
        assert case is not None
        return case

    def add_tickets(self, case_id: str, ticket_ids: Iterable[str], author: str) -> None:
        now = self.clock()
        for ticket_id in ticket_ids:
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(case_tickets).values(
                            case_id=case_id, ticket_id=ticket_id, added_by=author, added_at=now
                        )
                    )
            except IntegrityError:
                continue  # already in the case

    def add_clip(self, case_id: str, clip_id: str, hold_id: int | None, author: str) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(case_clips).values(
                        case_id=case_id,
                        clip_id=clip_id,
                        hold_id=hold_id,
                        added_by=author,
                        added_at=self.clock(),
                    )
                )
            return True
        except IntegrityError:
            return False

    def remove(self, case_id: str, ticket_ids: Iterable[str], clip_ids: Iterable[str]) -> list[int]:
        """Take tickets and clips out; returns the holds of the removed clips."""
        with self.engine.begin() as conn:
            tc, cc = case_tickets.c, case_clips.c
            conn.execute(
                delete(case_tickets).where(
                    tc.case_id == case_id, tc.ticket_id.in_(list(ticket_ids))
                )
            )
            clips = list(clip_ids)
            holds = conn.execute(
                select(cc.hold_id).where(cc.case_id == case_id, cc.clip_id.in_(clips))
            )
            released = [int(h[0]) for h in holds if h[0] is not None]
            conn.execute(delete(case_clips).where(cc.case_id == case_id, cc.clip_id.in_(clips)))
            return released

    # -- helpers -------------------------------------------------------------------------------
    def _cases(
        self,
        conn: Connection,
        case_ids: Collection[str] | None,
        status: CaseStatus | None = None,
    ) -> list[Case]:
        stmt = select(cases).order_by(cases.c.created_at.desc(), cases.c.id.desc())
        if case_ids is not None:
            stmt = stmt.where(cases.c.id.in_(list(case_ids)))
        if status is not None:
            stmt = stmt.where(cases.c.status == status.value)
        rows = list(conn.execute(stmt))
        ids = [r.id for r in rows]
        tickets: dict[str, list[str]] = {i: [] for i in ids}
        clips: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            for case_id, ticket_id in conn.execute(
                select(case_tickets.c.case_id, case_tickets.c.ticket_id)
                .where(case_tickets.c.case_id.in_(ids))
                .order_by(case_tickets.c.added_at)
            ):
                tickets[case_id].append(ticket_id)
            for case_id, clip_id in conn.execute(
                select(case_clips.c.case_id, case_clips.c.clip_id)
                .where(case_clips.c.case_id.in_(ids))
                .order_by(case_clips.c.added_at)
            ):
                clips[case_id].append(clip_id)
        return [
            Case(**dict(r._mapping), ticket_ids=tickets[r.id], clip_ids=clips[r.id]) for r in rows
        ]
