"""Splitting RTSP-over-TCP streams and damaging RTP payloads (no network)."""

from __future__ import annotations

import random

from vgateway.simulator.framing import HEADER_LIMIT, Framer, Unit, garble, truncate


def rtp_frame(channel: int, payload: bytes, *, csrc: int = 0, seq: int = 1) -> bytes:
    header = bytes([0x80 | csrc, 96]) + seq.to_bytes(2, "big") + bytes(8) + bytes(4 * csrc)
    packet = header + payload
    return b"$" + bytes([channel]) + len(packet).to_bytes(2, "big") + packet


RESPONSE = b"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nv=0\r\n"
REQUEST = b"DESCRIBE rtsp://127.0.0.1:8554/cam001/main RTSP/1.0\r\nCSeq: 2\r\n\r\n"


def test_framer_splits_messages_and_frames_fed_byte_by_byte() -> None:
    stream = RESPONSE + rtp_frame(0, b"\x7c\x85" + bytes(100)) + rtp_frame(1, b"rtcp") + REQUEST
    framer = Framer()
    units = [unit for byte in stream for unit in framer.feed(bytes([byte]))]
    assert [u.channel for u in units] == [None, 0, 1, None]
    assert b"".join(u.data for u in units) == stream
    assert units[0].data.endswith(b"v=0\r\n")  # body taken by Content-Length


def test_request_method_and_path() -> None:
    unit = Framer().feed(REQUEST)[0]
    assert unit.request_method() == "DESCRIBE"
    assert unit.request_path() == "/cam001/main"
    setup = Unit(b"SETUP rtsp://h:1/cam002/sub/stream=0?x=1 RTSP/1.0\r\n\r\n")
    assert setup.request_path() == "/cam002/sub/stream=0"
    assert Unit(b"OPTIONS * RTSP/1.0\r\n\r\n").request_path() == "*"
    assert Unit(RESPONSE).request_method() is None
    assert Unit(rtp_frame(0, b"x"), 0).request_path() is None


def test_non_rtsp_bytes_pass_through_without_growing_the_buffer() -> None:
    framer = Framer()
    units = framer.feed(b"x" * (HEADER_LIMIT + 10))
    assert len(units) == 1 and len(units[0].data) == HEADER_LIMIT + 10


def test_garble_keeps_header_and_length_and_changes_payload() -> None:
    payload = b"\x7c\x85" + bytes(range(256)) * 4
    frame = Unit(rtp_frame(2, payload, csrc=1), 2)
    damaged = garble(frame, random.Random(1))
    assert len(damaged.data) == len(frame.data)
    header_end = 4 + 12 + 4
    assert damaged.data[: header_end + 2] == frame.data[: header_end + 2]
    assert damaged.data != frame.data


def test_truncate_cuts_payload_and_fixes_the_interleaved_length() -> None:
    frame = Unit(rtp_frame(0, b"\x7c\x85" + bytes(1000)), 0)
    cut = truncate(frame, random.Random(1))
    assert len(cut.data) < len(frame.data)
    assert int.from_bytes(cut.data[2:4], "big") == len(cut.data) - 4
    assert cut.data[4:16] == frame.data[4:16]
    assert Framer().feed(cut.data) == [cut]


def test_damage_spares_rtcp_small_packets_and_messages() -> None:
    rng = random.Random(1)
    rtcp = Unit(rtp_frame(1, bytes(500)), 1)
    sps = Unit(rtp_frame(0, b"\x67" + bytes(20)), 0)
    message = Unit(RESPONSE)
    for unit in (rtcp, sps, message):
        assert garble(unit, rng) == unit
        assert truncate(unit, rng) == unit


def test_oversized_body_passes_through_unbuffered() -> None:
    head = b"SET_PARAMETER rtsp://h/cam001/main RTSP/1.0\r\nContent-Length: 99999999\r\n\r\n"
    units = Framer().feed(head + b"abc")
    assert [u.data for u in units] == [head + b"abc"]
