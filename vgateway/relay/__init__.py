"""Live video to browsers: the camera's H.264 as it is, over WebRTC or fMP4-over-WebSocket.

Owns: viewer sessions (WHEP signalling, one aiortc peer connection per viewer; one WebSocket
per fallback viewer), the shared fMP4 fragmenter per stream, the session registry and stats.
Consumes: `Hub` subscriptions (cached GOP first, bounded queues) and ingest health.
Emits: RTP to browsers (no decode, no encode), fMP4 segments, per-session counters at
/api/live/stats, a one-camera debugging player at /api/live/player. HEVC/MPEG-4 cameras are
refused with 415 / close code 4415; H.264 with B-frames with 422 on WHEP only (browsers' WebRTC
decoders drop reordered frames; the fMP4 path plays them).
With `workers: N` > 0, WebRTC viewers live in N worker processes (`python -m
vgateway.relay.worker`, see `workers`) fed over socketpairs from the same single upstream pull;
the fallback stays in the gateway process.
"""

# Only the settings here: the config package imports them, and the component and service
# import the config package (vgateway.relay.component / vgateway.relay.service).
from vgateway.relay.settings import IceServer, IceSettings, RelaySettings

__all__ = ["IceServer", "IceSettings", "RelaySettings"]
