"""Just enough H.264 bitstream handling to pass camera packets through unchanged.

FFmpeg's RTSP demuxer hands out Annex-B access units; many cameras send SPS/PPS only in the SDP
(which FFmpeg turns into extradata), so a keyframe on the wire may not be decodable by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

NAL_SLICE_IDR = 5
NAL_SPS = 7
NAL_PPS = 8
START_CODE = b"\x00\x00\x00\x01"


def split_nals(data: bytes) -> list[bytes]:
    """The NAL units of an Annex-B buffer, without start codes."""
    nals: list[bytes] = []
    start = data.find(b"\x00\x00\x01")
    while start != -1:
        begin = start + 3
        nxt = data.find(b"\x00\x00\x01", begin)
        end = len(data) if nxt == -1 else nxt
        # a 4-byte start code leaves its leading zero on the previous unit
        nal = data[begin:end].rstrip(b"\x00") if nxt != -1 else data[begin:end]
        if nal:
            nals.append(nal)
        start = nxt
    return nals


def nal_type(nal: bytes) -> int:
    return nal[0] & 0x1F


@dataclass(frozen=True, slots=True)
class ParameterSets:
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]

    def __bool__(self) -> bool:
        return bool(self.sps and self.pps)

    def annexb(self) -> bytes:
        return b"".join(START_CODE + nal for nal in (*self.sps, *self.pps))

    @property
    def codec_string(self) -> str:
        """RFC 6381 codec parameter ("avc1.PPCCLL") for MSE, from the first SPS."""
        if not self.sps or len(self.sps[0]) < 4:
            return "avc1.42E01F"
        return "avc1." + self.sps[0][1:4].hex().upper()


NO_PARAMETER_SETS = ParameterSets((), ())


def parameter_sets_in(nals: list[bytes]) -> ParameterSets:
    sps = tuple(n for n in nals if nal_type(n) == NAL_SPS)
    pps = tuple(n for n in nals if nal_type(n) == NAL_PPS)
    return ParameterSets(sps, pps)


def parameter_sets_from_extradata(extradata: bytes) -> ParameterSets:
    """SPS/PPS from codec extradata, either Annex-B (RTSP) or avcC (MP4) layout."""
    if not extradata:
        return NO_PARAMETER_SETS
    if extradata[0] != 1:
        return parameter_sets_in(split_nals(extradata))
    return _parse_avcc(extradata)


def _parse_avcc(data: bytes) -> ParameterSets:
    try:
        pos = 5
        sets: list[list[bytes]] = [[], []]
        for index in range(2):
            count = data[pos] & (0x1F if index == 0 else 0xFF)
            pos += 1
            for _ in range(count):
                size = int.from_bytes(data[pos : pos + 2], "big")
                sets[index].append(data[pos + 2 : pos + 2 + size])
                pos += 2 + size
        return ParameterSets(tuple(sets[0]), tuple(sets[1]))
    except IndexError:
        return NO_PARAMETER_SETS


class KeyframePreparer:
    """Makes every keyframe self-contained by prepending the parameter sets it lacks.

    Remembers the latest in-band SPS/PPS so a camera that changes them mid-stream (new
    resolution after a reconfiguration) is followed; extradata is the fallback.
    """

    def __init__(self, extradata: bytes = b"") -> None:
        self.params = parameter_sets_from_extradata(extradata)

    def reset(self, extradata: bytes) -> None:
        self.params = parameter_sets_from_extradata(extradata) or self.params

    def prepare(self, data: bytes, keyframe: bool) -> bytes:
        if not keyframe:
            return data
        nals = split_nals(data)
        inband = parameter_sets_in(nals)
        if inband:
            self.params = inband
            return data
        if not self.params:
            return data  # nothing to add; the decoder may still cope with what it has
        return self.params.annexb() + data
