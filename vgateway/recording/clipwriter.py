"""Writing one clip: remux [start, end] from segments and the live capture into a faststart MP4,
sign its manifest, and list it in one step once everything is on disk.

Order of a clip's life: row `writing` (unlisted) -> `.ID.mp4.part` written and fsynced ->
renamed to `ID.mp4` -> manifest and signature written atomically -> row `ready`. A crash at
any point leaves an unlisted row that start-up recovery fails and cleans.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vgateway import __version__
from vgateway.evidence import ClipFacts, SigningKey, build_manifest, utc_iso, write_signed_manifest
from vgateway.evidence.files import fsync_dir, fsync_file
from vgateway.media import MediaPacket, StreamInfo
from vgateway.recording.assemble import OUT_TIME_BASE, Sourced, dedupe, retime, window
from vgateway.recording.clipstore import ClipRow, ClipStore, FinishedClip
from vgateway.recording.muxer import FASTSTART, Mp4Writer
from vgateway.recording.paths import (
    clip_file,
    clip_files,
    clip_temp,
    manifest_file,
    signature_file,
)

Progress = Callable[[float], None]


class NoFootage(Exception):
    """Nothing was recorded or buffered in the requested range."""


@dataclass(frozen=True)
class ClipRequest:
    clip: ClipRow
    camera_name: str
    detector: str | None = None
    detector_version: str | None = None


def _ordered(
    sources: Iterable[Sourced], start: float, end: float, report: Progress
) -> Iterable[Sourced]:
    span = max(end - start, 1e-6)
    for count, item in enumerate(sources):
        if count % 50 == 0:
            report(min(1.0, max(0.0, (item[1].wallclock - start) / span)))
        yield item


def write_clip(
    root: Path,
    store: ClipStore,
    key: SigningKey,
    request: ClipRequest,
    sources: Iterable[Sourced],
    report: Progress,
) -> ClipRow:
    """Write, sign and list the clip; on any failure remove its files and raise."""
    clip = request.clip
    temp = clip_temp(root, clip.id)
    final = clip_file(root, clip.id)
    temp.parent.mkdir(parents=True, exist_ok=True)
    try:
        first, last, writer = _remux(
            temp, clip, _ordered(sources, clip.requested_start, clip.requested_end, report)
        )
        os.replace(temp, final)
        fsync_dir(final.parent)
        facts = ClipFacts(
            clip_id=clip.id,
            file_name=final.name,
            camera_id=clip.camera_id,
            camera_name=request.camera_name,
            stream_role=clip.role,
            requested_start=clip.requested_start,
            requested_end=clip.requested_end,
            first_frame=first,
            last_frame=last,
            frames=writer.frames,
            codec=writer.info.codec,
            width=writer.info.width,
            height=writer.info.height,
            created_by=clip.created_by,
            created_at=clip.created_at,
            gateway_version=__version__,
            reason=clip.reason,
            ticket_id=clip.ticket_id,
            event_id=clip.event_id,
            detector=request.detector,
            detector_version=request.detector_version,
        )
        manifest = build_manifest(facts, final, key.key_id)
        data = write_signed_manifest(
            manifest, key, manifest_file(root, clip.id), signature_file(root, clip.id)
        )
        store.ready(
            clip.id,
            FinishedClip(
                start_at=first,
                end_at=last,
                size=int(manifest["file"]["size"]),
                frames=writer.frames,
                sha256=str(manifest["file"]["sha256"]),
                manifest_sha256=hashlib.sha256(data).hexdigest(),
            ),
        )
    except BaseException:
        for path in clip_files(root, clip.id):
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    report(1.0)
    done = store.get(clip.id)
    assert done is not None
    return done


def _remux(temp: Path, clip: ClipRow, sources: Iterable[Sourced]) -> tuple[float, float, Mp4Writer]:
    packets = retime(window(dedupe(sources), clip.requested_start, clip.requested_end))
    head = next(packets, None)
    if head is None:
        raise NoFootage(
            f"no footage of camera {clip.camera_id} between {utc_iso(clip.requested_start)} "
            f"and {utc_iso(clip.requested_end)}"
        )
    first_packet: MediaPacket = head[0]
    info = first_packet.info or StreamInfo("h264", 0, 0, Fraction(1, 90000))
    metadata = {
        "comment": f"vgateway clip {clip.id} camera={clip.camera_id} "
        f"first_frame_utc={utc_iso(first_packet.wallclock)}",
        "creation_time": utc_iso(first_packet.wallclock),
    }
    last_wall = first_packet.wallclock
    writer = Mp4Writer(temp, info, OUT_TIME_BASE, movflags=FASTSTART, metadata=metadata)
    try:
        for packet, pts, dts in itertools.chain([head], packets):
            writer.write(packet, pts, dts)
            last_wall = packet.wallclock
        writer.close()
    except BaseException:
        writer.abandon()
        raise
    fsync_file(temp)
    return first_packet.wallclock, last_wall, writer
