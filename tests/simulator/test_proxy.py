"""The fault proxy against a fake RTSP server on real sockets (no GStreamer)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from vgateway.simulator.faults import FaultBoard, FaultMode
from vgateway.simulator.framing import Framer, Unit
from vgateway.simulator.proxy import start_proxy

PAYLOAD = b"\x7c\x85" + bytes(range(200)) * 3


def rtp(seq: int) -> bytes:
    packet = bytes([0x80, 96]) + seq.to_bytes(2, "big") + bytes(8) + PAYLOAD
    return b"$\x00" + len(packet).to_bytes(2, "big") + packet


@dataclass
class FakeCamera:
    """Answers every request with 200 OK; after PLAY streams an RTP frame every 10 ms."""

    flood: bool = False  # after PLAY, write as fast as possible (for backpressure)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        framer, seq = Framer(), 0
        try:
            while data := await reader.read(4096):
                for unit in framer.feed(data):
                    writer.write(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n")
                    if unit.request_method() == "PLAY":
                        while True:
                            seq += 1
                            writer.write(rtp(seq))
                            await asyncio.sleep(0 if self.flood else 0.01)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@dataclass
class Rig:
    board: FaultBoard
    port: int
    camera: FakeCamera
    upstream: list[tuple[str, int] | None]

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    camera = FakeCamera()
    fake = await asyncio.start_server(camera.handle, "127.0.0.1", 0)
    sock = socket.create_server(("127.0.0.1", 0))
    sock.setblocking(False)
    upstream: list[tuple[str, int] | None] = [("127.0.0.1", fake.sockets[0].getsockname()[1])]
    board = FaultBoard(["cam001", "cam002"])
    proxy = await start_proxy(sock, board, lambda: upstream[0])
    yield Rig(board, sock.getsockname()[1], camera, upstream)
    proxy.close()
    for writer in camera.writers:
        writer.close()
    fake.close()


def request(method: str, camera: str = "cam001") -> bytes:
    return f"{method} rtsp://127.0.0.1/{camera}/main RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode()


async def read_units(reader: asyncio.StreamReader, count: int) -> list[Unit]:
    framer, units = Framer(), []
    async with asyncio.timeout(2):
        while len(units) < count:
            data = await reader.read(65536)
            if not data:
                raise ConnectionError("closed")
            units += framer.feed(data)
    return units


async def play(
    rig: Rig, camera: str = "cam001"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await rig.connect()
    writer.write(request("DESCRIBE", camera) + request("PLAY", camera))
    units = await read_units(reader, 3)
    assert units[0].data.startswith(b"RTSP/1.0 200")
    return reader, writer


async def test_ok_is_transparent(rig: Rig) -> None:
    reader, writer = await play(rig)
    frames = [u for u in await read_units(reader, 10) if u.channel == 0]
    assert frames and all(u.data[16:] == PAYLOAD for u in frames)
    writer.close()


@pytest.mark.parametrize("mode", [FaultMode.GARBLE, FaultMode.TRUNCATE])
async def test_damaging_modes_keep_framing_and_rtp_headers(rig: Rig, mode: FaultMode) -> None:
    reader, writer = await play(rig)
    rig.board.set_mode("cam001", mode)
    await read_units(reader, 3)  # in flight before the switch
    frames = [u for u in await read_units(reader, 20) if u.channel == 0]
    assert frames and all(u.data[4:6] == b"\x80\x60" for u in frames)
    assert all(int.from_bytes(u.data[2:4], "big") == len(u.data) - 4 for u in frames)
    assert all(u.data[16:] != PAYLOAD for u in frames)
    writer.close()


async def test_stall_sends_nothing_then_resumes_on_a_frame_boundary(rig: Rig) -> None:
    reader, writer = await play(rig)
    rig.board.set_mode("cam001", FaultMode.STALL)
    await asyncio.sleep(0.1)
    while True:  # drain what was in flight
        try:
            async with asyncio.timeout(0.2):
                await reader.read(65536)
        except TimeoutError:
            break
    rig.board.set_mode("cam001", FaultMode.OK)
    frames = await read_units(reader, 5)
    assert all(u.channel == 0 and u.data[16:] == PAYLOAD for u in frames)
    writer.close()


async def test_down_closes_open_and_new_connections(rig: Rig) -> None:
    reader, writer = await play(rig)
    rig.board.set_mode("cam001", FaultMode.DOWN)
    async with asyncio.timeout(2):
        while await reader.read(65536):
            pass
    _, other_writer = await play(rig, "cam002")  # other cameras unaffected
    new_reader, new_writer = await rig.connect()
    new_writer.write(request("OPTIONS"))
    async with asyncio.timeout(2):
        assert await new_reader.read() == b""
    for w in (writer, other_writer, new_writer):
        w.close()


async def test_hangup_describe_answers_options_then_closes(rig: Rig) -> None:
    rig.board.set_mode("cam001", FaultMode.HANGUP_DESCRIBE)
    reader, writer = await rig.connect()
    writer.write(request("OPTIONS"))
    assert (await read_units(reader, 1))[0].data.startswith(b"RTSP/1.0 200")
    writer.write(request("DESCRIBE"))
    async with asyncio.timeout(2):
        assert await reader.read() == b""
    writer.close()


async def test_garbage_answers_with_non_rtsp_bytes_then_closes(rig: Rig) -> None:
    rig.board.set_mode("cam001", FaultMode.GARBAGE)
    reader, writer = await rig.connect()
    writer.write(request("OPTIONS"))
    async with asyncio.timeout(2):
        answer = await reader.read()
    assert len(answer) > 100 and not answer.startswith((b"RTSP/", b"$"))
    writer.close()


async def test_server_down_closes_the_client(rig: Rig) -> None:
    rig.upstream[0] = None
    reader, writer = await rig.connect()
    writer.write(request("OPTIONS"))
    async with asyncio.timeout(2):
        assert await reader.read() == b""
    writer.close()


async def test_a_client_that_stops_reading_pushes_back_on_the_server(rig: Rig) -> None:
    rig.camera.flood = True
    _, writer = await rig.connect()
    writer.transport.pause_reading()  # type: ignore[attr-defined]
    writer.write(request("PLAY"))
    await asyncio.sleep(0.5)
    server_side = rig.camera.writers[0]
    # The proxy stopped reading, so the server's own send buffer holds the flood.
    assert server_side.transport.get_write_buffer_size() > 1_000_000
    writer.close()
