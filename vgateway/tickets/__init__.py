"""Work orders (工单): tickets with a status workflow, a timeline, deadlines and footage.

Owns the `tickets`, `ticket_cameras`, `ticket_notes`, `ticket_events`, `ticket_clips` and
`ticket_sequences` tables, the /api/tickets routes, and (in `hotline/`) the 12345 platform
link: the `hotline_outbox` and `hotline_requests` tables and the /api/hotline routes.
Consumes stored detection events (the events feature's live feed), `RecordingService` (clips
and holds), the auth feature's `authorize` (through its dependencies) and the camera config.
Emits tickets and their changes (REST, and signed webhooks to the 12345 platform), clip
requests for tickets, and recording holds that keep a ticket's footage until it is closed
plus a configured period.

The names below load on first use, so that the configuration and storage packages can import
`vgateway.tickets.settings` and `vgateway.tickets.tables` without a cycle.
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgateway.tickets.component import TicketsComponent
    from vgateway.tickets.model import Source, Ticket, TicketDetail, TicketStatus
    from vgateway.tickets.service import TicketService
    from vgateway.tickets.settings import TicketSettings

_EXPORTS = MappingProxyType(
    {
        "Source": "vgateway.tickets.model",
        "Ticket": "vgateway.tickets.model",
        "TicketDetail": "vgateway.tickets.model",
        "TicketService": "vgateway.tickets.service",
        "TicketSettings": "vgateway.tickets.settings",
        "TicketStatus": "vgateway.tickets.model",
        "TicketsComponent": "vgateway.tickets.component",
    }
)

__all__ = [
    "Source",
    "Ticket",
    "TicketDetail",
    "TicketService",
    "TicketSettings",
    "TicketStatus",
    "TicketsComponent",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vgateway.tickets' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
