"""Parked-car events when the detector answers only part of its requests, offline.

    python bench/events_under_load.py                       # 20 cameras, 100/75/60 % answered
    python bench/events_under_load.py --answered 0.6 --cameras 40

On a slow machine, at 119 cameras on two cores, the detector answers about 70 % of the frames
sent to it (see bench/detect_load.py); a newer frame of a camera replaces one still waiting.
This bench plays that on one camera's pipeline, without the machine's noise: the residential
clip looped as the simulator loops it (three cars stay parked along the kerb the whole time),
the load bench's rules, and every camera a seeded coin that decides, each second, whether the
waiting request is answered. It counts what a duty officer would see: events started per
camera (truth: 3) and events that ended while their car was still there (truth: 0), and the
demo's stops in the carriageway (truth: the same 3 cars, no passing one).

The frames are those the gateway analyses in the load bench (`--source simulator`, the
default): one loop of the keyframes of a simulated camera's sub stream, which the simulator
re-encodes with a keyframe a second, checked as the gateway checks them (the keyframes come a
little faster than one a second, so one a loop is passed over), and each camera starts at its
own point of the loop, as out-of-step cameras do. `--source clip` plays the shared file itself,
a frame a second, every camera from its start (this bench's frames before 2026-11-28): the
re-encoded frames are softer, and YOLOX finds some parked cars there with lower scores.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np

from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.offline import Frame, clip_frames
from vgateway.analytics.pipeline import CameraPipeline
from vgateway.analytics.region import Region
from vgateway.analytics.rules import CameraRules, RulesFile
from vgateway.simulator.client import SimulatorProcess

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from detect_load import CAMERA_RULES  # noqa: E402

CLIP = "media/videos/residential_street_cam_640x352.mp4"
TRUTH_PARKED = 3
# The demo's rule on this camera (camera_configs/rules.yaml, cam002): a stop anywhere in the
# carriageway, which holds the three parked cars and the passing traffic. The clip loops every
# 11 s, so a passing car comes back to the same place: a tracker that lends one car's time to
# the next raises stops here.
ROAD_RULE = {"id": "road", "type": "stopped_vehicle", "zone": "carriageway", "duration_s": 30}
T0 = 1_750_000_000.0


@dataclass
class CameraCount:
    starts: int = 0
    ends: int = 0  # every car stays to the end of the clip: any end came too early
    road_starts: int = 0  # stops in the carriageway: the parked cars, and no passing car
    requests: int = 0
    answered: int = 0


def play(
    frames: Sequence[tuple[float, Frame]],
    rules: CameraRules,
    pool: DetectorPool,
    answered: float,
    seed: int,
) -> CameraCount:
    """One camera: (seconds, frame) about one a second, the waiting request answered with
    chance `answered`."""
    rng = random.Random(seed)
    pipeline = CameraPipeline(f"cam{seed}", "test", rules, pool, ZoneInfo("Asia/Shanghai"))
    count = CameraCount()
    waiting: tuple[Frame, float, tuple[str, ...], Region | None] | None = None
    for at_s, frame in frames:
        t = T0 + at_s
        seen = pipeline.observe(frame, t)
        messages = list(seen.messages)
        if seen.detectors:
            count.requests += 1
            waiting = (frame, t, seen.detectors, seen.region)
        if waiting is not None and rng.random() < answered:
            image, at, names, region = waiting
            waiting = None
            count.answered += 1
            messages += pipeline.apply(image, at, pipeline.detect(image, names, region), region)
        for message in messages:
            if message.event.rule_id == "parked":
                count.starts += message.kind == "start"
                count.ends += message.kind == "end"
            elif message.event.rule_id == ROAD_RULE["id"]:
                count.road_starts += message.kind == "start"
    return count


def simulator_loop(limit: int = 60) -> tuple[list[tuple[float, Frame]], float]:
    """One loop of the keyframes a simulated camera's sub stream sends (about one a second),
    with their times from the loop's start, and the loop's length in seconds."""
    with (
        SimulatorProcess(cameras=1, sub_gop_s=1.0) as sim,
        av.open(sim.direct_url(sim.camera_ids[0], "sub"), options={"rtsp_transport": "tcp"}) as src,
    ):
        stream = src.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        frames: list[tuple[float, Frame]] = []
        for picture in src.decode(stream):
            frame = np.ascontiguousarray(picture.to_ndarray(format="bgr24"), dtype=np.uint8)
            at = float(picture.time or 0.0)
            if frames and np.array_equal(frame, frames[0][1]):  # the clip came round again
                start = frames[0][0]
                return [(t - start, f) for t, f in frames], at - start
            frames.append((at, frame))
            if len(frames) > limit:
                break
    raise RuntimeError(f"the simulated sub stream did not repeat within {limit} keyframes")


def sampled(
    loop: Sequence[tuple[float, Frame]], length_s: float, first: int, seconds: float
) -> list[tuple[float, Frame]]:
    """A camera playing `loop` from its keyframe `first` for `seconds`, checked as the gateway
    checks at one frame a second: each keyframe that reaches the next whole second (the
    keyframes come a little faster than one a second, so now and then one is passed over)."""
    out: list[tuple[float, Frame]] = []
    due, index = 0.0, first
    while True:
        turn, position = divmod(index, len(loop))
        at = turn * length_s + loop[position][0] - loop[first][0]
        if at >= seconds:
            return out
        if at >= due - 0.02:  # (the sampler's slack: frames sit on a grid)
            out.append((at, loop[position][1]))
            due += 1.0
        index += 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--cameras", type=int, default=20, help="seeds, one per camera")
    parser.add_argument(
        "--answered",
        default="1,0.75,0.6",
        help="share of detector requests answered, comma-separated (0 < share <= 1)",
    )
    parser.add_argument("--loops", type=int, default=12, help="plays of the 11 s clip")
    parser.add_argument(
        "--source",
        choices=("simulator", "clip"),
        default="simulator",
        help="simulator: the keyframes of a simulated camera's sub stream; clip: the file",
    )
    args = parser.parse_args(argv)
    try:
        shares = [float(v) for v in args.answered.split(",")]
    except ValueError:
        parser.error(f"--answered: not a list of numbers: {args.answered!r}")
    if not all(0 < share <= 1 for share in shares):
        parser.error(f"--answered: each share must be above 0 and at most 1: {args.answered!r}")
    clip = args.shared / CLIP
    if not clip.is_file():
        parser.error(f"clip not found: {clip} (see --shared)")
    if args.source == "clip":
        frames = clip_frames(clip, 1.0, loops=args.loops)
        phases = [[(float(second), f) for second, (_, f) in enumerate(frames)]] * args.cameras
    else:
        loop, length_s = simulator_loop()
        phases = [
            sampled(loop, length_s, seed % len(loop), length_s * args.loops)
            for seed in range(args.cameras)
        ]
    seconds = phases[0][-1][0] + 1
    spec = {**CAMERA_RULES, "rules": [*CAMERA_RULES["rules"], ROAD_RULE], "motion_band": True}
    rules = CameraRules.model_validate(spec)
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", pool.get("default"))
    print(
        f"{seconds:.0f} s of camera time per camera, {args.cameras} cameras per share, "
        f"frames from the {args.source}"
    )
    starts = f"starts per camera (truth {TRUTH_PARKED})"
    road = f"road stops (truth {TRUTH_PARKED})"
    print(f"{'answered':>9}{starts:>36}{'early ends':>12}{road:>32}{'wall s':>8}")
    for share in shares:
        began = time.perf_counter()
        counts = [play(phases[seed], rules, pool, share, seed) for seed in range(args.cameras)]
        spread = Counter(c.starts for c in counts)
        shown = ", ".join(f"{n}: {spread[n]}" for n in sorted(spread))
        got = sum(c.answered for c in counts) / max(1, sum(c.requests for c in counts))
        ends = sum(c.ends for c in counts)
        roads = Counter(c.road_starts for c in counts)
        road_shown = ", ".join(f"{n}: {roads[n]}" for n in sorted(roads))
        wall = time.perf_counter() - began
        print(f"{got:>8.0%} {shown:>35}{ends:>12}{road_shown:>32}{wall:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
