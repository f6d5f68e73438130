"""Per-stream health: state, rates and the last error.

The packet counts and rates come from whoever publishes the stream (`flow`, the hub's
`Stream.stats`): health itself does no work per packet."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from vgateway.media import FlowStats, StreamInfo
from vgateway.redact import redact_text

STALE_AFTER_S = 2.5  # no packet for this long: rates read as zero, the stream is not delivering


class CameraState(StrEnum):
    IDLE = "idle"  # on-demand stream with nobody watching: not pulled, not a fault
    CONNECTING = "connecting"
    ONLINE = "online"
    STALLED = "stalled"
    OFFLINE = "offline"
    AUTH_FAILED = "auth_failed"
    UNSUPPORTED_CODEC = "unsupported_codec"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class StateChange:
    camera_id: str
    stream: str
    state: CameraState
    previous: CameraState
    at: float  # unix time
    error: str | None


@dataclass(frozen=True, slots=True)
class HealthView:
    """A consistent copy of a stream's health for the API and metrics."""

    camera_id: str
    stream: str
    state: CameraState
    since: float
    codec: str | None
    resolution: str | None
    browser_playable: bool | None
    fps: float
    bitrate_bps: float
    keyframe_interval_s: float | None
    last_error: str | None
    last_error_at: float | None
    uptime_s: float | None
    reconnects: int
    packets: int
    bytes: int
    last_packet_at: float | None


class StreamHealth:
    def __init__(
        self,
        camera_id: str,
        stream: str,
        on_change: Callable[[StateChange], None] | None = None,
        initial: CameraState = CameraState.CONNECTING,
        flow: Callable[[], FlowStats] = FlowStats,
    ) -> None:
        self.camera_id = camera_id
        self.stream = stream
        self._on_change = on_change
        self._lock = threading.Lock()
        self._state = initial
        self._since = time.time()
        self._info: StreamInfo | None = None
        self._last_error: str | None = None
        self._last_error_at: float | None = None
        self._online_at: float | None = None
        self._connections = 0
        self._flow = flow

    @property
    def state(self) -> CameraState:
        return self._state

    def set_state(self, state: CameraState, error: str | None = None) -> None:
        if error is not None:
            error = redact_text(error)
        with self._lock:
            if error is not None:
                self._last_error, self._last_error_at = error, time.time()
            previous = self._state
            if previous == state:
                return
            self._state, self._since = state, time.time()
            self._online_at = self._since if state == CameraState.ONLINE else None
            change = StateChange(self.camera_id, self.stream, state, previous, self._since, error)
        if self._on_change is not None:
            self._on_change(change)

    def connected(self, info: StreamInfo) -> None:
        """A new upstream connection was opened (online once packets flow)."""
        with self._lock:
            self._info = info
            self._connections += 1

    def view(self) -> HealthView:
        now = time.time()
        flow = self._flow()
        with self._lock:
            last = flow.last_packet_at
            fresh = last is not None and now - last < STALE_AFTER_S
            info = self._info
            return HealthView(
                camera_id=self.camera_id,
                stream=self.stream,
                state=self._state,
                since=self._since,
                codec=info.codec if info else None,
                resolution=info.resolution if info and info.width else None,
                browser_playable=info.browser_playable if info else None,
                fps=round(flow.fps, 2) if fresh else 0.0,
                bitrate_bps=round(flow.bitrate_bps) if fresh else 0.0,
                keyframe_interval_s=(
                    round(flow.keyframe_interval_s, 3)
                    if flow.keyframe_interval_s is not None
                    else None
                ),
                last_error=self._last_error,
                last_error_at=self._last_error_at,
                uptime_s=round(now - self._online_at, 1) if self._online_at else None,
                reconnects=max(0, self._connections - 1),
                packets=flow.packets,
                bytes=flow.bytes,
                last_packet_at=last,
            )
