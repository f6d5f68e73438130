"""Per-stream fan-out with a cached latest GOP.

`Stream.publish` runs on the ingest thread. It is O(subscribers) and never blocks on a consumer.
Consumers subscribe from any thread; a new subscription is preloaded with the packets since the
latest keyframe, so a viewer or snapshot gets a decodable picture at once. The stream also
counts what it published (`stats`, read by health): the counting rides on the publish call that
every packet makes anyway, as a second call per packet costs measurably across 119 cameras.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from vgateway.hub.subscription import Subscription
from vgateway.media import FlowStats, MediaPacket, StreamInfo

# A GOP longer than this is not cached whole; a late joiner then waits for the next keyframe.
GOP_CACHE_MAX_PACKETS = 900
GOP_CACHE_MAX_BYTES = 16 * 1024 * 1024
KEY_TIMES_KEPT = 120  # about two minutes at a 1 s GOP

DemandListener = Callable[["StreamKey", int], None]


class StreamKey(NamedTuple):
    camera_id: str
    role: str  # "main" | "sub"

    def __str__(self) -> str:
        return f"{self.camera_id}/{self.role}"


class KeyMark(NamedTuple):
    at: float  # wallclock
    epoch: int  # the upstream connection
    seconds: float | None  # stream time (None: the demuxer left it untimed)
    packets: int  # published so far, this keyframe included
    bytes: int


class Stream:
    def __init__(self, key: StreamKey, on_demand_change: DemandListener | None = None) -> None:
        self.key = key
        self.info: StreamInfo | None = None
        self.epoch = 0
        self.published = 0
        self.published_bytes = 0
        self.last_packet_at: float | None = None
        # The recent keyframes: the rates come from the last two; and a camera that skipped
        # video, or sent it slower than real time, shows here whatever its consumers did.
        self.key_times: deque[KeyMark] = deque(maxlen=KEY_TIMES_KEPT)
        self._gop: list[MediaPacket] = []
        self._gop_bytes = 0
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()
        self._on_demand_change = on_demand_change

    # -- producer -----------------------------------------------------------------------------
    def begin_epoch(self, info: StreamInfo) -> int:
        """A new upstream connection: timestamps restart, the old GOP is no longer decodable."""
        with self._lock:
            self.epoch += 1
            self.info = info
            self._gop = []
            self._gop_bytes = 0
            return self.epoch

    def publish(self, packet: MediaPacket) -> None:
        size = len(packet.data)
        with self._lock:
            self.published += 1
            self.published_bytes += size
            self.last_packet_at = packet.wallclock
            gop = self._gop
            if packet.keyframe:
                mark = KeyMark(
                    packet.wallclock,
                    self.epoch,
                    packet.seconds(),
                    self.published,
                    self.published_bytes,
                )
                self.key_times.append(mark)
                self._gop = [packet]
                self._gop_bytes = size
            elif gop:
                if (
                    len(gop) >= GOP_CACHE_MAX_PACKETS
                    or self._gop_bytes + size > GOP_CACHE_MAX_BYTES
                ):
                    self._gop = []
                    self._gop_bytes = 0
                else:
                    gop.append(packet)
                    self._gop_bytes += size
            for sub in self._subs:
                sub.offer(packet)

    # -- consumers ----------------------------------------------------------------------------
    def subscribe(
        self, name: str, maxlen: int = 250, *, from_keyframe: bool = True, live: bool = False
    ) -> Subscription:
        """`live`: a person watches this consumer's output, so delay matters more than CPU."""
        sub = Subscription(f"{self.key}:{name}", max(maxlen, 2), self._remove, live=live)
        with self._lock:
            if from_keyframe and self._gop:
                sub.preload(self._gop)
            self._subs.append(sub)
            count = len(self._subs)
        self._notify(count)
        return sub

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            if sub not in self._subs:
                return
            self._subs.remove(sub)
            count = len(self._subs)
        self._notify(count)

    def _notify(self, count: int) -> None:
        if self._on_demand_change is not None:
            self._on_demand_change(self.key, count)

    def stats(self) -> FlowStats:
        """Counts since the stream was created; fps, bitrate and keyframe interval over the
        latest complete GOP of the current connection (zero until it has two keyframes)."""
        with self._lock:
            marks, epoch = self.key_times, self.epoch
            previous, latest = (marks[-2], marks[-1]) if len(marks) > 1 else (None, None)
            counts = (self.published, self.published_bytes, self.last_packet_at)
        # a reconnect restarts the rates: the gap is no part of them
        if (
            previous is None
            or latest is None
            or (previous.epoch, latest.epoch) != (epoch, epoch)
            or latest.at <= previous.at
        ):
            return FlowStats(*counts)
        elapsed = latest.at - previous.at
        interval = None
        if latest.seconds is not None and previous.seconds is not None:
            interval = max(latest.seconds - previous.seconds, 0.0) or None  # None: no timing
        return FlowStats(
            *counts,
            fps=(latest.packets - previous.packets) / elapsed,
            bitrate_bps=(latest.bytes - previous.bytes) * 8 / elapsed,
            keyframe_interval_s=interval,
        )

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

    @property
    def live_subscribers(self) -> int:
        """Viewers on a wall: ingest then reads this stream frame by frame."""
        return sum(1 for sub in self._subs if sub.live)

    def cached_gop(self) -> list[MediaPacket]:
        """The packets from the latest keyframe on (empty when no keyframe is cached)."""
        with self._lock:
            return list(self._gop)

    def close_subscribers(self) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.close()


class Hub:
    """All streams of the gateway, keyed by (camera id, role)."""

    def __init__(self) -> None:
        self._streams: dict[StreamKey, Stream] = {}
        self._lock = threading.Lock()
        self._demand_listener: DemandListener | None = None

    def set_demand_listener(self, listener: DemandListener | None) -> None:
        """Who starts and stops on-demand upstream pulls as subscribers come and go."""
        self._demand_listener = listener

    def _demand_changed(self, key: StreamKey, count: int) -> None:
        listener = self._demand_listener
        if listener is not None:
            listener(key, count)

    def stream(self, camera_id: str, role: str) -> Stream:
        key = StreamKey(camera_id, role)
        with self._lock:
            stream = self._streams.get(key)
            if stream is None:
                stream = Stream(key, self._demand_changed)
                self._streams[key] = stream
            return stream

    def get(self, camera_id: str, role: str) -> Stream | None:
        return self._streams.get(StreamKey(camera_id, role))

    def subscribe(
        self, camera_id: str, role: str, name: str, maxlen: int = 250, *, live: bool = False
    ) -> Subscription:
        return self.stream(camera_id, role).subscribe(name, maxlen, live=live)

    def streams(self) -> list[Stream]:
        with self._lock:
            return list(self._streams.values())

    def close(self) -> None:
        for stream in self.streams():
            stream.close_subscribers()
