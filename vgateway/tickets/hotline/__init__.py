"""The 12345 hotline link: ticket changes out, tickets, status and footage requests in.

Owns the `hotline_outbox` (changes to deliver, written in the ticket's own transaction) and
`hotline_requests` (inbound idempotency keys) tables, HMAC-SHA256 signing both ways, the
sender task with exponential backoff, and the /api/hotline routes.
Consumes ticket changes (the ticket store's change hook) and the ticket service.
Emits signed POSTs to the configured URL (ticket.created / ticket.updated / ticket.closed).
"""
