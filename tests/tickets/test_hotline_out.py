"""Ticket changes reach the 12345 platform: signed, in order, retried with backoff against a
real HTTP receiver that fails and recovers, idempotent (no duplicates), and kept in the
outbox across a restart of the sender."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.tickets.receiver import Receiver, running_receiver
from tests.tickets.test_store import new
from vgateway.tickets.hotline.outbox import Outbox
from vgateway.tickets.hotline.sender import HotlineSender, backoff_s
from vgateway.tickets.hotline.settings import HotlineSettings
from vgateway.tickets.hotline.signing import signature
from vgateway.tickets.model import TicketStatus
from vgateway.tickets.store import TicketStore

SECRET = "hotline-secret-9"
S = TicketStatus


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(SECRET) as r:
        yield r


def settings(url: str, **extra: object) -> HotlineSettings:
    values: dict[str, object] = {
        "outbound_url": url,
        "outbound_secret": SECRET,
        "backoff_initial_s": 0.05,
        "backoff_max_s": 0.2,
        "poll_interval_s": 0.05,
        "timeout_s": 1.0,
    }
    values.update(extra)
    return HotlineSettings.model_validate(values)


def changes(engine: Engine) -> tuple[TicketStore, Outbox, list[str]]:
    """A ticket store whose changes go to the outbox, and one ticket's whole life."""
    outbox = Outbox(engine)
    store = TicketStore(engine, on_change=outbox.enqueue)
    ticket = store.create(new(), author="op_alpha")
    store.transition(ticket.id, S.dispatched, author="op_alpha", department="城管中队")
    store.add_note(ticket.id, "城管中队", "已派员")
    store.transition(ticket.id, S.in_progress, author="城管中队")
    store.transition(ticket.id, S.resolved, author="城管中队")
    store.transition(ticket.id, S.closed, author="op_alpha")
    other = store.create(new(cameras=("bravo1",), town="bravo"), author="op_bravo")
    return store, outbox, [ticket.id, other.id]


async def wait_delivered(outbox: Outbox, count: int, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while (await asyncio.to_thread(outbox.counts)).get("delivered", 0) < count:
        assert time.monotonic() < deadline, f"outbox: {await asyncio.to_thread(outbox.counts)}"
        await asyncio.sleep(0.05)


async def test_failing_receiver_recovers_without_duplicates(
    any_engine: Engine, receiver: Receiver
) -> None:
    _, outbox, (first, second) = changes(any_engine)
    receiver.fail_next = 3  # down for maintenance
    receiver.lose_next, receiver.stall_s = 1, 2.0  # then one answer lost after processing
    sender = HotlineSender(outbox, settings(receiver.url))
    await sender.start()
    try:
        await wait_delivered(outbox, 7)
    finally:
        await sender.stop()
    expected = [
        (first, "ticket.created"),
        (first, "ticket.updated"),
        (first, "ticket.updated"),
        (first, "ticket.updated"),
        (first, "ticket.updated"),
        (first, "ticket.closed"),
        (second, "ticket.created"),
    ]
    # one ticket's changes arrive in order; each change exactly once
    assert [k for k in receiver.kinds() if k[0] == first] == expected[:6]
    assert sorted(receiver.kinds()) == sorted(expected)
    assert len({a["key"] for a in receiver.accepted}) == 7
    assert receiver.bad_signatures == 0
    # the lost answer was retried with the same key, and recognised by the receiver
    assert len(receiver.repeats) == 1
    assert receiver.requests >= 7 + 3 + 1
    rows = outbox.rows()
    assert all(r.status == "delivered" and r.last_status == 200 for r in rows)
    assert max(r.attempts for r in rows) >= 2
    body = next(a["body"] for a in receiver.accepted if a["kind"] == "ticket.closed")
    assert body["ticket"]["status"] == "closed" and body["actor"] == "op_alpha"
    assert body["ticket"]["department"] == "城管中队"


async def test_outbox_survives_a_restart(any_engine: Engine, receiver: Receiver) -> None:
    _, outbox, _ = changes(any_engine)
    receiver.fail_next = 10**6  # the platform is down while the first sender runs
    sender = HotlineSender(outbox, settings(receiver.url))
    await sender.start()
    deadline = time.monotonic() + 10
    while receiver.requests < 2:
        assert time.monotonic() < deadline, "no delivery attempt"
        await asyncio.sleep(0.05)
    await sender.stop()
    rows = outbox.rows()
    assert all(r.status == "pending" for r in rows) and any(r.attempts >= 1 for r in rows)
    assert any(r.last_status == 503 for r in rows)
    # the gateway restarts (new objects, same database); the platform is back
    receiver.fail_next = 0
    again = HotlineSender(Outbox(any_engine), settings(receiver.url))
    await again.start()
    try:
        await wait_delivered(outbox, 7)
    finally:
        await again.stop()
    assert len(receiver.accepted) == 7 and receiver.repeats == []


async def test_gives_up_after_the_limit_and_can_be_retried(
    engine: Engine, receiver: Receiver
) -> None:
    _, outbox, _ = changes(engine)
    receiver.fail_next = 10**6
    sender = HotlineSender(outbox, settings(receiver.url, give_up_after_s=0.01))
    await sender.start()
    deadline = time.monotonic() + 10
    while outbox.counts().get("dead", 0) < 2:  # the first change of each ticket
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await sender.stop()
    assert outbox.counts()["pending"] == 5  # later changes wait behind a dead one
    receiver.fail_next = 0
    assert outbox.retry_dead() == 2
    again = HotlineSender(outbox, settings(receiver.url))
    await again.start()
    try:
        await wait_delivered(outbox, 7)
    finally:
        await again.stop()


def test_signature_and_backoff() -> None:
    sig = signature("k", "1700000000", b'{"a":1}')
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert sig != signature("k", "1700000001", b'{"a":1}')  # the timestamp is signed too
    delays = [backoff_s(n, 2, 600) for n in range(1, 12)]
    assert 1.6 <= delays[0] <= 2.4 and 3.2 <= delays[1] <= 4.8
    assert max(delays) <= 720 and delays[-1] >= 480
