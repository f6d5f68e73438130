"""RtspSource: which health state a PyAV/OS failure maps to, and pumping a real server."""

from __future__ import annotations

import errno
import itertools
import time

import av
import pytest

from vgateway.config import Transport
from vgateway.hub import Stream, StreamKey
from vgateway.ingest.source import RtspSource, SourceOptions, classify
from vgateway.media import MediaPacket
from vgateway.simulator.client import SimulatorProcess


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


@pytest.mark.rtsp
@pytest.mark.parametrize(
    ("transport", "pace"),
    [(Transport.tcp, 2), (Transport.tcp, 1), (Transport.tcp, 0), (Transport.udp, 2)],
)
def test_pump_through_a_real_server_delivers_every_frame_in_order_and_keeps_up(
    shared_simulator: SimulatorProcess, transport: Transport, pace: int
) -> None:
    url = shared_simulator.url(shared_simulator.camera_ids[0], "sub")
    stream = Stream(StreamKey("cam", "sub"))
    arrived: list[tuple[int, float]] = []

    class Until:
        stopping = False
        watched = False

    def sink(packet: MediaPacket) -> None:
        assert packet.dts is not None
        arrived.append((packet.dts, time.monotonic()))
        stream.publish(packet)
        Until.stopping = len(arrived) >= 72  # 3 s of a 24 fps camera

    options = SourceOptions(transport, 5.0, 5.0, pace_frames=pace)
    with RtspSource(url, options) as source:
        source.pump(stream.begin_epoch(source.open()), sink, Until(), lambda: None)
    stamps = [dts for dts, _ in arrived]
    steps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(abs(step - 90000 / 24) <= 1 for step in steps)  # none skipped or repeated
    # still live: the last frame is read no later than the most punctual one, plus two frames
    lags = [at - dts / 90000 for dts, at in arrived[24:]]
    assert lags[-1] - min(lags) < 0.15


@pytest.mark.rtsp
@pytest.mark.parametrize("viewer", [False, True])
def test_a_watched_stream_is_read_frame_by_frame_whatever_the_pacing_setting(
    shared_simulator: SimulatorProcess, monkeypatch: pytest.MonkeyPatch, viewer: bool
) -> None:
    url = shared_simulator.url(shared_simulator.camera_ids[1], "sub")
    sleeps: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    count = 0

    class Until:
        stopping = False
        watched = viewer

    def sink(packet: MediaPacket) -> None:
        nonlocal count
        count += 1
        Until.stopping = count >= 96  # 4 s of a 24 fps camera

    options = SourceOptions(Transport.tcp, 5.0, 5.0, pace_frames=2)
    with RtspSource(url, options) as source:
        source.open()
        source.pump(1, sink, Until(), lambda: None)
    frame = 1 / 24
    assert sleeps  # paced either way
    if viewer:  # one frame per wake: no sleep spans two frame intervals
        assert max(sleeps) < 1.5 * frame
    else:  # two per wake: sleeps span about two intervals
        assert max(sleeps) > 1.5 * frame
