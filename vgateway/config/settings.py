"""Process-wide settings: how the gateway serves, and how ingest talks to cameras."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from vgateway.config.types import STRICT_MODEL, NonEmptyStr, Transport
from vgateway.redact import redact_url


class IngestSettings(BaseModel):
    """Defaults for every camera connection; a stream may override its transport."""

    model_config = STRICT_MODEL

    transport: Transport = Field(
        default=Transport.tcp, description="RTSP transport used when a stream does not set one."
    )
    connect_timeout_s: float = Field(
        default=5.0, gt=0, description="Seconds to wait for the RTSP handshake before giving up."
    )
    read_timeout_s: float = Field(
        default=5.0, gt=0, description="Seconds a single socket read may block."
    )
    stall_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description="No packets for this many seconds counts as a stalled stream: reconnect.",
    )
    backoff_initial_s: float = Field(
        default=0.5, gt=0, description="First delay before reconnecting a failed stream."
    )
    backoff_max_s: float = Field(
        default=10.0, gt=0, description="Cap on the exponentially growing reconnect delay."
    )
    backoff_jitter: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Random spread applied to each delay, as a fraction (0.2 = ±20%), so "
        "cameras behind one failed switch do not reconnect in lockstep.",
    )
    read_pacing_frames: int = Field(
        default=2,
        ge=0,
        le=4,
        description="Read each camera when its frames are due, this many frames per wake-up, "
        "instead of waking for every network packet: 2 (the default) takes about a quarter "
        "less ingest CPU on a busy machine for one frame interval of delay; 1 adds at most "
        "4 ms; 0 reads as bytes arrive. A stream someone watches live is read one frame per "
        "wake-up whatever this says (frames in pairs make players stutter).",
    )
    subscriber_queue_packets: int = Field(
        default=250,
        ge=1,
        description="Bounded queue per subscriber; a slower consumer loses packets, not memory.",
    )
    on_demand_idle_s: float = Field(
        default=30.0,
        ge=0,
        description="Stop an on-demand stream this many seconds after its last subscriber left.",
    )

    @model_validator(mode="after")
    def _backoff_order(self) -> Self:
        if self.backoff_initial_s > self.backoff_max_s:
            raise ValueError("backoff_initial_s must not exceed backoff_max_s")
        return self


class GatewaySettings(BaseModel):
    """Where the gateway listens and keeps its state."""

    model_config = STRICT_MODEL

    host: NonEmptyStr = Field(default="127.0.0.1", description="Address the HTTP API binds to.")
    port: int = Field(
        default=8080, ge=0, le=65535, description="HTTP port (0 picks a free port, for tests)."
    )
    database_url: NonEmptyStr = Field(
        default="sqlite:///var/vgateway.db",
        description="SQLAlchemy URL of the event/ticket database (SQLite or PostgreSQL).",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL for cross-process event fan-out; None keeps events in process.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Root log level."
    )
    data_dir: NonEmptyStr = Field(
        default="var", description="Folder for recordings, snapshots and clips."
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Database and Redis URLs may carry passwords; keep them out of logged reprs.
        for name, value in super().__repr_args__():
            secret = name in ("database_url", "redis_url") and isinstance(value, str)
            yield name, redact_url(value) if secret else value
