"""The outbox: ticket changes waiting for (or done with) delivery to the 12345 platform.

Rows are written by the ticket store's change hook inside the change's own transaction. A
sender claims a due row (a lease, so two gateway processes never send it at once), then
records the outcome. Per ticket, rows go out in order: a later change waits for an earlier
one that is still failing.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, or_, select, update

from vgateway.tickets.hotline.tables import hotline_outbox as box
from vgateway.tickets.model import Ticket

LEASE_S = 60.0


@dataclass(frozen=True)
class OutboxRow:
    id: int
    idempotency_key: str
    kind: str
    ticket_id: str
    body: str
    status: str
    attempts: int
    next_attempt_at: float
    last_status: int | None
    last_error: str | None
    created_at: float
    delivered_at: float | None


def _row(row: Any) -> OutboxRow:
    return OutboxRow(**{k: row._mapping[k] for k in OutboxRow.__dataclass_fields__})


def message_body(kind: str, ticket: Ticket, actor: str, at: float) -> str:
    """What the platform receives: the change, and the ticket as it stands after it."""
    document = {
        "event": kind,
        "at": at,
        "actor": actor,
        "ticket": ticket.model_dump(mode="json"),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Outbox:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    def enqueue(self, conn: Connection, kind: str, ticket: Ticket, actor: str) -> None:
        """The ticket store's change hook: runs inside the change's transaction."""
        now = self.clock()
        conn.execute(
            insert(box).values(
                idempotency_key=f"vgw-{ticket.id}-{secrets.token_hex(8)}",
                kind=kind,
                ticket_id=ticket.id,
                body=message_body(kind, ticket, actor, now),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    def claim_due(self, limit: int = 20) -> list[OutboxRow]:
        """Pending rows that are due, first per ticket only, leased to this caller."""
        now = self.clock()
        with self.engine.connect() as conn:
            first_per_ticket = (
                select(func.min(box.c.id))
                .where(box.c.status == "pending")
                .group_by(box.c.ticket_id)
            )
            rows = conn.execute(
                select(box)
                .where(
                    box.c.id.in_(first_per_ticket),
                    box.c.next_attempt_at <= now,
                    or_(box.c.locked_until.is_(None), box.c.locked_until < now),
                )
                .order_by(box.c.id)
                .limit(limit)
            ).all()
        claimed = []
        for row in rows:
            with self.engine.begin() as conn:
                done = conn.execute(
                    update(box)
                    .where(
                        box.c.id == row.id,
                        box.c.status == "pending",
                        or_(box.c.locked_until.is_(None), box.c.locked_until < now),
                    )
                    .values(locked_until=now + LEASE_S)
                )
            if done.rowcount == 1:
                claimed.append(_row(row))
        return claimed

    def delivered(self, row_id: int, status: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(box)
                .where(box.c.id == row_id)
                .values(
                    status="delivered",
                    attempts=box.c.attempts + 1,
                    last_status=status,
                    last_error=None,
                    delivered_at=self.clock(),
                    locked_until=None,
                )
            )

    def failed(
        self, row: OutboxRow, error: str, status: int | None, retry_at: float, dead: bool
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(box)
                .where(box.c.id == row.id)
                .values(
                    status="dead" if dead else "pending",
                    attempts=box.c.attempts + 1,
                    last_status=status,
                    last_error=error[:2000],
                    next_attempt_at=retry_at,
                    locked_until=None,
                )
            )

    def retry_dead(self, ticket_id: str | None = None) -> int:
        """Put dead rows back in the queue (after the platform is fixed)."""
        stmt = update(box).where(box.c.status == "dead")
        if ticket_id is not None:
            stmt = stmt.where(box.c.ticket_id == ticket_id)
        with self.engine.begin() as conn:
            return conn.execute(
                stmt.values(status="pending", next_attempt_at=self.clock())
            ).rowcount

    def rows(self, status: str | None = None, limit: int = 100) -> list[OutboxRow]:
        stmt = select(box).order_by(box.c.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(box.c.status == status)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(stmt)]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(box.c.status, func.count()).group_by(box.c.status))
            return {str(status): int(n) for status, n in rows}
