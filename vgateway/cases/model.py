"""The case record: a group of tickets and clips under investigation, with investigators."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from vgateway.tickets.model import Ticket


class CaseStatus(StrEnum):
    open = "open"
    closed = "closed"


class Case(BaseModel):
    id: str = Field(description="The case number, e.g. AJ-20261126-0001.")
    title: str
    description: str
    status: CaseStatus
    created_by: str
    created_at: float
    updated_at: float
    closed_at: float | None
    ticket_ids: list[str]
    clip_ids: list[str] = Field(description="Clips put in the case directly.")


class CaseClip(BaseModel):
    """A clip of the case (directly, or through one of its tickets)."""

    id: str
    camera_id: str
    start: float | None
    end: float | None
    bytes: int
    status: str
    ticket_id: str | None
    via: str = Field(description="'case', or the ticket it belongs to")


class CaseDetail(Case):
    investigators: list[str]
    tickets: list[Ticket]
    clips: list[CaseClip]


_BODY = ConfigDict(extra="forbid")


class CaseIn(BaseModel):
    model_config = _BODY

    title: str = Field(min_length=1, max_length=256)
    description: str = Field(default="", max_length=10000)
    ticket_ids: list[str] = Field(default_factory=list, max_length=500)
    clip_ids: list[str] = Field(default_factory=list, max_length=500)
    investigators: list[str] = Field(default_factory=list, max_length=50)


class CaseEdit(BaseModel):
    model_config = _BODY

    title: str | None = Field(default=None, min_length=1, max_length=256)
    description: str | None = Field(default=None, max_length=10000)
    status: CaseStatus | None = Field(default=None, description="'closed' closes the case.")


class CaseItemsIn(BaseModel):
    """Tickets and clips to add to (or, with remove, take out of) a case."""

    model_config = _BODY

    ticket_ids: list[str] = Field(default_factory=list, max_length=500)
    clip_ids: list[str] = Field(default_factory=list, max_length=500)
    remove: bool = False


class ReasonIn(BaseModel):
    model_config = _BODY

    reason: str = Field(min_length=1, max_length=2000, description="Why (audited).")
