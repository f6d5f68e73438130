"""The Redis Streams bus against the real Redis: consumer group, ack, re-delivery after a
consumer restart, and claiming entries a dead consumer left pending."""

from __future__ import annotations

import asyncio

import pytest
import redis

from vgateway.events.model import Event, EventMessage
from vgateway.events.redis_bus import RedisStreamBus

pytestmark = pytest.mark.redis


def message(n: int) -> EventMessage:
    event = Event(
        id=f"e{n}",
        state="active",
        rule_id="r",
        rule_type="tamper",
        rule_name="遮挡",
        priority="high",
        camera_id="cam001",
        town="chengguan",
        started_at=1.0,
        updated_at=1.0,
        captured_at=1.0,
    )
    return EventMessage("start", event, b"\xff\xd8jpeg")


async def wait_until(predicate, limit: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_publish_consume_ack(redis_url: str, redis_prefix: str) -> None:
    got: list[EventMessage] = []

    async def handler(m: EventMessage) -> None:
        got.append(m)

    bus = RedisStreamBus(redis_url, prefix=redis_prefix, consumer="a", block_ms=100)
    await bus.start(handler)
    for n in range(3):
        await bus.publish(message(n))
    await wait_until(lambda: len(got) == 3)
    await bus.stop()
    assert [m.event.id for m in got] == ["e0", "e1", "e2"] and got[0].snapshot == b"\xff\xd8jpeg"
    client = redis.Redis.from_url(redis_url)
    assert client.xpending(bus.stream, "store")["pending"] == 0
    client.close()


async def test_unacked_message_is_redelivered_after_restart(
    redis_url: str, redis_prefix: str
) -> None:
    failing = True
    got: list[str] = []

    async def handler(m: EventMessage) -> None:
        if failing:
            raise RuntimeError("database down")
        got.append(m.event.id)

    bus = RedisStreamBus(redis_url, prefix=redis_prefix, consumer="gw", block_ms=100)
    await bus.start(handler)
    await bus.publish(message(1))
    await wait_until(lambda: bus.failed >= 1)
    await bus.stop()  # the gateway stops with the message delivered but not acknowledged
    client = redis.Redis.from_url(redis_url)
    assert client.xpending(bus.stream, "store")["pending"] == 1
    failing = False
    again = RedisStreamBus(redis_url, prefix=redis_prefix, consumer="gw", block_ms=100)
    await again.start(handler)  # same consumer name: its pending entry comes back first
    await wait_until(lambda: got == ["e1"])
    await again.stop()
    assert client.xpending(bus.stream, "store")["pending"] == 0
    client.close()


async def test_entries_of_a_dead_consumer_are_claimed(redis_url: str, redis_prefix: str) -> None:
    stream = f"{redis_prefix}events"
    client = redis.Redis.from_url(redis_url)
    client.xgroup_create(stream, "store", id="0", mkstream=True)
    client.xadd(stream, message(9).to_fields())
    client.xreadgroup("store", "dead-host", {stream: ">"}, count=10)  # read, then crashed
    got: list[str] = []

    async def handler(m: EventMessage) -> None:
        got.append(m.event.id)

    bus = RedisStreamBus(
        redis_url, prefix=redis_prefix, consumer="alive", block_ms=100, claim_idle_ms=50
    )
    await asyncio.sleep(0.1)
    await bus.start(handler)
    await wait_until(lambda: got == ["e9"])
    await bus.stop()
    assert client.xpending(stream, "store")["pending"] == 0
    client.close()
