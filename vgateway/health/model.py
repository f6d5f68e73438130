"""Per-stream health: state, rates and the last error, updated cheaply on every packet."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from vgateway.media import MediaPacket, StreamInfo
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
        self._packets = 0
        self._bytes = 0
        self._last_packet_at: float | None = None
        self._last_key_at: float | None = None
        self._key_interval: float | None = None
        self._window_start = 0.0
        self._window_packets = 0
        self._window_bytes = 0
        self._fps = 0.0
        self._bitrate = 0.0

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
            self._window_start = 0.0  # rates restart at the first keyframe
            self._last_key_at = None

    def on_packet(self, packet: MediaPacket) -> None:
        """Hot path: called by the ingest thread for every packet.

        Lock-free on purpose: only that thread writes these counters, and a reader (`view`)
        seeing one packet's update half-applied is harmless for statistics. Rates are computed
        once per GOP (keyframe to keyframe), not per packet.
        """
        self._packets += 1
        self._bytes += len(packet.data)
        self._last_packet_at = packet.wallclock
        if packet.keyframe:
            self._on_keyframe(packet)
        if self._state is not CameraState.ONLINE:
            self.set_state(CameraState.ONLINE)

    def _on_keyframe(self, packet: MediaPacket) -> None:
        now = packet.wallclock
        elapsed = now - self._window_start
        if self._window_start and elapsed > 0:
            self._fps = (self._packets - self._window_packets) / elapsed
            self._bitrate = (self._bytes - self._window_bytes) * 8 / elapsed
        self._window_start = now
        self._window_packets, self._window_bytes = self._packets, self._bytes
        ts = packet.seconds()
        last = self._last_key_at
        if ts is not None and last is not None and ts > last:
            self._key_interval = ts - last
        self._last_key_at = ts

    def view(self) -> HealthView:
        now = time.time()
        with self._lock:
            fresh = self._last_packet_at is not None and now - self._last_packet_at < STALE_AFTER_S
            info = self._info
            return HealthView(
                camera_id=self.camera_id,
                stream=self.stream,
                state=self._state,
                since=self._since,
                codec=info.codec if info else None,
                resolution=info.resolution if info and info.width else None,
                browser_playable=info.browser_playable if info else None,
                fps=round(self._fps, 2) if fresh else 0.0,
                bitrate_bps=round(self._bitrate) if fresh else 0.0,
                keyframe_interval_s=(
                    round(self._key_interval, 3) if self._key_interval is not None else None
                ),
                last_error=self._last_error,
                last_error_at=self._last_error_at,
                uptime_s=round(now - self._online_at, 1) if self._online_at else None,
                reconnects=max(0, self._connections - 1),
                packets=self._packets,
                bytes=self._bytes,
                last_packet_at=self._last_packet_at,
            )
