"""Ticket and case numbers: PREFIX-YYYYMMDD-NNNN, a gap-free daily sequence per prefix.

The counter row is bumped with one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so
concurrent writers in any number of processes get distinct numbers on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from vgateway.tickets.tables import ticket_sequences as seq


def local_day(now: float, timezone: str) -> str:
    return datetime.fromtimestamp(now, ZoneInfo(timezone)).strftime("%Y%m%d")


def allocate(conn: Connection, prefix: str, now: float, timezone: str) -> str:
    """The next number for `prefix` on the local date of `now` (inside the caller's
    transaction: a rolled-back creation gives its number back)."""
    day = local_day(now, timezone)
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(seq).values(prefix=prefix, day=day, last=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[seq.c.prefix, seq.c.day], set_={"last": seq.c.last + 1}
        )
        number = conn.execute(stmt.returning(seq.c.last)).scalar_one()
    elif dialect == "sqlite":
        lite = sqlite.insert(seq).values(prefix=prefix, day=day, last=1)
        lite = lite.on_conflict_do_update(
            index_elements=[seq.c.prefix, seq.c.day], set_={"last": seq.c.last + 1}
        )
        number = conn.execute(lite.returning(seq.c.last)).scalar_one()
    else:
        raise RuntimeError(f"ticket numbers: unsupported database {dialect}")
    return f"{prefix}-{day}-{int(number):04d}"
