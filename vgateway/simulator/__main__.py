"""``python -m vgateway.simulator``: the camera simulator as a process (run by SimulatorProcess)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from vgateway.simulator.gst_child import SimulatorError
from vgateway.simulator.runner import CODECS, STREAMS, SimulatorOptions, run_simulator


def _codec(item: str) -> tuple[str, str]:
    camera, sep, codec = item.partition("=")
    if not sep or codec not in CODECS:
        raise argparse.ArgumentTypeError(f"{item!r}: expected CAMERA=CODEC, CODEC one of {CODECS}")
    return camera, codec


def parse_args(argv: list[str]) -> tuple[SimulatorOptions, int | None]:
    parser = argparse.ArgumentParser(
        prog="python -m vgateway.simulator",
        description="Simulated RTSP cameras (GStreamer RTSP server) with fault injection.",
    )
    parser.add_argument("--cameras", type=int, default=119, help="number of cameras (cam001..)")
    parser.add_argument("--camera-ids", help="comma-separated camera ids instead of cam001..")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554, help="RTSP port, 0 for any free one")
    parser.add_argument("--control-port", type=int, default=8555, help="HTTP control API port")
    media = parser.add_mutually_exclusive_group()
    media.add_argument("--media-dir", type=Path, help="folder with the clips to loop")
    media.add_argument("--no-media", action="store_true", help="loop a generated test pattern")
    parser.add_argument("--codec", type=_codec, action="append", default=[], metavar="CAM=CODEC")
    parser.add_argument(
        "--sub-gop", type=float, default=0.0, help="keyframe interval of the sub streams, s"
    )
    parser.add_argument(
        "--out-of-step",
        action="store_true",
        help="each camera starts its clip at its own keyframe (default: all in step)",
    )
    parser.add_argument("--streams", default=",".join(STREAMS), help="comma-separated streams")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    defaults = SimulatorOptions()
    options = SimulatorOptions(
        cameras=args.cameras,
        camera_ids=tuple(args.camera_ids.split(",")) if args.camera_ids else None,
        host=args.host,
        port=args.port,
        control_port=args.control_port,
        media_dir=None if args.no_media else (args.media_dir or defaults.media_dir),
        codecs=dict(args.codec),
        streams=tuple(s for s in args.streams.split(",") if s),
        sub_gop_s=args.sub_gop,
        out_of_step=args.out_of_step,
    )
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return options, args.parent_pid


def main(argv: list[str] | None = None) -> int:
    options, parent_pid = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        run_simulator(options, parent_pid=parent_pid)
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
