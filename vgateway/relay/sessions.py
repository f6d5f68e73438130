"""The registry of live viewer sessions (WebRTC and WebSocket alike) and their counters.

Every session registers on open and unregisters on close, whatever ended it (DELETE, ICE
failure, peer or socket closed, shutdown): an empty registry after the viewers leave is the
test that nothing leaked.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from vgateway.hub import StreamKey

Transport = Literal["webrtc", "mse"]
RATE_WINDOW_S = 2.0


@dataclass
class SessionStats:
    """Counters updated on the event loop for every packet or fragment sent."""

    bytes_sent: int = 0
    packets_sent: int = 0
    skips: int = 0
    bitrate_bps: float = 0.0
    fps: float = 0.0
    rtt_ms: float | None = None  # WebRTC only, from the receiver's reports
    packets_lost: int | None = None
    _window_start: float = field(default_factory=time.monotonic)
    _window_bytes: int = 0
    _window_frames: int = 0

    def sent(self, size: int, frames: int = 1) -> None:
        self.bytes_sent += size
        self.packets_sent += frames
        self._window_bytes += size
        self._window_frames += frames
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed >= RATE_WINDOW_S:
            self.bitrate_bps = self._window_bytes * 8 / elapsed
            self.fps = self._window_frames / elapsed
            self._window_start, self._window_bytes, self._window_frames = now, 0, 0


class Session(Protocol):
    id: str
    key: StreamKey
    transport: Transport
    started_at: float
    stats: SessionStats

    @property
    def state(self) -> str: ...

    async def close(self) -> None: ...


def new_session_id() -> str:
    return secrets.token_urlsafe(12)


def session_view(session: Session) -> dict[str, object]:
    stats = session.stats
    return {
        "session_id": session.id,
        "camera_id": session.key.camera_id,
        "role": session.key.role,
        "transport": session.transport,
        "state": session.state,
        "started_at": session.started_at,
        "bytes_sent": stats.bytes_sent,
        "packets_sent": stats.packets_sent,
        "skips": stats.skips,
        "bitrate_bps": round(stats.bitrate_bps),
        "fps": round(stats.fps, 1),
        "rtt_ms": stats.rtt_ms,
        "packets_lost": stats.packets_lost,
    }


class SessionRegistry:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def add(self, session: Session) -> None:
        self._sessions[session.id] = session

    def discard(self, session: Session) -> None:
        if self._sessions.get(session.id) is session:
            del self._sessions[session.id]

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def all(self) -> list[Session]:
        return list(self._sessions.values())

    def for_stream(self, key: StreamKey) -> list[Session]:
        return [s for s in self._sessions.values() if s.key == key]

    def __len__(self) -> int:
        return len(self._sessions)
