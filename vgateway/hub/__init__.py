"""The stream hub: one upstream pull fanned out to any number of consumers.

Owns per-stream fan-out, the cached latest GOP and bounded subscriber queues. Consumes
`MediaPacket`s published by ingest (from its threads); emits them to `Subscription`s read by
relay, analytics, recording and snapshots. Knows nothing of those consumers.
"""

from vgateway.hub.hub import Hub, KeyMark, Stream, StreamKey
from vgateway.hub.subscription import Subscription, SubscriptionClosed

__all__ = ["Hub", "KeyMark", "Stream", "StreamKey", "Subscription", "SubscriptionClosed"]
