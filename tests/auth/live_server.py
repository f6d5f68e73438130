"""A real gateway (uvicorn in a thread, free port) for tests that need real connections."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from tests.fixtures.waiting import wait_for


@contextmanager
def serve(app: FastAPI, access_log: bool = False) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL (http://127.0.0.1:PORT)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="info" if access_log else "warning",
        access_log=access_log,
        log_config=None,
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),))
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), 30, "uvicorn to start")
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        loop.close()
