from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import av
import pytest

from tests.relay.media import clip_packets
from vgateway.media import MediaPacket
from vgateway.relay.fmp4 import Fragment, Fragmenter, InitSegment, UnsupportedCodec


def run(fragmenter: Fragmenter, packets: list[MediaPacket]) -> list[InitSegment | Fragment]:
    return [item for p in packets for item in fragmenter.push(p)]


def decode(data: bytes) -> list[av.VideoFrame]:
    with av.open(io.BytesIO(data)) as container:
        return list(container.decode(container.streams.video[0]))


@pytest.mark.parametrize("strip", [False, True], ids=["in-band", "extradata-only"])
def test_init_then_one_fragment_per_frame(shared_dir: Path, strip: bool) -> None:
    packets = clip_packets(shared_dir, strip_parameter_sets=strip)[:60]
    fragmenter = Fragmenter()
    items = run(fragmenter, packets)
    fragmenter.close()
    init, fragments = items[0], items[1:]
    assert isinstance(init, InitSegment) and init.data[4:8] == b"ftyp"
    assert init.mime == 'video/mp4; codecs="avc1.4D0028"'
    assert (init.width, init.height) == (640, 352)
    assert all(isinstance(f, Fragment) and f.data[4:8] == b"moof" for f in fragments)
    assert len(fragments) == 59  # each frame leaves the muxer when the next one arrives
    assert [f.keyframe for f in fragments if isinstance(f, Fragment)] == [
        p.keyframe for p in packets[:59]
    ]
    frames = decode(init.data + b"".join(f.data for f in fragments))
    assert len(frames) == 59 and frames[-1].to_ndarray(format="gray").std() > 10


def test_reconnect_with_same_parameters_continues_the_timeline(shared_dir: Path) -> None:
    first = clip_packets(shared_dir, epoch=1)[:30]
    second = clip_packets(shared_dir, epoch=2)[:30]  # timestamps restart from zero
    fragmenter = Fragmenter()
    items = run(fragmenter, first + second)
    assert sum(isinstance(i, InitSegment) for i in items) == 1
    frames = decode(b"".join(i.data for i in items))
    assert len(frames) == 59
    times = [f.pts for f in frames]
    assert times == sorted(times)


def test_new_parameter_sets_start_a_new_init_segment(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir)[:30]
    key = packets[0]
    assert key.keyframe and key.info is not None
    # a camera reconfigured to another profile: different SPS bytes (profile_idc 66)
    changed = key.data.replace(b"\x67\x4d\x00\x28", b"\x67\x42\x00\x28", 1)
    reconfigured = key._replace(data=changed, epoch=2)
    fragmenter = Fragmenter()
    items = run(fragmenter, [*packets[:10], reconfigured])
    inits = [i for i in items if isinstance(i, InitSegment)]
    assert [i.codec_string for i in inits] == ["avc1.4D0028", "avc1.420028"]


def test_hevc_is_refused(shared_dir: Path) -> None:
    packet = clip_packets(shared_dir)[0]
    assert packet.info is not None
    hevc = packet._replace(info=dataclasses.replace(packet.info, codec="hevc"))
    with pytest.raises(UnsupportedCodec) as refused:
        Fragmenter().push(hevc)
    assert refused.value.codec == "hevc"


def test_waits_for_a_keyframe(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir)[1:60]  # joins mid-GOP
    first_key = next(i for i, p in enumerate(packets) if p.keyframe)
    items = run(Fragmenter(), packets)
    assert isinstance(items[0], InitSegment)
    assert len(items) - 1 == len(packets) - first_key - 1
