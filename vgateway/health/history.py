"""The state-change history: recorded off the ingest threads, kept in the main database."""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy import Engine, insert, select

from vgateway.health.model import CameraState, StateChange
from vgateway.storage.db import camera_state_events

log = logging.getLogger(__name__)

_MAX_PENDING = 10_000  # a flapping network must not grow memory without bound


class StateHistory:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: queue.Queue[StateChange | None] = queue.Queue(_MAX_PENDING)
        self._thread = threading.Thread(target=self._write_loop, name="state-history", daemon=True)
        self.lost = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Flush what is queued, then stop the writer."""
        if self._thread.is_alive():
            self._pending.put(None)
            self._thread.join(10)

    def record(self, change: StateChange) -> None:
        """Called from ingest threads; never blocks."""
        try:
            self._pending.put_nowait(change)
        except queue.Full:
            self.lost += 1

    def _write_loop(self) -> None:
        running = True
        while running:
            batch = [self._pending.get()]
            while len(batch) < 500:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            running = None not in batch
            rows = [_row(change) for change in batch if change is not None]
            if not rows:
                continue
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert(camera_state_events), rows)
            except Exception:
                log.exception("could not store %d camera state changes", len(rows))

    def list(self, camera_id: str, limit: int = 50) -> list[StateChange]:
        query = (
            select(camera_state_events)
            .where(camera_state_events.c.camera_id == camera_id)
            .order_by(camera_state_events.c.at.desc(), camera_state_events.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                StateChange(
                    camera_id=row.camera_id,
                    stream=row.stream,
                    state=CameraState(row.state),
                    previous=CameraState(row.previous),
                    at=row.at,
                    error=row.error,
                )
                for row in conn.execute(query)
            ]


def _row(change: StateChange) -> dict[str, object]:
    return {
        "camera_id": change.camera_id,
        "stream": change.stream,
        "state": change.state.value,
        "previous": change.previous.value,
        "at": change.at,
        "error": change.error,
    }
