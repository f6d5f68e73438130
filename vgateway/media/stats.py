"""What a stream has delivered: the figures health reports, kept by whoever publishes it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FlowStats:
    """Counts since the stream was created; rates over its latest complete GOP."""

    packets: int = 0
    bytes: int = 0
    last_packet_at: float | None = None  # wallclock
    fps: float = 0.0
    bitrate_bps: float = 0.0
    keyframe_interval_s: float | None = None  # stream time between the last two keyframes
