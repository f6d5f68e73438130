"""A WebRTC video track that hands the camera's own H.264 packets to aiortc.

Returning an `av.Packet` (not a frame) from `recv()` makes aiortc's sender packetize it as
it is: no decode, no encode. aiortc cannot make a keyframe when the browser asks for one (PLI),
so a viewer starts at the hub's cached keyframe and resumes at keyframes after a skip.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from vgateway.hub import Subscription, SubscriptionClosed
from vgateway.media import MediaPacket
from vgateway.relay.h264 import KeyframePreparer
from vgateway.relay.sessions import SessionStats
from vgateway.relay.timeline import CLOCK_RATE, Timeline

RTP_TIME_BASE = Fraction(1, CLOCK_RATE)


class HubVideoTrack(MediaStreamTrack):
    kind = "video"

    def __init__(
        self, subscription: Subscription, stats: SessionStats, *, compress_backlog: bool = True
    ) -> None:
        super().__init__()
        self._sub = subscription
        self._stats = stats
        self._compress = compress_backlog
        self._timeline: Timeline | None = None
        self._keyframes = KeyframePreparer()
        self._epoch: int | None = None
        self._skips_seen = 0

    @property
    def subscription(self) -> Subscription:
        return self._sub

    async def recv(self) -> av.Packet[Any]:
        packet = await self._next_decodable()
        info = packet.info
        if self._timeline is None:
            self._timeline = Timeline(info.average_fps if info else None)
        stamp = self._timeline.stamp(packet, compress=self._compress and len(self._sub) > 0)
        data = self._keyframes.prepare(packet.data, packet.keyframe)
        out = av.Packet(data)
        out.pts = out.dts = stamp.pts
        out.time_base = RTP_TIME_BASE
        self._stats.sent(len(data))
        return out

    async def _next_decodable(self) -> MediaPacket:
        """The next packet a decoder can use: after a new upstream connection, wait for a
        keyframe (the hub's skips already resume at one)."""
        while True:
            try:
                packet = await self._sub.get()
            except SubscriptionClosed:
                self.stop()
                raise MediaStreamError("the camera stream ended") from None
            if self._sub.skips != self._skips_seen:
                self._stats.skips += self._sub.skips - self._skips_seen
                self._skips_seen = self._sub.skips
            if packet.epoch != self._epoch:
                if not packet.keyframe:
                    continue
                self._epoch = packet.epoch
                if packet.info is not None:
                    self._keyframes.reset(packet.info.extradata)
            return packet

    def stop(self) -> None:
        super().stop()
        self._sub.close()
