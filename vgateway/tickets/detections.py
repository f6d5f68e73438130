"""Detections become tickets: each stored event start either opens a ticket or joins the open
ticket of the same camera and rule seen within the dedup window (one stopped car, one ticket).

Listens to the events feature's live feed (stored messages, in order, on the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from vgateway.events.live import LiveFeed
from vgateway.events.model import PRIORITY_LEVEL, Event, EventMessage
from vgateway.tickets.links import EventLink
from vgateway.tickets.model import Source
from vgateway.tickets.schemas import TicketIn
from vgateway.tickets.service import TicketService
from vgateway.tickets.settings import RuleTicketing

log = logging.getLogger(__name__)
AUTHOR = "system:events"


def describe(event: Event) -> str:
    parts = [event.rule_name]
    if event.plate:
        parts.append(f"车牌 {event.plate}")
    if event.label:
        parts.append(event.label)
    if event.zone:
        parts.append(f"区域 {event.zone}")
    return "，".join(parts)


class DetectionTicketer:
    def __init__(self, service: TicketService) -> None:
        self.service = service
        self.settings = service.settings
        self._task: asyncio.Task[None] | None = None
        self._feed: LiveFeed | None = None
        self._queue: asyncio.Queue[EventMessage] | None = None
        self.created = 0
        self.attached = 0

    async def start(self, feed: LiveFeed) -> None:
        self._feed = feed
        self._queue = feed.subscribe()
        self._task = asyncio.create_task(self._run(self._queue), name="tickets-from-events")

    async def stop(self) -> None:
        if self._feed is not None and self._queue is not None:
            self._feed.unsubscribe(self._queue)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, queue: asyncio.Queue[EventMessage]) -> None:
        while True:
            message = await queue.get()
            if message.kind != "start":
                continue
            try:
                await self.handle(message.event)
            except Exception:
                log.exception("event %s: could not make or update its ticket", message.event.id)

    def ticketing(self, event: Event) -> RuleTicketing | None:
        """How this event is ticketed, or None when it makes no ticket."""
        events = self.settings.events
        if not events.enabled:
            return None
        rule = self.settings.rule_ticketing(event.camera_id, event.rule_id, event.rule_type)
        create = rule.create
        if create is None:
            create = event.priority_level >= PRIORITY_LEVEL[events.min_priority]
        return rule if create else None

    async def handle(self, event: Event) -> tuple[str, bool] | None:
        """(ticket id, created) for a ticketed event; None when the event makes no ticket."""
        rule = self.ticketing(event)
        if rule is None:
            return None
        store = self.service.store
        known = await asyncio.to_thread(store.ticket_for_event, event.id)
        if known is not None:  # delivered again (Redis re-delivery after a restart)
            return known, False
        link = EventLink(event.id, event.camera_id, event.rule_id, event.started_at)
        since = event.started_at - self.settings.events.dedup_window_s
        found = await asyncio.to_thread(
            store.open_ticket_for, event.camera_id, event.rule_id, since
        )
        pre, post = self._rolls(event.camera_id)
        start, end = event.started_at - pre, event.started_at + post
        if found is not None:
            await asyncio.to_thread(store.link_event, found, link, author=AUTHOR)
            await self.service.footage.hold(found, event.camera_id, start, end, AUTHOR)
            self.attached += 1
            return found, False
        spec = TicketIn(
            category=rule.category or "视频巡查发现",
            camera_ids=[event.camera_id],
            description=describe(event),
            priority=rule.priority or event.priority,
            department=rule.department,
        )
        new = self.service.new_ticket(
            spec,
            Source.event,
            source_ref=event.id,
            rule_id=event.rule_id,
            last_event_at=event.started_at,
        )
        ticket = await self.service.create(new, author=AUTHOR, note=f"detection {event.id}")
        await asyncio.to_thread(store.link_event, ticket.id, link, author=AUTHOR)
        if self.settings.events.clip:
            await self.service.footage.capture(
                ticket.id,
                event.camera_id,
                start,
                end,
                by=AUTHOR,
                reason=f"ticket {ticket.id}: {event.rule_name}",
                event_id=event.id,
            )
        else:
            await self.service.footage.hold(ticket.id, event.camera_id, start, end, AUTHOR)
        self.created += 1
        return ticket.id, True

    def _rolls(self, camera_id: str) -> tuple[float, float]:
        pre, post = self.service.footage.rolls(camera_id)
        events = self.settings.events
        return (
            events.pre_roll_s if events.pre_roll_s is not None else pre,
            events.post_roll_s if events.post_roll_s is not None else post,
        )
