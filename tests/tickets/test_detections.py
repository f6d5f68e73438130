"""Detections become tickets: one ticket per camera and rule within the dedup window, the event
clip requested, linked and held; and the same through the real event service and bus."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.recording.media import Footage
from tests.recording.media import publish_drained as publish
from tests.tickets.conftest import Clock, until
from vgateway.config import NetworkConfig
from vgateway.events.bus import InProcessBus
from vgateway.events.model import Event, EventMessage
from vgateway.events.service import EventService
from vgateway.events.store import EventStore
from vgateway.evidence import verify_clip
from vgateway.recording import RecordingService
from vgateway.recording.paths import clip_file, manifest_file
from vgateway.tickets.detections import DetectionTicketer
from vgateway.tickets.footage import TicketFootage
from vgateway.tickets.model import Source, TicketStatus
from vgateway.tickets.query import TicketQuery
from vgateway.tickets.service import TicketService
from vgateway.tickets.settings import TicketSettings
from vgateway.tickets.store import TicketStore

S = TicketStatus


def event(
    event_id: str,
    at: float,
    *,
    camera: str = "alpha1",
    rule: str = "park",
    priority: str = "high",
    rule_type: str = "stopped_vehicle",
) -> Event:
    return Event.model_validate(
        {
            "id": event_id,
            "state": "active",
            "rule_id": rule,
            "rule_type": rule_type,
            "rule_name": "违停",
            "priority": priority,
            "camera_id": camera,
            "town": "alpha",
            "zone": "消防通道",
            "label": "car",
            "plate": "浙A12345",
            "started_at": at,
            "updated_at": at,
            "captured_at": at,
        }
    )


def make_service(
    network: NetworkConfig,
    engine: Engine,
    clock: Clock,
    recording: RecordingService | None = None,
    settings: TicketSettings | None = None,
) -> TicketService:
    settings = settings or TicketSettings()
    store = TicketStore(engine, clock=clock)
    footage = TicketFootage(store, recording, settings.hold_after_close_days)
    return TicketService(network, store, footage, settings, clock=clock)


async def test_repeats_join_the_open_ticket_within_the_window(
    network: NetworkConfig, any_engine: Engine, clock: Clock
) -> None:
    settings = TicketSettings.model_validate(
        {
            "events": {
                "dedup_window_s": 600,
                "rules": {"alpha1/chat": {"create": True}, "quiet": {"create": False}},
                "rule_types": {"stopped_vehicle": {"category": "占道停车"}},
            }
        }
    )
    service = make_service(network, any_engine, clock, settings=settings)
    ticketer = DetectionTicketer(service)
    t = clock.now
    first, created = await ticketer.handle(event("e1", t)) or ("", False)
    assert created
    ticket = await service.get(first)
    assert ticket is not None
    assert ticket.source is Source.event and ticket.source_ref == "e1"
    assert ticket.category == "占道停车" and ticket.priority == "high"
    assert ticket.cameras == ["alpha1"] and ticket.town == "alpha"
    assert "浙A12345" in ticket.description and ticket.location == network.camera("alpha1").location
    assert ticket.deadline == t + 4 * 3600  # high: 4 hours

    # the same car keeps triggering: one ticket, every detection on its timeline
    assert await ticketer.handle(event("e2", t + 300)) == (first, False)
    assert await ticketer.handle(event("e3", t + 850)) == (first, False)  # window slides
    assert await ticketer.handle(event("e2", t + 300)) == (first, False)  # delivered twice
    # another rule, another camera, a lower priority, rule overrides
    other_rule = await ticketer.handle(event("e4", t + 10, rule="wrongway", rule_type="wrong_way"))
    other_camera = await ticketer.handle(event("e5", t + 10, camera="alpha2"))
    assert other_rule is not None and other_rule[1] and other_rule[0] != first
    assert other_camera is not None and other_camera[1]
    assert await ticketer.handle(event("e6", t, priority="normal")) is None
    assert await ticketer.handle(event("e7", t, rule="quiet")) is None
    chat = await ticketer.handle(event("e8", t, rule="chat", priority="low"))
    assert chat is not None and chat[1]

    detail = await service.detail(first)
    assert detail is not None
    assert [e.event_id for e in detail.events] == ["e1", "e2", "e3"]
    assert sum(1 for n in detail.notes if n.kind == "event") == 3

    # after the window: a new ticket
    later = await ticketer.handle(event("e9", t + 850 + 601))
    assert later is not None and later[1] and later[0] != first
    # a resolved ticket takes no more detections
    await service.transition(later[0], S.in_progress, author="op")
    await service.transition(later[0], S.resolved, author="op")
    again = await ticketer.handle(event("e10", t + 850 + 700))
    assert again is not None and again[1] and again[0] not in (first, later[0])
    assert ticketer.created == 6 and ticketer.attached == 2


async def test_event_ticket_gets_its_clip_linked_and_held(
    network: NetworkConfig,
    engine: Engine,
    recording: RecordingService,
    street: Footage,
    tmp_path: Path,
) -> None:
    t0 = time.time() - 25
    await publish(recording, "alpha1", street.packets(22, start_wall=t0))
    service = make_service(network, engine, Clock(time.time()), recording)
    ticketer = DetectionTicketer(service)
    found = await ticketer.handle(event("evt-park", t0 + 10))
    assert found is not None
    ticket_id, created = found
    assert created

    def clip_ready() -> bool:
        detail = service.store.detail(ticket_id)
        return bool(detail and detail.clips and detail.clips[0].status != "pending")

    await until(clip_ready, "the event clip")
    detail = await service.detail(ticket_id)
    assert detail is not None
    [linked] = detail.clips
    assert linked.status == "ready", linked.error
    assert (linked.start, linked.end) == (t0 + 10 - 3, t0 + 10 + 2)  # the camera's rolls
    row = recording.store.get(linked.clip_id)
    assert row is not None and row.ticket_id == ticket_id and row.event_id == "evt-park"
    check = verify_clip(clip_file(recording.root, row.id), manifest_file(recording.root, row.id))
    assert check.ok, check.problem
    assert check.manifest is not None and check.manifest["ticket_id"] == ticket_id
    holds = recording.index.holds(ticket_id=ticket_id)
    assert [(h.camera_id, h.start_at, h.end_at, h.until) for h in holds] == [
        ("alpha1", t0 + 7, t0 + 12, None)
    ]
    assert recording.index.is_held("alpha1", t0 + 8, t0 + 9, time.time() + 10 * 86400)
    # a repeat holds its own stretch of footage on the same ticket
    await ticketer.handle(event("evt-park-2", t0 + 18))
    assert len(recording.index.holds(ticket_id=ticket_id)) == 2


async def test_camera_without_recording_still_gets_a_ticket(
    network: NetworkConfig, engine: Engine, recording: RecordingService
) -> None:
    service = make_service(network, engine, Clock(time.time()), recording)
    found = await DetectionTicketer(service).handle(event("e-off", time.time(), camera="alpha2"))
    assert found is not None
    detail = await service.detail(found[0])
    assert detail is not None and detail.clips == []
    assert any("no clip" in n.text and "not recorded" in n.text for n in detail.notes)


async def test_through_the_event_service_and_bus(
    network: NetworkConfig, any_engine: Engine, clock: Clock
) -> None:
    events = EventService(EventStore(any_engine), InProcessBus(), asyncio.get_running_loop())
    await events.start()
    service = make_service(network, any_engine, clock)
    ticketer = DetectionTicketer(service)
    await ticketer.start(events.live)
    try:
        for i in range(3):  # start, update, end of one event, then a repeat
            await events.publish(EventMessage("start", event(f"b{i}", clock.now + i)))
            update = event(f"b{i}", clock.now + i).model_copy(update={"state": "ended"})
            await events.publish(EventMessage("end", update))

        def linked() -> bool:
            return service.store.ticket_for_event("b2") is not None

        await until(linked, "the third event on a ticket")
    finally:
        await ticketer.stop()
        await events.stop()
    tickets = service.store.find(TicketQuery())
    assert len(tickets) == 1
    detail = service.store.detail(tickets[0].id)
    assert detail is not None and [e.event_id for e in detail.events] == ["b0", "b1", "b2"]


@pytest.mark.parametrize("enabled", [False])
async def test_event_tickets_can_be_turned_off(
    network: NetworkConfig, engine: Engine, clock: Clock, enabled: bool
) -> None:
    settings = TicketSettings.model_validate({"events": {"enabled": enabled}})
    service = make_service(network, engine, clock, settings=settings)
    assert await DetectionTicketer(service).handle(event("x", clock.now)) is None
