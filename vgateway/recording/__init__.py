"""Recording: continuous segments, the pre-roll buffer, clips, retention and the index.

Owns the `recording_segments`, `recording_clips` and `recording_holds` tables, the files under
data_dir/recordings (segments/ as fragmented MP4, clips/ as faststart MP4 with signed
manifests), and the /api/recording routes and /metrics/recording gauges.
Consumes hub packets (the sub-stream by default: remuxed, never re-encoded), the main database
and the signing key of `vgateway.evidence`.
Emits clips (`RecordingService.create_clip` for the event pipeline, POST /api/recording/clips
for people), recorded ranges for a timeline, and disk warnings in its status and metrics.
Holds (`add_hold`) protect footage from retention for tickets and cases.
"""

from vgateway.recording.clipstore import ClipRow
from vgateway.recording.component import RecordingComponent
from vgateway.recording.jobs import ClipJob, JobStatus
from vgateway.recording.service import ClipFailed, RecordingService
from vgateway.recording.settings import CameraRecording, RecordingMode, RecordingSettings

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
