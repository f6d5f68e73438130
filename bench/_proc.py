"""Process CPU and memory from /proc (Linux), for benchmarks that compare processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct and indirect child processes."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                for child in handle.read().split():
                    found.append(int(child))
                    found.extend(children(int(child)))
    except FileNotFoundError:
        pass
    return found


def measure(pids: Iterable[int], seconds: float) -> tuple[float, int]:
    """Cores used (CPU seconds per wall second) over `seconds`, and RSS at the end."""
    pids = list(pids)
    start_cpu = sum(cpu_seconds(p) for p in pids)
    start = time.monotonic()
    time.sleep(seconds)
    cores = (sum(cpu_seconds(p) for p in pids) - start_cpu) / (time.monotonic() - start)
    return cores, sum(rss_bytes(p) for p in pids)
