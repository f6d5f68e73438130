"""The ticket workflow: which status changes are allowed, what they need, what is overdue."""

from __future__ import annotations

import pytest

from vgateway.tickets.model import (
    TRANSITIONS,
    TicketStatus,
    TransitionError,
    check_transition,
    is_overdue,
)

S = TicketStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.new, S.dispatched),
        (S.new, S.in_progress),
        (S.dispatched, S.in_progress),
        (S.dispatched, S.new),
        (S.in_progress, S.resolved),
        (S.in_progress, S.dispatched),
        (S.resolved, S.closed),
        (S.resolved, S.in_progress),
    ],
)
def test_allowed(current: TicketStatus, target: TicketStatus) -> None:
    check_transition(current, target, note=None, department="城管中队")


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.new, S.resolved),
        (S.new, S.new),
        (S.in_progress, S.closed),
        (S.in_progress, S.new),
        (S.closed, S.new),
        (S.closed, S.in_progress),
        (S.resolved, S.dispatched),
    ],
)
def test_refused_with_the_allowed_ones_named(current: TicketStatus, target: TicketStatus) -> None:
    with pytest.raises(TransitionError, match="allowed: ") as caught:
        check_transition(current, target, note="x", department="d")
    assert caught.value.status == 409
    for allowed in TRANSITIONS[current]:
        assert allowed.value in str(caught.value)


def test_closed_is_final() -> None:
    assert TRANSITIONS[S.closed] == frozenset()
    with pytest.raises(TransitionError, match="none \\(final\\)"):
        check_transition(S.closed, S.in_progress, note=None, department=None)


def test_closing_unworked_ticket_needs_a_note_and_dispatch_a_department() -> None:
    with pytest.raises(TransitionError, match="needs a note"):
        check_transition(S.new, S.closed, note="  ", department=None)
    check_transition(S.new, S.closed, note="误报：树影", department=None)
    with pytest.raises(TransitionError, match="department"):
        check_transition(S.new, S.dispatched, note=None, department=None)


def test_overdue_is_computed() -> None:
    assert is_overdue(S.new, deadline=100, now=101)
    assert is_overdue(S.in_progress, deadline=100, now=101)
    assert not is_overdue(S.new, deadline=100, now=99)
    assert not is_overdue(S.resolved, deadline=100, now=101)
    assert not is_overdue(S.closed, deadline=100, now=101)
