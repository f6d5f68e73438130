"""Per-camera fault modes and the live proxy connections they act on."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from typing import Protocol

log = logging.getLogger(__name__)


class FaultMode(enum.StrEnum):
    """What the proxy does to one camera's RTSP connections (both streams)."""

    OK = "ok"  # transparent
    DOWN = "down"  # camera unplugged: connections closed, new ones closed at their first request
    STALL = "stall"  # frozen camera: connections stay open, nothing reaches the client
    GARBLE = "garble"  # random bytes of RTP payloads flipped (RTP header intact)
    TRUNCATE = "truncate"  # RTP payloads cut short: NAL units arrive truncated
    HANGUP_DESCRIBE = "hangup_describe"  # TCP connection closed when a DESCRIBE arrives
    GARBAGE = "garbage"  # random non-RTSP bytes answer the first request, then close

    @classmethod
    def parse(cls, value: str) -> FaultMode:
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(mode.value for mode in cls)
            raise ValueError(f"unknown fault mode {value!r}; choose one of: {choices}") from None


# Modes under which an open connection cannot go on: it is closed when the mode is set.
CLOSING_MODES = frozenset({FaultMode.DOWN, FaultMode.GARBAGE})


class Closable(Protocol):
    def close(self) -> None: ...


class FaultBoard:
    """Current fault mode of each camera, and the open connections to close when it changes."""

    def __init__(self, camera_ids: Iterable[str]) -> None:
        self._cameras = tuple(camera_ids)
        self._modes: dict[str, FaultMode] = dict.fromkeys(self._cameras, FaultMode.OK)
        self._connections: dict[str, set[Closable]] = {}

    @property
    def cameras(self) -> tuple[str, ...]:
        return self._cameras

    def knows(self, camera_id: str) -> bool:
        return camera_id in self._modes

    def mode(self, camera_id: str | None) -> FaultMode:
        if camera_id is None:
            return FaultMode.OK
        return self._modes.get(camera_id, FaultMode.OK)

    def modes(self) -> dict[str, str]:
        return {camera: mode.value for camera, mode in self._modes.items()}

    def set_mode(self, camera_id: str, mode: FaultMode) -> None:
        if camera_id not in self._modes:
            raise KeyError(camera_id)
        previous, self._modes[camera_id] = self._modes[camera_id], mode
        if previous != mode:
            log.info("camera %s: fault %s -> %s", camera_id, previous.value, mode.value)
        if mode in CLOSING_MODES:
            for connection in list(self._connections.get(camera_id, ())):
                connection.close()

    def attach(self, camera_id: str, connection: Closable) -> None:
        self._connections.setdefault(camera_id, set()).add(connection)

    def detach(self, camera_id: str, connection: Closable) -> None:
        connections = self._connections.get(camera_id)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del self._connections[camera_id]

    def open_connections(self, camera_id: str) -> int:
        return len(self._connections.get(camera_id, ()))
