"""CSV export of the trail, for auditors' spreadsheets and archives."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from vgateway.audit.chain import AuditEntry, canonical_json

COLUMNS = (
    "seq",
    "time_utc",
    "actor",
    "role",
    "action",
    "camera_id",
    "clip_id",
    "ticket_id",
    "address",
    "reason",
    "detail",
    "prev_hash",
    "hash",
)

# A cell starting with one of these is run as a formula by spreadsheet programs; free text
# (a download reason) must not become one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso_utc(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The header line, then one CSV line per entry (UTF-8 text, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flush()
    for e in entries:
        writer.writerow(
            [
                e.seq,
                iso_utc(e.at),
                *(
                    _cell(v)
                    for v in (
                        e.actor,
                        e.role,
                        e.action,
                        e.camera_id,
                        e.clip_id,
                        e.ticket_id,
                        e.address,
                        e.reason,
                    )
                ),
                _cell(canonical_json(e.detail)),
                e.prev_hash,
                e.hash,
            ]
        )
        yield flush()
