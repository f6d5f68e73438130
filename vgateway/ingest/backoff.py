"""Capped exponential backoff with jitter, and a cheap probe that cuts a wait short.

With a backoff cap of several seconds, a camera that comes back would wait up to the cap. Cameras
that were unreachable are instead probed with a bare RTSP OPTIONS request (one small TCP exchange,
no media) twice a second, and retried as soon as they answer. Cameras that answered but refused
(wrong password, unsupported) are never probed faster: hammering them would lock accounts.
"""

from __future__ import annotations

import random
import socket
import threading
from urllib.parse import urlsplit


class Backoff:
    def __init__(self, initial_s: float, max_s: float, jitter: float, rng: random.Random) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self.jitter = jitter
        self.attempt = 0
        self._rng = rng

    def next_delay(self) -> float:
        base = min(self.max_s, self.initial_s * 2.0**self.attempt)
        self.attempt = min(self.attempt + 1, 32)
        spread = base * self.jitter
        return max(0.0, float(base) + self._rng.uniform(-spread, spread))

    def reset(self) -> None:
        self.attempt = 0


def rtsp_answers(url: str, timeout: float) -> bool:
    """True when something at the URL's host answers an RTSP OPTIONS request."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return False
    port = parts.port or (322 if parts.scheme == "rtsps" else 554)
    request = f"OPTIONS rtsp://{host}:{port}/ RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(request)
            return sock.recv(16).startswith(b"RTSP/1.0")
    except OSError:
        return False


def wait_or_probe(
    delay: float, stop: threading.Event, url: str | None, probe_interval: float = 0.5
) -> None:
    """Sleep up to `delay`; return early on stop, or when `url` (if given) answers RTSP."""
    if url is None:
        stop.wait(delay)
        return
    remaining = delay
    while remaining > 0 and not stop.is_set():
        step = min(probe_interval, remaining)
        if stop.wait(step):
            return
        remaining -= step
        if rtsp_answers(url, timeout=min(1.0, probe_interval)):
            return
