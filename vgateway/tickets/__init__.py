"""Work orders (工单): tickets with a status workflow, a timeline, deadlines and footage.

Owns the `tickets`, `ticket_cameras`, `ticket_notes`, `ticket_events`, `ticket_clips` and
`ticket_sequences` tables, the /api/tickets routes, and (in `hotline/`) the 12345 platform
link: the `hotline_outbox` and `hotline_requests` tables and the /api/hotline routes.
Consumes stored detection events (the events feature's live feed), `RecordingService` (clips
and holds), the auth feature's `authorize` (through its dependencies) and the camera config.
Emits tickets and their changes (REST, and signed webhooks to the 12345 platform), clip
requests for tickets, and recording holds that keep a ticket's footage until it is closed
plus a configured period.
"""

from vgateway.tickets.component import TicketsComponent
from vgateway.tickets.model import Source, Ticket, TicketDetail, TicketStatus
from vgateway.tickets.service import TicketService
from vgateway.tickets.settings import TicketSettings

__all__ = [
    "Source",
    "Ticket",
    "TicketDetail",
    "TicketService",
    "TicketSettings",
    "TicketStatus",
    "TicketsComponent",
]
