"""Inbound idempotency: the first request with a key is processed and its answer stored; a
retry with the same key and body gets that answer back, and creates nothing new."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vgateway.errors import GatewayError
from vgateway.tickets.hotline.tables import hotline_requests as req


class IdempotencyConflict(GatewayError):
    status = 409
    code = "idempotency_conflict"


@dataclass(frozen=True)
class Stored:
    status_code: int
    response: str


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


PRUNE_EVERY_S = 3600.0


class IdempotencyStore:
    def __init__(
        self, engine: Engine, keep_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.keep_s = keep_s
        self.clock = clock
        self._pruned_at = float("-inf")

    def begin(self, key: str, endpoint: str, body: bytes) -> Stored | None:
        """None: go ahead (the key is now taken). Stored: answer with it. Raises
        IdempotencyConflict for a key reused with another body, or one still in progress."""
        if self.clock() - self._pruned_at > PRUNE_EVERY_S:
            self._pruned_at = self.clock()
            self.prune(self._pruned_at - self.keep_s)
        digest = body_digest(body)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(req).values(
                        key=key, endpoint=endpoint, body_sha256=digest, created_at=self.clock()
                    )
                )
            return None
        except IntegrityError:
            pass
        with self.engine.connect() as conn:
            row = conn.execute(select(req).where(req.c.key == key)).first()
        if row is None:  # released meanwhile by a failed first attempt: try once more
            return self.begin(key, endpoint, body)
        if row.body_sha256 != digest or row.endpoint != endpoint:
            raise IdempotencyConflict(
                "Idempotency-Key was used before for a different request: use a new key"
            )
        if row.status_code is None:
            raise IdempotencyConflict("a request with this Idempotency-Key is still running")
        return Stored(int(row.status_code), str(row.response or ""))

    def finish(self, key: str, status_code: int, response: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(req)
                .where(req.c.key == key)
                .values(status_code=status_code, response=response)
            )

    def release(self, key: str) -> None:
        """The first attempt failed on our side: let a retry run it again."""
        with self.engine.begin() as conn:
            conn.execute(delete(req).where(req.c.key == key, req.c.status_code.is_(None)))

    def prune(self, older_than: float) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(req).where(req.c.created_at < older_than)).rowcount
