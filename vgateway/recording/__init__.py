"""Recording: continuous segments, the pre-roll buffer, clips, retention and the index.

Owns the `recording_segments`, `recording_clips` and `recording_holds` tables, the files under
data_dir/recordings (segments/ as fragmented MP4, clips/ as faststart MP4 with signed
manifests), and the /api/recording routes and /metrics/recording gauges.
Consumes hub packets (the sub-stream by default: remuxed, never re-encoded), the main database
and the signing key of `vgateway.evidence`.
Emits clips (`RecordingService.create_clip` for the event pipeline, POST /api/recording/clips
for people), recorded ranges for a timeline, and disk warnings in its status and metrics.
Holds (`add_hold`) protect footage from retention for tickets and cases.

The names below load on first use, so that the configuration package can import
`vgateway.recording.settings` (and storage `vgateway.recording.tables`) without a cycle.
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgateway.recording.clipstore import ClipRow
    from vgateway.recording.component import RecordingComponent
    from vgateway.recording.jobs import ClipJob, JobStatus
    from vgateway.recording.service import ClipFailed, RecordingService
    from vgateway.recording.settings import CameraRecording, RecordingMode, RecordingSettings

_EXPORTS = MappingProxyType(
    {
        "CameraRecording": "vgateway.recording.settings",
        "ClipFailed": "vgateway.recording.service",
        "ClipJob": "vgateway.recording.jobs",
        "ClipRow": "vgateway.recording.clipstore",
        "JobStatus": "vgateway.recording.jobs",
        "RecordingComponent": "vgateway.recording.component",
        "RecordingMode": "vgateway.recording.settings",
        "RecordingService": "vgateway.recording.service",
        "RecordingSettings": "vgateway.recording.settings",
    }
)

__all__ = [
    "CameraRecording",
    "ClipFailed",
    "ClipJob",
    "ClipRow",
    "JobStatus",
    "RecordingComponent",
    "RecordingMode",
    "RecordingService",
    "RecordingSettings",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vgateway.recording' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
