"""A real gateway (uvicorn in a thread, free port) for tests that need real connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from tests.fixtures.servers import serve_app


@contextmanager
def serve(app: FastAPI, access_log: bool = False) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL (http://127.0.0.1:PORT).

    With `access_log`, uvicorn's access lines reach the root logger (no log config of its own),
    where the tests look for secrets in them."""
    with serve_app(
        app,
        log_level="info" if access_log else "warning",
        access_log=access_log,
        log_config=None,
    ) as served:
        yield served.base_url
