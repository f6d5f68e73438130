"""What the GStreamer server serves, seen by a PyAV client through the simulator (real parts)."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import pytest

from tests.fixtures.rtsp import StreamReader, require_gst_rtsp_server
from vgateway.simulator.client import SimulatorProcess

pytestmark = pytest.mark.rtsp

PATTERN_LOOP_FRAMES = 100  # gst_server: 4 s of pattern at 25 fps


@pytest.fixture(scope="module")
def pattern_simulator() -> Iterator[SimulatorProcess]:
    """No media folder (generated pattern), one H.265 and one MPEG-4 camera."""
    require_gst_rtsp_server()
    codecs = {"cam002": "h265", "cam003": "mpeg4"}
    with SimulatorProcess(cameras=3, media_dir=None, codecs=codecs) as sim:
        yield sim


def _strictly_increasing(values: list[int]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


def test_sub_stream_is_the_residential_clip_in_h264(shared_simulator: SimulatorProcess) -> None:
    with StreamReader(shared_simulator.url("cam001", "sub")) as reader:
        packets = reader.read(count=30)
        assert (reader.codec, reader.size) == ("h264", (640, 352))
    assert len(packets) == 30
    assert packets[0].keyframe
    nal_types = {nal[0] & 0x1F for nal in _nals(packets[0].data)}
    assert {7, 8, 5} <= nal_types  # SPS and PPS in-band before the IDR


def test_sub_gop_serves_the_clip_re_encoded_with_that_keyframe_interval(shared_dir: Path) -> None:
    """A camera set to a 1 s I-frame interval: a keyframe every 24 frames, at the clip's bitrate."""
    require_gst_rtsp_server()
    media = shared_dir / "media" / "videos"
    with SimulatorProcess(cameras=1, media_dir=media, sub_gop_s=1.0) as sim:
        with StreamReader(sim.url("cam001", "sub")) as reader:
            packets = reader.read(count=24 * 4 + 1, seconds=15)
            assert (reader.codec, reader.size) == ("h264", (640, 352))
        with StreamReader(sim.url("cam001", "main")) as reader:
            main = reader.read(count=1)
            assert reader.size == (960, 540)  # main streams stay as shot
    assert main and main[0].keyframe
    keyframes = [i for i, p in enumerate(packets) if p.keyframe]
    assert keyframes == [0, 24, 48, 72, 96]
    kbits = sum(len(p.data) for p in packets) * 8 / (len(packets) / 24) / 1000
    assert 300 < kbits < 900  # the clip as shot: 535 kbit/s


def test_out_of_step_cameras_show_different_moments_with_whole_keyframes(shared_dir: Path) -> None:
    """Cameras sharing the sub clip start at their own keyframes. Read together, each stream
    keeps its keyframes and a timestamp a frame apart (with shallow buffer copies, cameras at
    different points of the clip re-timed each other's frames: pts jumped 6 s back and on)."""
    require_gst_rtsp_server()
    media = shared_dir / "media" / "videos"
    with SimulatorProcess(cameras=12, media_dir=media, sub_gop_s=1.0, out_of_step=True) as sim:
        readers = [StreamReader(sim.url(camera, "sub")) for camera in sim.camera_ids]
        try:
            with ThreadPoolExecutor(len(readers)) as pool:
                streams = list(pool.map(lambda r: r.read(count=24 * 12, seconds=30), readers))
        finally:
            for reader in readers:
                reader.close()
    for packets in streams:
        keyframes = [i for i, p in enumerate(packets) if p.keyframe]
        # every 24 frames; the clip's last frame is a keyframe too, so its loop point adds one
        assert keyframes[0] == 0 and len(keyframes) >= 5
        assert max(b - a for a, b in itertools.pairwise(keyframes)) == 24
        steps = {b.pts - a.pts for a, b in itertools.pairwise(packets) if a.pts and b.pts}
        assert max(steps) - min(steps) <= 1, steps  # one frame each (90 kHz, 24 fps: 3750)
    first_pictures = {hashlib.sha256(packets[0].data).hexdigest() for packets in streams}
    assert len(first_pictures) >= 4  # 12 cameras over the clip's 12 keyframes


def test_main_streams_rotate_clips_and_keep_b_frame_timing(
    shared_simulator: SimulatorProcess,
) -> None:
    sizes = []
    for camera in ("cam001", "cam002", "cam003"):
        with StreamReader(shared_simulator.url(camera, "main")) as reader:
            packets = reader.read(count=25)
            sizes.append(reader.size)
        dts = [p.dts for p in packets if p.dts is not None]
        assert len(dts) > 15 and _strictly_increasing(dts)
    assert sizes == [(960, 540), (626, 360), (640, 352)]


def test_pattern_loops_without_timestamps_going_back(
    pattern_simulator: SimulatorProcess,
) -> None:
    """No media folder: the generated pattern is served; dts keep rising across the loop point."""
    with StreamReader(pattern_simulator.url("cam001", "sub")) as reader:
        packets = reader.read(count=PATTERN_LOOP_FRAMES + 15, seconds=15)
        assert (reader.codec, reader.size) == ("h264", (640, 352))
    dts = [p.dts for p in packets if p.dts is not None]
    assert len(dts) > PATTERN_LOOP_FRAMES  # crossed the loop point
    assert _strictly_increasing(dts)
    keyframes = [i for i, p in enumerate(packets) if p.keyframe]
    assert len(keyframes) >= 2  # IDRs recur (GOP 2 s), SPS/PPS with each
    assert all({7, 8} <= {n[0] & 0x1F for n in _nals(packets[i].data)} for i in keyframes)


@pytest.mark.parametrize(("camera", "codec"), [("cam002", "hevc"), ("cam003", "mpeg4")])
def test_codec_overrides_are_served(
    pattern_simulator: SimulatorProcess, camera: str, codec: str
) -> None:
    with StreamReader(pattern_simulator.url(camera, "sub")) as reader:
        packets = reader.read(count=20)
        assert (reader.codec, reader.size) == (codec, (640, 352))
    pts = [p.pts for p in packets[1:]]  # FFmpeg leaves the very first packet without one
    assert None not in pts and _strictly_increasing(pts)


def test_session_count_follows_clients(shared_simulator: SimulatorProcess) -> None:
    assert shared_simulator.wait_sessions("cam004", "sub", 0) == 0
    with StreamReader(shared_simulator.url("cam004", "sub")) as first:
        first.read(count=2)
        assert shared_simulator.wait_sessions("cam004", "sub", 1) == 1
        with StreamReader(shared_simulator.url("cam004", "sub")) as second:
            second.read(count=2)
            assert shared_simulator.wait_sessions("cam004", "sub", 2) == 2
        assert shared_simulator.wait_sessions("cam004", "sub", 1) == 1
    assert shared_simulator.wait_sessions("cam004", "sub", 0) == 0
    assert shared_simulator.sessions("cam004", "main") == 0


def test_udp_transport_works_through_the_proxy(shared_simulator: SimulatorProcess) -> None:
    with StreamReader(shared_simulator.url("cam002", "sub"), transport="udp") as reader:
        packets = reader.read(count=20, seconds=10)
        assert shared_simulator.wait_sessions("cam002", "sub", 1) == 1
    assert len(packets) == 20
    assert shared_simulator.wait_sessions("cam002", "sub", 0) == 0


def test_down_ends_udp_sessions_in_the_server(simulator: SimulatorProcess) -> None:
    """Over UDP, RTP does not pass the proxy: the server itself must end the sessions."""
    with StreamReader(simulator.url("cam003", "sub"), transport="udp") as reader:
        reader.read(count=5)
        assert simulator.wait_sessions("cam003", "sub", 1) == 1
        simulator.set_fault("cam003", "down")
        assert simulator.wait_sessions("cam003", "sub", 0, timeout=5) == 0  # not after 20 s


def test_unknown_mount_is_refused(shared_simulator: SimulatorProcess) -> None:
    with pytest.raises(av.FFmpegError):
        StreamReader(shared_simulator.url("cam999", "main"), timeout_s=3)


def test_served_bytes_are_the_clip_bytes(
    shared_simulator: SimulatorProcess, shared_dir: Path
) -> None:
    """No re-encoding: every picture NAL a client receives is a NAL of the clip file."""
    clip = _clip_picture_nals(shared_dir / "media/videos/residential_street_cam_640x352.mp4")
    with StreamReader(shared_simulator.url("cam003", "sub")) as reader:
        packets = reader.read(count=40)
    received = [n for p in packets for n in _nals(p.data) if n[0] & 0x1F in (1, 5)]
    assert len(received) >= 40
    assert all(nal in clip for nal in received)


def _nals(data: bytes) -> list[bytes]:
    from tests.fixtures.rtsp import annexb_nal_units

    return annexb_nal_units(data)


def _clip_picture_nals(path: Path) -> set[bytes]:
    from tests.fixtures.rtsp import avcc_nal_units

    with av.open(str(path)) as container:
        return {
            nal
            for packet in container.demux(video=0)
            for nal in avcc_nal_units(bytes(packet))
            if nal and nal[0] & 0x1F in (1, 5)
        }
