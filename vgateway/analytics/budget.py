"""The gateway's CPU budget, as the inference stage sees it.

Inference is the only analytics work that can wait: motion checks must keep every camera at its
rate, ingest must never stall. So the inference stage asks `CpuBudget.over()` before each run and
pauses while the whole process (ingest, relay, recording and analytics together) has used more
than its share of the machine over the last few seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable

DEFAULT_SHARE = 0.7  # of the machine's cores: the rest is for the OS, the database, headroom


def default_budget_cores() -> float:
    return round(DEFAULT_SHARE * (os.cpu_count() or 1), 2)


class CpuBudget:
    """Process CPU per wall second over a sliding window, against a limit in cores."""

    def __init__(
        self,
        cores: float | None = None,
        *,
        window_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] = time.process_time,
    ) -> None:
        self.cores = default_budget_cores() if cores is None else cores
        self._window_s = window_s
        self._clock = clock
        self._cpu = cpu
        self._samples: deque[tuple[float, float]] = deque()
        self._lock = threading.Lock()

    def _sample(self) -> tuple[float, float]:
        now, used = self._clock(), self._cpu()
        samples = self._samples
        if not samples or now - samples[-1][0] >= self._window_s / 20:
            samples.append((now, used))
        while len(samples) > 2 and now - samples[1][0] >= self._window_s:
            samples.popleft()
        return now, used

    def usage(self) -> float | None:
        """Cores used over the window (None until there is a tenth of a window to measure)."""
        with self._lock:
            now, used = self._sample()
            start, start_cpu = self._samples[0]
        if now - start < self._window_s / 10:
            return None
        return (used - start_cpu) / (now - start)

    def over(self) -> bool:
        usage = self.usage()
        return usage is not None and usage > self.cores
