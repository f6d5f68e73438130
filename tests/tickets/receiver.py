"""A real HTTP receiver for outbound webhooks (uvicorn in a thread on a free port) that checks
signatures, de-duplicates by idempotency key, and can fail on purpose."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fixtures.servers import serve_app
from vgateway.tickets.hotline.signing import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify,
)


@dataclass
class Receiver:
    secret: str
    url: str = ""
    fail_next: int = 0  # answer this many requests with 503 before looking at them
    lose_next: int = 0  # process this many, then stall past the sender's timeout
    stall_s: float = 0.0
    requests: int = 0
    bad_signatures: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)  # once per key, in order
    repeats: list[str] = field(default_factory=list)  # keys seen again after acceptance
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle(self, request: Request) -> JSONResponse:
        body = await request.body()
        with self.lock:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return JSONResponse({"error": "maintenance"}, status_code=503)
        try:
            verify(
                self.secret,
                body,
                request.headers.get(TIMESTAMP_HEADER),
                request.headers.get(SIGNATURE_HEADER),
                now=time.time(),
                window_s=300,
            )
        except SignatureError as exc:
            with self.lock:
                self.bad_signatures += 1
            return JSONResponse({"error": str(exc)}, status_code=401)
        key = request.headers[IDEMPOTENCY_HEADER]
        lose = False
        with self.lock:
            if any(a["key"] == key for a in self.accepted):
                self.repeats.append(key)
            else:
                document = json.loads(body)
                self.accepted.append(
                    {"key": key, "kind": request.headers[EVENT_HEADER], "body": document}
                )
            if self.lose_next > 0:
                self.lose_next -= 1
                lose = True
        if lose:  # processed, but the answer never reaches the sender in time
            await asyncio.sleep(self.stall_s)
        return JSONResponse({"ok": True})

    def kinds(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(a["body"]["ticket"]["id"], a["kind"]) for a in self.accepted]


@contextmanager
def running_receiver(secret: str) -> Iterator[Receiver]:
    receiver = Receiver(secret)
    app = Starlette(routes=[Route("/12345/hook", receiver.handle, methods=["POST"])])
    with serve_app(app, name="the webhook receiver") as served:
        receiver.url = f"{served.base_url}/12345/hook"
        yield receiver
