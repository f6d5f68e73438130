"""Start-up reconciliation: make the index and the files agree after a crash.

Only rows that were in flight need work, because every change goes through a state:
segments `writing` (trimmed to their readable prefix, or deleted when nothing is readable),
segments and clips `deleting` (deletion finished), clips `writing` (files removed, row failed),
and temporary clip files. Nothing half-written stays listed.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from vgateway.evidence.files import file_digest
from vgateway.recording.clipstore import ClipStore
from vgateway.recording.index import SegmentIndex
from vgateway.recording.mp4box import truncate_to_prefix
from vgateway.recording.paths import clip_files

log = logging.getLogger(__name__)


@dataclass
class RecoveryReport:
    repaired_segments: list[str] = field(default_factory=list)
    deleted_segments: list[str] = field(default_factory=list)
    failed_clips: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)


def repair_segment(
    index: SegmentIndex, root: Path, segment_id: int, path: Path, start_at: float, reason: str
) -> bool:
    """Trim an interrupted segment to its readable prefix and register it as `recovered`;
    delete it (file and row) when not even one fragment is readable. True if kept."""
    from vgateway.recording.reader import probe_segment  # PyAV only when there is work

    size = fragments = 0
    with contextlib.suppress(FileNotFoundError):
        size, fragments = truncate_to_prefix(path)
    probe = probe_segment(path) if fragments else None
    if probe is None or probe.frames == 0:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        index.forget([segment_id])
        return False
    sha256, size = file_digest(path)
    index.finish(
        segment_id,
        end_at=start_at + probe.duration_s,
        size=size,
        frames=probe.frames,
        sha256=sha256,
        status="recovered",
        error=reason,
    )
    return True


def recover(
    root: Path, index: SegmentIndex, clips: ClipStore, *, startup: bool = True
) -> RecoveryReport:
    """Reconcile everything in flight. At start-up nothing is running, so every `writing` row
    was interrupted; later (`startup=False`) only interrupted deletions are finished, since
    `writing` rows then belong to live recorders and clip jobs."""
    report = RecoveryReport()
    for row in index.in_state("writing") if startup else []:
        path = root / row.path
        kept = repair_segment(
            index,
            root,
            row.id,
            path,
            row.start_at,
            "recording was interrupted; kept the readable prefix",
        )
        (report.repaired_segments if kept else report.deleted_segments).append(row.path)
    for row in index.in_state("deleting"):
        with contextlib.suppress(FileNotFoundError):
            (root / row.path).unlink()
        index.forget([row.id])
        report.deleted_segments.append(row.path)
    if not startup:
        return report
    for clip in clips.in_state("writing"):
        for path in clip_files(root, clip.id):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        clips.fail(clip.id, "interrupted by a gateway restart before the clip was complete")
        report.failed_clips.append(clip.id)
    for clip in clips.in_state("deleting"):
        for path in clip_files(root, clip.id):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        clips.delete(clip.id)
    clips_dir = root / "clips"
    if clips_dir.is_dir():
        for temp in clips_dir.glob(".*"):
            if temp.name.endswith((".part", ".tmp")):
                temp.unlink()
                report.removed_files.append(temp.name)
    if report.repaired_segments or report.deleted_segments or report.failed_clips:
        log.warning(
            "recording recovery: %d segments trimmed to their readable prefix, %d deleted, "
            "%d unfinished clips failed, %d temporary files removed",
            len(report.repaired_segments),
            len(report.deleted_segments),
            len(report.failed_clips),
            len(report.removed_files),
        )
    return report
