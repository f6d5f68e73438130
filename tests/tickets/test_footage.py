"""Footage of an open ticket survives retention; after closing it is kept for the configured
period, then retention may delete it. Real recording (segments on disk, the index, holds)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.recording.media import Footage
from tests.recording.media import publish_drained as publish
from tests.tickets.conftest import RECORDING, Clock
from tests.tickets.test_detections import make_service
from vgateway.config import NetworkConfig
from vgateway.hub import Hub
from vgateway.recording import RecordingService, RecordingSettings
from vgateway.tickets.model import Source, TicketStatus
from vgateway.tickets.settings import TicketSettings
from vgateway.tickets.store import NewTicket

S = TicketStatus
KEEP_S = 100.0


@pytest.fixture
async def recording(
    network: NetworkConfig, engine: Engine, tmp_path: Path
) -> AsyncIterator[RecordingService]:
    """Recording whose segments are kept only a minute."""
    settings = RecordingSettings.model_validate({**RECORDING, "retention_days": 60 / 86400})
    service = RecordingService(network, engine, Hub(), settings, tmp_path / "var")
    await service.start()
    yield service
    await service.stop()


async def test_retention_keeps_held_footage_until_close_plus_period(
    network: NetworkConfig, engine: Engine, recording: RecordingService, street: Footage
) -> None:
    t0 = time.time() - 200
    await publish(recording, "alpha1", street.packets(40, start_wall=t0))
    settings = TicketSettings.model_validate({"hold_after_close_days": KEEP_S / 86400})
    clock = Clock(time.time())
    service = make_service(network, engine, clock, recording, settings)
    new = NewTicket(
        category="道路遗撒",
        cameras=("alpha1",),
        town="alpha",
        location="甲镇人民路口",
        description="货车遗撒",
        source=Source.manual,
        priority="normal",
        deadline=clock.now + 3600,
    )
    ticket = await service.create(new, author="op_alpha")
    await service.footage.hold(ticket.id, "alpha1", t0 + 10, t0 + 20, "op_alpha")
    index = recording.index

    def segments() -> list[tuple[float, float]]:
        rows = index.overlapping("alpha1", t0 - 1, t0 + 100)
        return [(r.start_at, r.end_at or 0.0) for r in rows if r.status != "writing"]

    before = segments()
    held = [s for s in before if s[0] < t0 + 20 and s[1] > t0 + 10]
    assert len(before) >= 5 and 2 <= len(held) < len(before)

    # everything is past retention (a minute), but the ticket is open: only the held stay
    recording.retention.run(time.time())
    assert segments() == held

    # closed: kept for the period after closing, then deletable
    for target in (S.in_progress, S.resolved, S.closed):
        await service.transition(ticket.id, target, author="op_alpha")
    closed = await service.get(ticket.id)
    assert closed is not None and closed.closed_at is not None
    [hold] = index.holds(ticket_id=ticket.id)
    assert hold.until == closed.closed_at + KEEP_S
    recording.retention.run(closed.closed_at + KEEP_S - 1)
    assert segments() == held
    recording.retention.run(closed.closed_at + KEEP_S + 1)
    assert segments() == []
