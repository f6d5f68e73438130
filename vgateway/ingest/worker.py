"""One thread per upstream stream: connect, demux, publish, and reconnect forever."""

from __future__ import annotations

import logging
import random
import threading

from vgateway.health import CameraState, StreamHealth
from vgateway.hub import Stream
from vgateway.ingest.backoff import Backoff, wait_or_probe
from vgateway.ingest.source import IngestError, RtspSource, SourceOptions

log = logging.getLogger(__name__)

_STATE_FOR_KIND = {
    "offline": CameraState.OFFLINE,
    "stalled": CameraState.STALLED,
    "auth_failed": CameraState.AUTH_FAILED,
    "unsupported_codec": CameraState.UNSUPPORTED_CODEC,
}
# Failures after which a cheap RTSP probe may cut the backoff short (the camera was unreachable,
# not refusing us).
_PROBE_KINDS = frozenset({"offline", "stalled"})


class IngestWorker:
    def __init__(
        self,
        stream: Stream,
        health: StreamHealth,
        url: str,
        options: SourceOptions,
        backoff: Backoff,
    ) -> None:
        self.stream = stream
        self.health = health
        self.url = url
        self.options = options
        self.backoff = backoff
        self._stop = threading.Event()
        self.stopping = False  # mirrors _stop; a plain read on the per-packet path (Control)
        self._thread = threading.Thread(target=self._run, name=f"ingest-{stream.key}", daemon=True)

    @classmethod
    def create(
        cls,
        stream: Stream,
        health: StreamHealth,
        url: str,
        options: SourceOptions,
        backoff_initial_s: float,
        backoff_max_s: float,
        backoff_jitter: float,
    ) -> IngestWorker:
        rng = random.Random(str(stream.key))
        backoff = Backoff(backoff_initial_s, backoff_max_s, backoff_jitter, rng)
        return cls(stream, health, url, options, backoff)

    @property
    def watched(self) -> bool:
        """Someone watches this stream live (Control: read frame by frame)."""
        return self.stream.live_subscribers > 0

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        self.stopping = True
        self._stop.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        key = self.stream.key
        while not self._stop.is_set():
            failure = self._pull_once()
            if self._stop.is_set():
                break
            assert failure is not None
            previous = self.health.state
            self.health.set_state(_STATE_FOR_KIND[failure.kind], str(failure))
            if previous != self.health.state:
                log.warning("camera %s: %s (%s)", key, failure.kind, failure)
            probe = self.url if failure.kind in _PROBE_KINDS else None
            # A stream that was delivering and then froze is retried at once; repeated
            # failures back off.
            if failure.kind == "stalled" and previous == CameraState.ONLINE:
                delay = 0.0
            else:
                delay = self.backoff.next_delay()
            wait_or_probe(delay, self._stop, probe)
        self.health.set_state(CameraState.IDLE)

    def _pull_once(self) -> IngestError | None:
        """Pull until the connection fails; returns why (None when asked to stop)."""
        stream, health = self.stream, self.health
        try:
            with RtspSource(self.url, self.options) as source:
                info = source.open()
                epoch = stream.begin_epoch(info)
                health.connected(info)

                def online() -> None:
                    health.set_state(CameraState.ONLINE)
                    self.backoff.reset()
                    log.info("camera %s: online (%s %s)", stream.key, info.codec, info.resolution)

                source.pump(epoch, stream.publish, self, online)
        except IngestError as exc:
            return exc
        return None
