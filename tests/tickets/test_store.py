"""The ticket store on SQLite and PostgreSQL: numbers, the workflow with its timeline, filters,
visibility, the change hook, and concurrent writers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection

from tests.tickets.conftest import Clock
from vgateway.errors import GatewayError, NotFound
from vgateway.tickets.links import EventLink
from vgateway.tickets.model import Source, Ticket, TicketStatus, TransitionError
from vgateway.tickets.query import TicketQuery, Visibility
from vgateway.tickets.store import NewTicket, TicketStore

S = TicketStatus


def new(
    cameras: tuple[str, ...] = ("alpha1",),
    town: str | None = "alpha",
    deadline: float = 2e9,
    **extra: object,
) -> NewTicket:
    values: dict[str, object] = {
        "category": "违法停车",
        "cameras": cameras,
        "town": town,
        "location": "人民路口",
        "description": "白色轿车占用消防通道",
        "source": Source.manual,
        "priority": "normal",
        "deadline": deadline,
    }
    values.update(extra)
    return NewTicket(**values)  # type: ignore[arg-type]


def test_numbers_count_per_local_day(store: TicketStore, clock: Clock) -> None:
    first = store.create(new(), author="op")
    second = store.create(new(), author="op")
    assert first.id == "GD-20261118-0001" and second.id == "GD-20261118-0002"
    clock.now += 86400
    assert store.create(new(), author="op").id == "GD-20261119-0001"
    # local (Asia/Shanghai) date: 16:30 UTC is already the next day there
    clock.now = 1_795_105_800.0  # 2026-11-19 16:30 UTC
    assert store.create(new(), author="op").id.startswith("GD-20261120-")


def test_lifecycle_with_timeline(store: TicketStore, clock: Clock) -> None:
    ticket = store.create(new(), author="op_alpha", note="巡查发现")
    assert ticket.status is S.new and ticket.cameras == ["alpha1"] and not ticket.overdue
    clock.now += 10
    store.transition(ticket.id, S.dispatched, author="op_alpha", department="城管中队")
    clock.now += 10
    store.transition(ticket.id, S.in_progress, author="城管中队", note="已到场")
    clock.now += 10
    resolved = store.transition(ticket.id, S.resolved, author="城管中队", note="已拖离")
    assert resolved.resolved_at == clock.now
    clock.now += 10
    closed = store.transition(ticket.id, S.closed, author="op_alpha")
    assert closed.status is S.closed and closed.closed_at == clock.now
    assert closed.department == "城管中队"
    with pytest.raises(TransitionError):
        store.transition(ticket.id, S.in_progress, author="op_alpha")
    detail = store.detail(ticket.id)
    assert detail is not None
    changes = [(n.author, n.status_from, n.status_to) for n in detail.notes if n.kind == "status"]
    assert changes == [
        ("op_alpha", S.new, S.dispatched),
        ("城管中队", S.dispatched, S.in_progress),
        ("城管中队", S.in_progress, S.resolved),
        ("op_alpha", S.resolved, S.closed),
    ]
    assert detail.notes[0].text == "巡查发现"
    assert "已拖离" in detail.notes[3].text
    assert [n.at for n in detail.notes] == sorted(n.at for n in detail.notes)


def test_reopening_a_resolved_ticket_clears_resolved_at(store: TicketStore) -> None:
    ticket = store.create(new(), author="op")
    store.transition(ticket.id, S.in_progress, author="op")
    store.transition(ticket.id, S.resolved, author="op")
    reopened = store.transition(ticket.id, S.in_progress, author="op", note="车辆又回来了")
    assert reopened.resolved_at is None and reopened.status is S.in_progress


def test_edit_and_notes_are_on_the_timeline(store: TicketStore) -> None:
    ticket = store.create(new(), author="op")
    edited = store.edit(ticket.id, {"priority": "high", "grid": "甲镇3号网格"}, author="op")
    assert edited.priority == "high" and edited.grid == "甲镇3号网格"
    store.add_note(ticket.id, "op", "已电话联系车主")
    detail = store.detail(ticket.id)
    assert detail is not None
    texts = [n.text for n in detail.notes]
    assert any("priority: normal → high" in t for t in texts) and "已电话联系车主" in texts
    with pytest.raises(ValueError, match="status"):
        store.edit(ticket.id, {"status": "closed"}, author="op")
    with pytest.raises(NotFound):
        store.add_note("GD-nope", "op", "x")


def test_filters_and_overdue(store: TicketStore, clock: Clock) -> None:
    late = store.create(new(deadline=clock.now + 60), author="op")
    store.create(new(cameras=("bravo1",), town="bravo", category="道路遗撒"), author="op")
    done = store.create(new(deadline=clock.now + 60), author="op")
    store.transition(done.id, S.in_progress, author="op")
    store.transition(done.id, S.resolved, author="op")
    clock.now += 120

    def ids(**filters: object) -> set[str]:
        return {t.id for t in store.find(TicketQuery(**filters))}  # type: ignore[arg-type]

    assert ids(overdue=True) == {late.id}
    assert store.get(late.id).overdue  # type: ignore[union-attr]
    assert not store.get(done.id).overdue  # type: ignore[union-attr]
    assert len(ids(overdue=False)) == 2
    assert len(ids(camera="bravo1")) == 1 and ids(town="bravo") == ids(camera="bravo1")
    assert ids(statuses=[S.resolved]) == {done.id}
    assert len(ids(statuses=[S.new, S.resolved])) == 3
    assert len(ids(category="道路遗撒")) == 1
    assert ids(text=late.id) == {late.id}
    assert len(ids(text="消防通道")) == 3
    page = store.find(TicketQuery(limit=2))
    assert len(page) == 2 and page[0].created_at >= page[1].created_at
    assert len(store.find(TicketQuery(limit=2, offset=2))) == 1


def test_visibility(store: TicketStore) -> None:
    a = store.create(new(cameras=("alpha1",)), author="op")
    ab = store.create(new(cameras=("alpha1", "bravo1")), author="op")
    town_only = store.create(new(cameras=(), town="alpha"), author="op")
    other_town = store.create(new(cameras=(), town="bravo"), author="op")

    def seen(visible: Visibility) -> set[str]:
        found = {t.id for t in store.find(TicketQuery(visible=visible))}
        for ticket_id in (a.id, ab.id, town_only.id, other_town.id):
            ticket = store.get(ticket_id)
            assert ticket is not None and visible.sees(ticket) == (ticket_id in found)
        return found

    assert seen(Visibility(frozenset({"alpha1"}), town="alpha")) == {a.id, town_only.id}
    assert seen(Visibility(frozenset({"alpha1", "bravo1"}), town="bravo")) == {
        a.id,
        ab.id,
        other_town.id,
    }
    assert seen(Visibility(frozenset(), ticket_ids=frozenset({ab.id}))) == {ab.id}
    assert seen(Visibility(frozenset())) == set()


def test_change_hook_runs_inside_the_change(any_engine: object, clock: Clock) -> None:
    seen: list[tuple[str, str, str]] = []

    def hook(conn: Connection, kind: str, ticket: Ticket, actor: str) -> None:
        seen.append((kind, ticket.status.value, actor))
        if ticket.description == "fail":
            raise RuntimeError("outbox is down")

    store = TicketStore(any_engine, clock=clock, on_change=hook)  # type: ignore[arg-type]
    ticket = store.create(new(), author="op")
    store.transition(ticket.id, S.in_progress, author="op")
    store.add_note(ticket.id, "op", "note")
    store.add_note(ticket.id, "system", "quiet", notify=False)
    store.transition(ticket.id, S.resolved, author="op")
    store.transition(ticket.id, S.closed, author="op")
    assert [k for k, _, _ in seen] == [
        "ticket.created",
        "ticket.updated",
        "ticket.updated",
        "ticket.updated",
        "ticket.closed",
    ]
    # a hook failure rolls the change back: nothing stored that was not handed on
    with pytest.raises(RuntimeError):
        store.create(new(description="fail"), author="op")
    assert len(store.find(TicketQuery())) == 1


def test_events_attach_once_and_move_the_window(store: TicketStore, clock: Clock) -> None:
    ticket = store.create(
        new(source=Source.event, rule_id="park", last_event_at=clock.now), author="sys"
    )
    link = EventLink("evt-1", "alpha1", "park", clock.now)
    assert store.link_event(ticket.id, link, author="sys")
    assert not store.link_event(ticket.id, link, author="sys")  # delivered twice
    assert store.ticket_for_event("evt-1") == ticket.id
    assert store.open_ticket_for("alpha1", "park", clock.now - 10) == ticket.id
    assert store.open_ticket_for("alpha1", "other", clock.now - 10) is None
    assert store.open_ticket_for("alpha2", "park", clock.now - 10) is None
    later = clock.now + 600
    store.link_event(ticket.id, EventLink("evt-2", "alpha1", "park", later), author="sys")
    assert store.open_ticket_for("alpha1", "park", later - 10) == ticket.id
    store.transition(ticket.id, S.in_progress, author="op")
    store.transition(ticket.id, S.resolved, author="op")
    assert store.open_ticket_for("alpha1", "park", later - 10) is None


def test_concurrent_writers(store: TicketStore) -> None:
    created: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            for _ in range(5):
                created.append(store.create(new(), author="op").id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(set(created)) == 20
    # two operators change the same ticket at once: one wins, the other is told
    ticket = store.create(new(), author="op")
    outcomes: list[str] = []

    def change(target: TicketStatus) -> None:
        try:
            store.transition(ticket.id, target, author="op", department="交警")
            outcomes.append("ok")
        except GatewayError as exc:
            outcomes.append(exc.code)

    racers = [threading.Thread(target=change, args=(t,)) for t in (S.dispatched, S.in_progress)]
    for thread in racers:
        thread.start()
    for thread in racers:
        thread.join(60)
    assert sorted(outcomes) in (["conflict", "ok"], ["invalid_transition", "ok"], ["ok", "ok"])
    final = store.detail(ticket.id)
    assert final is not None
    statuses = [n for n in final.notes if n.kind == "status"]
    assert len(statuses) == outcomes.count("ok")
