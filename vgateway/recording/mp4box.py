"""Just enough ISO-BMFF parsing to find the readable prefix of a fragmented MP4.

A segment is written as ftyp, moov, then (moof, mdat) pairs, one per GOP. A crash or a full disk
can cut the file anywhere; everything up to the end of the last whole moof+mdat pair is valid.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

_HEADER = struct.Struct(">I4s")


def top_level_boxes(
    handle: io.BufferedIOBase | io.RawIOBase, size: int
) -> list[tuple[str, int, int]]:
    """(type, offset, length) of each whole top-level box within the first `size` bytes."""
    boxes: list[tuple[str, int, int]] = []
    offset = 0
    while offset + 8 <= size:
        handle.seek(offset)
        header = handle.read(16)
        if len(header) < 8:
            break
        length, kind = _HEADER.unpack_from(header)
        if length == 1:
            if len(header) < 16:
                break
            (length,) = struct.unpack_from(">Q", header, 8)
        elif length == 0:  # "to the end of the file": only valid for a finished file
            length = size - offset
        if length < 8 or offset + length > size:
            break
        boxes.append((kind.decode("latin-1"), offset, length))
        offset += length
    return boxes


def readable_prefix(path: Path, size: int | None = None) -> tuple[int, int]:
    """(bytes, fragments) of the valid prefix of a fragmented MP4; (0, 0) if none is usable."""
    total = path.stat().st_size if size is None else size
    with path.open("rb") as handle:
        boxes = top_level_boxes(handle, total)
    kinds = [kind for kind, _, _ in boxes]
    if "moov" not in kinds:
        return 0, 0
    end = 0
    fragments = 0
    for index, (kind, offset, length) in enumerate(boxes):
        if kind == "mdat" and index > 0 and boxes[index - 1][0] == "moof":
            end = offset + length
            fragments += 1
        elif kind != "moof":  # a moof is only whole together with the mdat after it
            end = offset + length
    return (end, fragments) if fragments else (0, 0)


def truncate_to_prefix(path: Path) -> tuple[int, int]:
    """Cut a fragmented MP4 back to its readable prefix; returns (bytes, fragments) kept."""
    size, fragments = readable_prefix(path)
    if fragments and size < path.stat().st_size:
        with path.open("r+b") as handle:
            handle.truncate(size)
            handle.flush()
            os.fsync(handle.fileno())
    return size, fragments


class PrefixFile(io.RawIOBase):
    """A read-only view of the first `size` bytes of a file (for a segment still being written)."""

    def __init__(self, path: Path, size: int) -> None:
        self._handle = path.open("rb")
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        self._handle.seek(self._pos)
        data = self._handle.read(want)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._handle.close()
        super().close()
