"""Encoded media as it flows through the gateway: packets and stream descriptions.

Owns the value types shared by ingest, hub, relay and recording. Consumes nothing; emits nothing.
"""

from vgateway.media.packet import MediaPacket, StreamInfo
from vgateway.media.stats import FlowStats

__all__ = ["FlowStats", "MediaPacket", "StreamInfo"]
