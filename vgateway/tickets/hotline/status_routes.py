"""GET /api/hotline/outbox: what was sent to the 12345 platform, and what is still waiting."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from vgateway.auth.deps import require
from vgateway.auth.principal import Action
from vgateway.redact import redact_url
from vgateway.tickets.hotline.link import HotlineLink, get_hotline

router = APIRouter(prefix="/api/hotline", tags=["12345 hotline"])


class OutboxEntryOut(BaseModel):
    id: int
    kind: str
    ticket_id: str
    status: str
    attempts: int
    next_attempt_at: float
    last_status: int | None
    last_error: str | None
    created_at: float
    delivered_at: float | None


class OutboxOut(BaseModel):
    target: str | None
    counts: dict[str, int]
    entries: list[OutboxEntryOut]


@router.get(
    "/outbox",
    response_model=OutboxOut,
    summary="Deliveries to the 12345 platform",
    dependencies=[Depends(require(Action.view_metrics))],
)
async def outbox(
    link: Annotated[HotlineLink, Depends(get_hotline)],
    status: Literal["pending", "delivered", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> OutboxOut:
    rows = await asyncio.to_thread(link.outbox.rows, status, limit)
    counts = await asyncio.to_thread(link.outbox.counts)
    target = link.sender.url if link.sender else None
    return OutboxOut(
        target=redact_url(target) if target else None,
        counts=counts,
        entries=[OutboxEntryOut.model_validate(r.__dict__) for r in rows],
    )
