"""Camera health: state machine, live stream statistics and the state-change history.

Owns `StreamHealth` (one per ingested stream, updated from ingest threads) and the history of
state changes. Consumes packets and errors from ingest; emits `StateChange` events to listeners
(history store, metrics, later the event bus).
"""

from vgateway.health.model import CameraState, HealthView, StateChange, StreamHealth

__all__ = ["CameraState", "HealthView", "StateChange", "StreamHealth"]
