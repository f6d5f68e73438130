"""Clip jobs: what a client polls while a clip waits for its post-roll and is written."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum

from vgateway.recording.clipstore import ClipRow

MAX_JOBS = 1000


class JobStatus(StrEnum):
    waiting = "waiting"  # collecting live packets until the end of the range (post-roll)
    writing = "writing"
    ready = "ready"
    failed = "failed"


@dataclass
class ClipJob:
    id: str  # the clip's id as well
    camera_id: str
    start: float
    end: float
    created_at: float = field(default_factory=time.time)
    status: JobStatus = JobStatus.waiting
    progress: float = 0.0
    error: str | None = None
    note: str | None = None
    clip: ClipRow | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def fail(self, error: str) -> None:
        self.status, self.error = JobStatus.failed, error
        self.finished.set()


class JobTable:
    """Recent jobs in memory; older finished ones are forgotten (their clip row remains)."""

    def __init__(self, limit: int = MAX_JOBS) -> None:
        self._jobs: OrderedDict[str, ClipJob] = OrderedDict()
        self._limit = limit

    def add(self, job: ClipJob) -> None:
        self._jobs[job.id] = job
        while len(self._jobs) > self._limit:
            oldest = next(
                (k for k, j in self._jobs.items() if j.finished.is_set()), next(iter(self._jobs))
            )
            del self._jobs[oldest]

    def get(self, job_id: str) -> ClipJob | None:
        return self._jobs.get(job_id)

    def running(self) -> list[ClipJob]:
        return [j for j in self._jobs.values() if not j.finished.is_set()]
