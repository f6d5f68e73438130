"""Opening an RTSP stream with PyAV and demuxing it without decoding.

Blocking code, run on an ingest thread. PyAV releases the GIL while it waits on the network.
`pump` hands each packet straight to its sink from the demux loop: with 119 cameras on two
cores, every Python call per packet (a generator step, a second callback) costs about 2 % of
the ffmpeg peer's CPU, many times what it costs in a single-threaded timing. With `pace_frames`
set it sleeps between frames (`ReadPacer`), so that its reads find whole frames buffered instead
of waking for every network packet.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import av

from vgateway.config import Transport
from vgateway.ingest.pacing import ReadPacer
from vgateway.media import MediaPacket, StreamInfo
from vgateway.redact import redact_text


class IngestError(Exception):
    """An upstream stream could not be opened or read. `kind` picks the health state."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(redact_text(message))
        self.kind = kind  # "offline" | "auth_failed" | "unsupported_codec" | "stalled"


class Control(Protocol):
    """Read by `pump`: `stopping` after every packet (set it to end the pull); `watched` once
    per paced sleep (someone watches live: read frame by frame, whatever `pace_frames` says)."""

    stopping: bool

    @property
    def watched(self) -> bool: ...


@dataclass(frozen=True)
class SourceOptions:
    transport: Transport
    connect_timeout_s: float
    read_timeout_s: float
    pace_frames: int  # frames per wake (ReadPacer); 0 reads as bytes arrive


def _av_options(opts: SourceOptions) -> dict[str, str]:
    return {
        "rtsp_transport": opts.transport.value,
        # socket I/O timeout in microseconds: a frozen camera raises instead of hanging
        "timeout": str(int(opts.read_timeout_s * 1_000_000)),
        # SDP and the first packets already describe an H.264 stream; a long probe only
        # delays start-up (1.1 s with defaults, 0.05 s with these, measured here)
        "analyzeduration": "500000",
        "probesize": "65536",
        "fflags": "nobuffer",
    }


# An RTSP/HTTP 401 in FFmpeg's reason text; the URL is left out of the match, so a port or
# path that happens to contain "401" (rtsp://host:40193/...) is not taken for one.
_UNAUTHORIZED = re.compile(r"\b401\b|unauthori[sz]ed", re.IGNORECASE)


def _reason(exc: BaseException) -> str:
    """The error's reason without the URL that PyAV appends as its filename."""
    strerror = getattr(exc, "strerror", None)
    return strerror if isinstance(strerror, str) else str(exc)


def classify(exc: BaseException) -> IngestError:
    """Map PyAV/OS errors to a health state with an operator-readable message."""
    if isinstance(exc, IngestError):
        return exc
    text = str(exc)
    if isinstance(exc, av.error.HTTPUnauthorizedError) or _UNAUTHORIZED.search(_reason(exc)):
        return IngestError("auth_failed", f"camera rejected the credentials: {text}")
    if isinstance(exc, av.error.ConnectionRefusedError):
        return IngestError("offline", f"connection refused: {text}")
    if isinstance(exc, TimeoutError | av.error.ExitError) or "timed out" in text.lower():
        return IngestError("stalled", f"no data within the read timeout: {text}")
    return IngestError("offline", f"{type(exc).__name__}: {text}")


class RtspSource:
    """One open upstream connection. Use as a context manager; iterate `packets()`."""

    def __init__(self, url: str, options: SourceOptions) -> None:
        self.url = url
        self.options = options
        self._container: Any = None
        self._stream: Any = None
        self.info: StreamInfo | None = None

    def open(self) -> StreamInfo:
        try:
            # Reads are bounded by FFmpeg's own socket timeout (in the options). PyAV's read
            # timeout would take the GIL in an interrupt callback on every I/O poll, which is
            # measurable across 119 streams; its open timeout (read timeout None) costs nothing.
            self._container = av.open(
                self.url,
                options=_av_options(self.options),
                timeout=(self.options.connect_timeout_s, None),
            )
        except Exception as exc:  # PyAV raises many unrelated types; all mean "not now"
            raise classify(exc) from None
        videos = list(self._container.streams.video)
        if not videos:
            self.close()
            raise IngestError("unsupported_codec", "the stream carries no video track")
        stream = videos[0]
        codec = stream.codec_context
        if codec.name in (None, "", "none"):
            self.close()
            raise IngestError("unsupported_codec", "the video codec is unknown to FFmpeg")
        self._stream = stream
        rate = stream.average_rate or stream.guessed_rate
        self.info = StreamInfo(
            codec=codec.name,
            width=int(codec.width or 0),
            height=int(codec.height or 0),
            time_base=Fraction(stream.time_base or Fraction(1, 90000)),
            extradata=bytes(codec.extradata or b""),
            profile=codec.profile,
            average_fps=float(rate) if rate else None,
        )
        return self.info

    def pump(
        self,
        epoch: int,
        sink: Callable[[MediaPacket], object],
        control: Control,
        on_first: Callable[[], object],
    ) -> None:
        """Give every packet to `sink` until `control.stopping` (returns) or the upstream fails
        or ends (raises IngestError). `on_first` runs once, after the first packet."""
        assert self._container is not None and self.info is not None
        info = self.info
        time_base = info.time_base
        now = time.time
        # Hot path (every packet of every camera): locals only, and the tuple is built by
        # tuple.__new__ directly, skipping NamedTuple's Python-level __new__.
        make = tuple.__new__
        first = True
        frames = self.options.pace_frames

        def batch() -> int:  # a viewer's player shows frames as they come: pairs would stutter
            return 1 if control.watched else frames

        pacer = ReadPacer(batch()) if frames > 0 else None
        seconds, clock, sleep = float(time_base), time.monotonic, time.sleep
        read_began = clock()
        try:
            for raw in self._container.demux(self._stream):
                data = bytes(raw)
                if not data:
                    continue  # flush packet at end of stream
                key, dts = raw.is_keyframe, raw.dts
                sink(make(MediaPacket, (data, raw.pts, dts, time_base, key, now(), epoch, info)))
                if control.stopping:
                    return
                if first:
                    first = False
                    on_first()
                if pacer is not None:
                    stamp = None if dts is None else dts * seconds
                    returned = clock()
                    wait = pacer.wait_after(stamp, read_began, returned)
                    if wait:
                        sleep(wait)
                        pacer.frames = batch()
                        returned = clock()
                    read_began = returned  # the next read starts now
        except Exception as exc:
            raise classify(exc) from None
        raise IngestError("offline", "the camera closed the connection")

    def close(self) -> None:
        container, self._container = self._container, None
        if container is not None:
            # closing a broken connection may fail again; there is nothing left to keep
            with contextlib.suppress(Exception):
                container.close()

    def __enter__(self) -> RtspSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
