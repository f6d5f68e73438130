"""What decoding for the motion check costs per camera, by keyframe interval: the floor under
`bench/detect_load.py`'s "every camera examined once a second" on this machine.

The sub-stream clip (640x352, 24 fps, a keyframe every 2 s as shot) is re-encoded in memory with
libx264 at its own bitrate for each keyframe interval asked for, looped as a live camera, and fed
to the analytics' `FrameSampler` at 1 frame/s, as the live pipeline feeds it. Printed per interval:
the bitrate, the mean keyframe and P-frame decode time, decodes per camera-second, and the CPU
(process time, one thread) per camera-second, with what that makes for N cameras. Interval
variants are interleaved over several rounds, so machine noise falls on all of them alike.

    .venv/bin/python bench/decode_cost.py [--gops as-shot,1] [--seconds 70] [--rounds 3]
                                          [--cameras 119]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import av

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from vgateway.analytics.decode import DECODER_OPTIONS, FrameSampler  # noqa: E402
from vgateway.media import MediaPacket, StreamInfo  # noqa: E402

CLIP = "media/videos/residential_street_cam_640x352.mp4"
TIME_BASE = Fraction(1, 90000)
WARMUP_S = 10.0


def encode(path: Path, gop_s: float | None) -> tuple[list[tuple[bytes, bool]], bytes, float]:
    """(access units with keyframe flags, extradata, fps): as shot, or re-encoded with a keyframe
    every `gop_s` seconds at the clip's bitrate."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 24)
        extradata = bytes(stream.codec_context.extradata or b"")
        units = [(bytes(p), bool(p.is_keyframe)) for p in container.demux(stream) if p.size]
        if gop_s is None:
            return units, extradata, fps
        container.seek(0)
        frames = list(container.decode(stream))
    bitrate = int(sum(len(u) for u, _ in units) * 8 * fps / len(units))
    encoder = av.CodecContext.create("libx264", "w")
    encoder.width, encoder.height, encoder.pix_fmt = frames[0].width, frames[0].height, "yuv420p"
    encoder.time_base = Fraction(1, 90000)
    encoder.framerate = Fraction(fps).limit_denominator(1000)
    encoder.bit_rate = bitrate
    encoder.gop_size = max(1, round(gop_s * fps))
    encoder.max_b_frames = 0
    encoder.options = {"preset": "veryfast", "sc_threshold": "0", "x264-params": "repeat-headers=1"}
    out: list[tuple[bytes, bool]] = []
    for index, frame in enumerate(frames):
        frame.pts, frame.pict_type = round(index * 90000 / fps), av.video.frame.PictureType.NONE
        out += [(bytes(p), bool(p.is_keyframe)) for p in encoder.encode(frame)]
    out += [(bytes(p), bool(p.is_keyframe)) for p in encoder.encode(None)]
    return out, b"", fps


def live_packets(
    units: list[tuple[bytes, bool]], extradata: bytes, fps: float, seconds: float
) -> list[MediaPacket]:
    """The clip looped as a live camera's packets (the loop point starts a GOP)."""
    info = StreamInfo("h264", 640, 352, TIME_BASE, extradata)
    packets = []
    for index in range(round(seconds * fps)):
        data, key = units[index % len(units)]
        pts = round(index * 90000 / fps)
        packets.append(
            MediaPacket(
                data,
                pts,
                pts,
                TIME_BASE,
                key or index % len(units) == 0,
                1.7e9 + index / fps,
                0,
                info,
            )
        )
    return packets


def decode_times(units: list[tuple[bytes, bool]], extradata: bytes) -> tuple[float, float]:
    """Mean decode ms of keyframes and of P-frames, every frame decoded once."""
    codec = av.CodecContext.create("h264", "r")
    if extradata:
        codec.extradata = extradata
    codec.thread_count, codec.options = 1, dict(DECODER_OPTIONS)
    keys, others = [], []
    for data, key in units:
        started = time.process_time()
        codec.decode(av.Packet(data))
        (keys if key else others).append((time.process_time() - started) * 1000)
    return statistics.fmean(keys), statistics.fmean(others)


def sampler_cost(packets: list[MediaPacket], fps: float) -> tuple[float, float, float]:
    """(CPU ms per camera-second, decodes per camera-second, checks per second) at 1 check/s,
    after a warm-up in which the sampler learns the GOP length (its first GOP is decoded whole)."""
    sampler, warm = FrameSampler(1.0), round(WARMUP_S * fps)
    for at in range(0, warm, 4):  # a few packets per turn, as the scheduler does
        sampler.latest(packets[at : at + 4])
    decoded, checks = sampler.decoded, 0
    started = time.process_time()
    for at in range(warm, len(packets), 4):
        checks += sampler.latest(packets[at : at + 4]) is not None
    used = time.process_time() - started
    seconds = (len(packets) - warm) / fps
    return used * 1000 / seconds, (sampler.decoded - decoded) / seconds, checks / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gops", default="as-shot,1", help="'as-shot' or seconds, comma-separated")
    parser.add_argument("--seconds", type=float, default=70.0, help="camera time per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cameras", type=int, default=119)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    variants = {}
    for name in args.gops.split(","):
        gop = None if name == "as-shot" else float(name)
        units, extradata, fps = encode(args.shared / CLIP, gop)
        keys = [i for i, (_, key) in enumerate(units) if key]
        variants[name] = (units, extradata, fps, live_packets(units, extradata, fps, args.seconds))
        kbits = sum(len(u) for u, _ in units) * 8 * fps / len(units) / 1000
        print(f"gop {name:>8}: keyframes at {keys[:4]}..., {kbits:.0f} kbit/s")
    results: dict[str, list[tuple[float, float, float, float, float]]] = {v: [] for v in variants}
    for _ in range(args.rounds):
        for name, (units, extradata, fps, packets) in variants.items():
            key_ms, p_ms = decode_times(units, extradata)
            results[name].append((key_ms, p_ms, *sampler_cost(packets, fps)))
    print(
        f"{'gop':>8} {'key ms':>7} {'P ms':>6} {'checks/s':>8} {'decodes/s':>9} "
        f"{'ms/cam-s':>8} {'cores for ' + str(args.cameras):>14}"
    )
    for name, rows in results.items():
        key_ms, p_ms, ms, decodes, checks = (
            statistics.median(col) for col in zip(*rows, strict=True)
        )
        print(
            f"{name:>8} {key_ms:7.2f} {p_ms:6.2f} {checks:8.2f} {decodes:9.1f} {ms:8.2f} "
            f"{ms * args.cameras / 1000:14.2f}"
        )


if __name__ == "__main__":
    main()
