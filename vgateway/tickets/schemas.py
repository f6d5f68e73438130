"""Request bodies of the ticket API (responses are the `model` classes)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from vgateway.recording.schemas import Instant
from vgateway.tickets.model import Priority, TicketStatus

_BODY = ConfigDict(extra="forbid")


class TicketIn(BaseModel):
    """A new ticket. Town, location and deadline default from the cameras and priority."""

    model_config = _BODY

    category: str = Field(min_length=1, max_length=64, description="e.g. 违法停车, 道路遗撒")
    camera_ids: list[str] = Field(default_factory=list, max_length=32)
    town: str | None = Field(default=None, description="Required when no camera is given.")
    grid: str | None = Field(default=None, max_length=128, description="网格")
    location: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", max_length=5000)
    priority: Priority = "normal"
    deadline: Instant | None = Field(default=None, description="Default: from the priority.")
    department: str | None = Field(default=None, max_length=128)


class FromLiveIn(BaseModel):
    """'Record this' on the wall: a ticket with the last `seconds` of a camera."""

    model_config = _BODY

    camera_id: str
    seconds: float = Field(default=30, gt=0, description="Look-back, up to live_max_seconds.")
    category: str = Field(default="视频巡查发现", min_length=1, max_length=64)
    description: str = Field(default="", max_length=5000)
    priority: Priority = "normal"
    grid: str | None = Field(default=None, max_length=128)
    department: str | None = Field(default=None, max_length=128)


class TicketEdit(BaseModel):
    model_config = _BODY

    category: str | None = Field(default=None, min_length=1, max_length=64)
    grid: str | None = Field(default=None, max_length=128)
    location: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=5000)
    priority: Priority | None = None
    deadline: Instant | None = None
    department: str | None = Field(default=None, max_length=128)


class StatusIn(BaseModel):
    model_config = _BODY

    status: TicketStatus
    note: str | None = Field(default=None, max_length=5000)
    department: str | None = Field(default=None, max_length=128, description="For dispatching.")


class NoteIn(BaseModel):
    model_config = _BODY

    text: str = Field(min_length=1, max_length=5000)


class ClipLinkIn(BaseModel):
    """Either an existing clip, or a camera range to clip (playback page: mark in, mark out)."""

    model_config = _BODY

    clip_id: str | None = None
    camera_id: str | None = None
    start: Instant | None = None
    end: Instant | None = None


class CreatedOut(BaseModel):
    ticket_id: str
    clip_id: str | None = Field(description="Clip job id (= clip id) of the footage, if any.")
    clip_error: str | None = None
