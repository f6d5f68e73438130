"""Failed-login throttling, per user name and per client address (in this process)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

_MAX_KEYS = 10_000  # bound memory under a spray of random names


class LoginThrottle:
    def __init__(
        self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_failures
        self._window = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, user: str, address: str | None) -> float | None:
        """Seconds until a login may be tried again, or None if it may be tried now."""
        now = self._clock()
        waits = []
        for key in self._keys(user, address):
            times = self._recent(key, now)
            if len(times) >= self._max:
                waits.append(times[0] + self._window - now)
        return max(waits) if waits else None

    def failed(self, user: str, address: str | None) -> None:
        now = self._clock()
        if len(self._failures) >= _MAX_KEYS:
            self._prune(now)
        for key in self._keys(user, address):
            self._failures.setdefault(key, deque(maxlen=self._max)).append(now)

    def succeeded(self, user: str) -> None:
        # The address keeps its record: one good password must not reset a spray.
        self._failures.pop(f"user:{user}", None)

    def _keys(self, user: str, address: str | None) -> list[str]:
        return [f"user:{user}"] + ([f"addr:{address}"] if address else [])

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        return times

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
        if len(self._failures) >= _MAX_KEYS:  # still full: forget the oldest half
            for key in list(self._failures)[: _MAX_KEYS // 2]:
                del self._failures[key]
