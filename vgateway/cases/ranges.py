"""Serving the first `size` bytes of a file that is still growing, with HTTP range requests
(a segment being recorded: only its whole fragments are valid)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, of a single-range header; None for the whole file.
    Raises ValueError for a range outside the file."""
    if not header:
        return None
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:
        return None  # multiple ranges or garbage: RFC 9110 lets us send the whole file
    first, last = match.groups()
    if first == "":
        if last == "":
            return None
        length = min(int(last), size)
        return size - length, size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError(f"range {header} outside {size} bytes")
    return start, end


def _read(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk


def prefix_response(path: Path, size: int, request: Request, media_type: str) -> Response:
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "no-store"}
    try:
        wanted = parse_range(request.headers.get("range"), size)
    except ValueError:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
    start, end = wanted if wanted is not None else (0, size - 1)
    headers["Content-Length"] = str(end - start + 1)
    status = 200
    if wanted is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(
        _read(path, start, end), status_code=status, media_type=media_type, headers=headers
    )
