"""The gateway <-> relay worker framing, over a real socketpair."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from tests.relay.media import clip_packets
from vgateway.hub import StreamKey
from vgateway.relay.wire import (
    WireError,
    encode,
    info_from_wire,
    packet_frame,
    packet_from_wire,
    read_frame,
)


async def test_packets_and_info_survive_the_socket(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir)[:30]
    key = StreamKey("cam001", "sub")
    ours, theirs = socket.socketpair()
    reader, kept = await asyncio.open_unix_connection(sock=ours)  # kept: GC would close it
    _unused, writer = await asyncio.open_unix_connection(sock=theirs)
    for index, packet in enumerate(packets):
        writer.write(packet_frame(key, packet, send_info=index == 0))
    writer.write(encode({"t": "close", "s": "abc"}))
    await writer.drain()
    info = None
    for index, sent in enumerate(packets):
        header, payload = await read_frame(reader)
        assert (header["c"], header["r"]) == key
        assert ("i" in header) == (index == 0)
        if "i" in header:
            info = info_from_wire(header["i"])
        assert packet_from_wire(header, payload, info) == sent
    assert await read_frame(reader) == ({"t": "close", "s": "abc"}, b"")
    writer.close()
    with pytest.raises(asyncio.IncompleteReadError):
        await read_frame(reader)
    kept.close()


async def test_garbage_is_refused() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"\xff\xff\xff\xff\x00\x00\x00\x01")
    with pytest.raises(WireError):
        await read_frame(reader)
