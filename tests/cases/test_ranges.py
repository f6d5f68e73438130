"""Byte ranges of a growing file (a segment being recorded): parsing and the served slice."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from vgateway.cases.ranges import parse_range, prefix_response


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-", (0, 99)),
        ("bytes=10-19", (10, 19)),
        ("bytes=90-500", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-1", None),
    ],
)
def test_parse(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


def test_outside_the_file() -> None:
    with pytest.raises(ValueError):
        parse_range("bytes=100-", 100)


def test_serves_only_the_valid_prefix(tmp_path: Path) -> None:
    path = tmp_path / "growing.mp4"
    path.write_bytes(bytes(range(256)) * 4)  # 1024 bytes on disk, 600 of them whole

    def endpoint(request: Request) -> Response:
        return prefix_response(path, 600, request, "video/mp4")

    client = TestClient(Starlette(routes=[Route("/f", endpoint)]))
    whole = client.get("/f")
    assert whole.status_code == 200 and len(whole.content) == 600
    assert whole.headers["accept-ranges"] == "bytes"
    part = client.get("/f", headers={"Range": "bytes=590-700"})
    assert part.status_code == 206 and part.headers["content-range"] == "bytes 590-599/600"
    assert part.content == path.read_bytes()[590:600]
    assert client.get("/f", headers={"Range": "bytes=600-"}).status_code == 416
