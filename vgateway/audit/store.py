"""Appending to and reading the trail in the main database.

Appends are serialized twice over: a process-local lock, and a database lock on the chain-head
row taken before the head is read (`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite a no-op
UPDATE of the row, which takes the database's write lock). Each append reads the head, writes
the entry and moves the head in one transaction, so concurrent writers, in this process or
another, line up and the chain never forks.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vgateway.audit.chain import GENESIS_HASH, AuditEntry, canonical_json
from vgateway.audit.tables import audit_head, audit_log

log = logging.getLogger(__name__)

_HEAD_ID = 1


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class AuditQuery:
    """Search filters; every given one must match. Results come newest first."""

    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in '.' ("share." for every share event)
    camera_id: str | None = None
    clip_id: str | None = None
    ticket_id: str | None = None
    since: float | None = None
    until: float | None = None
    before_seq: int | None = None  # paging: entries older than this one
    limit: int = 100


class AuditLog:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._lock = threading.Lock()
        self._postgres = engine.dialect.name == "postgresql"
        self._ensure_head()

    def append(
        self,
        action: str,
        *,
        actor: str,
        role: str | None = None,
        camera_id: str | None = None,
        clip_id: str | None = None,
        ticket_id: str | None = None,
        address: str | None = None,
        reason: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Record one event and return it, sealed into the chain. Raises if it cannot be stored:
        callers granting access must not grant it unrecorded."""
        # Round-trip the detail through JSON now, so what is hashed is exactly what is stored.
        detail_json = canonical_json(detail or {})
        with self._lock, self._engine.begin() as conn:
            head = self._lock_head(conn)
            entry = AuditEntry(
                seq=head.seq + 1,
                at=self._clock(),
                actor=actor,
                role=role,
                action=action,
                camera_id=camera_id,
                clip_id=clip_id,
                ticket_id=ticket_id,
                address=address,
                reason=reason,
                detail=json.loads(detail_json),
                prev_hash=head.hash,
            ).sealed()
            conn.execute(insert(audit_log).values(_row(entry, detail_json)))
            conn.execute(
                update(audit_head)
                .where(audit_head.c.id == _HEAD_ID)
                .values(seq=entry.seq, hash=entry.hash)
            )
        return entry

    def head(self) -> ChainHead | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(audit_head).where(audit_head.c.id == _HEAD_ID)).first()
        return ChainHead(row.seq, row.hash) if row else None

    def search(self, query: AuditQuery) -> list[AuditEntry]:
        stmt = _filtered(select(audit_log), query).order_by(audit_log.c.seq.desc())
        with self._engine.connect() as conn:
            return [_entry(row) for row in conn.execute(stmt.limit(query.limit))]

    def count(self, query: AuditQuery) -> int:
        stmt = _filtered(select(func.count()).select_from(audit_log), query)
        with self._engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def entries(self, query: AuditQuery | None = None, batch: int = 1000) -> Iterator[AuditEntry]:
        """Every (matching) entry in chain order, read in batches."""
        after = 0
        base = _filtered(select(audit_log), query or AuditQuery())
        while True:
            stmt = base.where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(batch)
            with self._engine.connect() as conn:
                rows = conn.execute(stmt).all()
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            after = rows[-1].seq

    def _lock_head(self, conn: Connection) -> ChainHead:
        where = audit_head.c.id == _HEAD_ID
        if self._postgres:
            row = conn.execute(select(audit_head).where(where).with_for_update()).first()
        else:
            # SQLite has no row locks; writing first takes the database write lock, and
            # busy_timeout queues the other writers behind it.
            conn.execute(update(audit_head).where(where).values(seq=audit_head.c.seq))
            row = conn.execute(select(audit_head).where(where)).first()
        if row is None:
            raise RuntimeError("audit chain head row is missing")
        return ChainHead(row.seq, row.hash)

    def _ensure_head(self) -> None:
        with self._engine.begin() as conn:
            if conn.execute(select(audit_head.c.id)).first() is not None:
                return
            last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).first()
        head = ChainHead(0, GENESIS_HASH) if last is None else ChainHead(last.seq, last.hash)
        if last is not None:
            # A trail without its head row was tampered with or half-restored; carry on from
            # the last entry but say so, in the log and in the trail itself.
            log.error("audit chain head row was missing; restored at entry #%d", head.seq)
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(audit_head).values(id=_HEAD_ID, seq=head.seq, hash=head.hash))
        except IntegrityError:
            return  # another process created it first
        if last is not None:
            self.append("audit.head_restored", actor="system", detail={"seq": head.seq})


def _filtered(stmt: Select[Any], query: AuditQuery) -> Select[Any]:
    c = audit_log.c
    if query.actor is not None:
        stmt = stmt.where(c.actor == query.actor)
    if query.action is not None:
        if query.action.endswith("."):
            stmt = stmt.where(c.action.startswith(query.action, autoescape=True))
        else:
            stmt = stmt.where(c.action == query.action)
    for column, value in (
        (c.camera_id, query.camera_id),
        (c.clip_id, query.clip_id),
        (c.ticket_id, query.ticket_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if query.since is not None:
        stmt = stmt.where(c.at >= query.since)
    if query.until is not None:
        stmt = stmt.where(c.at < query.until)
    if query.before_seq is not None:
        stmt = stmt.where(c.seq < query.before_seq)
    return stmt


def _row(entry: AuditEntry, detail_json: str) -> dict[str, Any]:
    return {
        **entry.fields(),
        "detail": detail_json,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _entry(row: Row[Any]) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"_unparsable": row.detail}  # verify reports it as altered
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        role=row.role,
        action=row.action,
        camera_id=row.camera_id,
        clip_id=row.clip_id,
        ticket_id=row.ticket_id,
        address=row.address,
        reason=row.reason,
        detail=detail if isinstance(detail, dict) else {"_not_an_object": detail},
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
