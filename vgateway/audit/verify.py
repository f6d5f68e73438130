"""Checking a trail: every entry intact, each one following the one before, none missing.

One pass in chain order, keeping only the previous entry. When an entry's contents no longer
match its hash, nearby sequence numbers are tried: if the entry seals correctly under another
number, it was moved (entries reordered) rather than edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from vgateway.audit.chain import GENESIS_HASH, AuditEntry
from vgateway.audit.store import ChainHead

_REORDER_WINDOW = 16  # how far a moved entry is looked for, each way


class ProblemKind(StrEnum):
    altered = "altered"
    missing = "missing"
    reordered = "reordered"
    broken = "broken"
    truncated = "truncated"


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.kind}: {self.message}"


@dataclass
class VerifyReport:
    entries: int = 0
    last_seq: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(entries: Iterable[AuditEntry], head: ChainHead | None) -> VerifyReport:
    """Verify entries given in ascending `seq` order against the recorded chain head."""
    report = VerifyReport()
    prev_seq, prev_hash, prev_intact = 0, GENESIS_HASH, True
    for entry in entries:
        report.entries += 1
        gap = entry.seq > prev_seq + 1
        if gap:
            first, last = prev_seq + 1, entry.seq - 1
            span = f"#{first}" if first == last else f"#{first}..#{last}"
            report.problems.append(
                Problem(first, ProblemKind.missing, f"entry {span} missing (deleted)")
            )
        intact = entry.computed_hash() == entry.hash
        linked = entry.prev_hash == prev_hash
        if not intact:
            moved_from = _original_seq(entry)
            if moved_from is not None:
                report.problems.append(
                    Problem(
                        entry.seq,
                        ProblemKind.reordered,
                        f"holds the chain's entry #{moved_from} (entries reordered)",
                    )
                )
            else:
                report.problems.append(
                    Problem(
                        entry.seq,
                        ProblemKind.altered,
                        f"contents ({entry.action} by {entry.actor}) do not match its hash",
                    )
                )
        # After a gap or a damaged entry the next link is broken too: nothing new to report.
        elif not linked and not gap and prev_intact:
            report.problems.append(
                Problem(
                    entry.seq,
                    ProblemKind.broken,
                    f"does not follow #{prev_seq}: #{prev_seq} was altered and re-hashed, "
                    "or an entry was inserted or removed and the rest renumbered",
                )
            )
        prev_seq, prev_hash, prev_intact = entry.seq, entry.hash, intact
    report.last_seq = prev_seq
    _check_head(report, head, prev_seq, prev_hash)
    return report


def _check_head(report: VerifyReport, head: ChainHead | None, seq: int, last_hash: str) -> None:
    if head is None:
        if seq:
            report.problems.append(
                Problem(seq, ProblemKind.truncated, "the chain head record is missing")
            )
        return
    if head.seq > seq:
        span = f"#{seq + 1}" if head.seq == seq + 1 else f"#{seq + 1}..#{head.seq}"
        report.problems.append(
            Problem(
                seq + 1,
                ProblemKind.truncated,
                f"entry {span} missing from the end: the chain head records #{head.seq}",
            )
        )
    elif head.seq != seq or head.hash != last_hash:
        report.problems.append(
            Problem(seq, ProblemKind.truncated, f"the chain head (#{head.seq}) does not match")
        )


def _original_seq(entry: AuditEntry) -> int | None:
    for offset in range(1, _REORDER_WINDOW + 1):
        for candidate in (entry.seq - offset, entry.seq + offset):
            if candidate > 0 and replace(entry, seq=candidate).computed_hash() == entry.hash:
                return candidate
    return None
