from __future__ import annotations

from pathlib import Path

from tests.relay.media import clip_packets
from vgateway.relay.h264 import (
    NAL_PPS,
    NAL_SPS,
    KeyframePreparer,
    nal_type,
    parameter_sets_from_extradata,
    split_nals,
)

SPS = bytes.fromhex("674d0028a9501405b4")
PPS = bytes.fromhex("68ee3c80")
IDR = bytes.fromhex("6588801400ff")
P_SLICE = bytes.fromhex("419a0203")


def annexb(*nals: bytes) -> bytes:
    # mix 4- and 3-byte start codes, as cameras do
    return b"".join(
        (b"\x00\x00\x00\x01" if i % 2 == 0 else b"\x00\x00\x01") + n for i, n in enumerate(nals)
    )


def test_split_nals_handles_both_start_codes() -> None:
    assert split_nals(annexb(SPS, PPS, IDR)) == [SPS, PPS, IDR]
    assert split_nals(b"") == []


def test_extradata_in_annexb_and_avcc_layouts() -> None:
    avcc = (
        bytes([1, SPS[1], SPS[2], SPS[3], 0xFF, 0xE1])
        + len(SPS).to_bytes(2, "big")
        + SPS
        + bytes([1])
        + len(PPS).to_bytes(2, "big")
        + PPS
    )
    for extradata in (annexb(SPS, PPS), avcc):
        params = parameter_sets_from_extradata(extradata)
        assert params.sps == (SPS,) and params.pps == (PPS,)
        assert params.codec_string == "avc1.4D0028"
    assert not parameter_sets_from_extradata(b"")
    assert not parameter_sets_from_extradata(b"\x01\x02")  # truncated avcC: no crash


def test_keyframes_get_parameter_sets_from_extradata_when_missing() -> None:
    preparer = KeyframePreparer(annexb(SPS, PPS))
    bare_key = annexb(IDR)
    fixed = preparer.prepare(bare_key, keyframe=True)
    assert [nal_type(n) for n in split_nals(fixed)] == [NAL_SPS, NAL_PPS, 5]
    assert preparer.prepare(annexb(P_SLICE), keyframe=False) == annexb(P_SLICE)
    complete = annexb(SPS, PPS, IDR)
    assert preparer.prepare(complete, keyframe=True) == complete


def test_in_band_parameter_sets_win_over_stale_extradata() -> None:
    new_sps = bytes.fromhex("6764001facd9")
    preparer = KeyframePreparer(annexb(SPS, PPS))
    preparer.prepare(annexb(new_sps, PPS, IDR), keyframe=True)
    fixed = preparer.prepare(annexb(IDR), keyframe=True)
    assert split_nals(fixed)[0] == new_sps


def test_real_clip_without_in_band_parameter_sets(shared_dir: Path) -> None:
    packets = clip_packets(shared_dir, strip_parameter_sets=True)
    key = next(p for p in packets if p.keyframe)
    assert NAL_SPS not in [nal_type(n) for n in split_nals(key.data)]
    assert key.info is not None
    fixed = KeyframePreparer(key.info.extradata).prepare(key.data, keyframe=True)
    assert [nal_type(n) for n in split_nals(fixed)][:2] == [NAL_SPS, NAL_PPS]
