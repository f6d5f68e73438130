"""Error classification: which health state a PyAV/OS failure maps to."""

from __future__ import annotations

import errno

import av

from vgateway.ingest.source import classify


def test_port_containing_401_is_not_an_auth_failure() -> None:
    exc = av.error.InvalidDataError(
        errno.EINVAL,
        "Invalid data found when processing input",
        "rtsp://127.0.0.1:40193/cam002/sub",
    )
    assert classify(exc).kind == "offline"


def test_unauthorized_reply_is_an_auth_failure() -> None:
    assert classify(OSError("Server returned 401 Unauthorized (authorization failed)")).kind == (
        "auth_failed"
    )


def test_refused_and_timeout() -> None:
    assert classify(ConnectionRefusedError("refused")).kind == "offline"
    assert classify(TimeoutError("Connection timed out")).kind == "stalled"
