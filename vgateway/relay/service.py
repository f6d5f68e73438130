"""The live relay service: admits viewers, owns their sessions and the shared fragmenters."""

from __future__ import annotations

import asyncio
import contextlib
import time

from starlette.websockets import WebSocket

from vgateway.errors import GatewayError, NotFound, Unavailable
from vgateway.health import CameraState
from vgateway.hub import Hub, StreamKey
from vgateway.ingest.manager import IngestManager
from vgateway.media import MediaPacket
from vgateway.relay.mse import MseStream, MseViewer
from vgateway.relay.mse_session import CLOSE_NOT_FOUND, CLOSE_UNSUPPORTED_CODEC, MseSession
from vgateway.relay.sessions import Session, SessionRegistry, new_session_id, session_view
from vgateway.relay.settings import RelaySettings
from vgateway.relay.webrtc import WebRtcSession, check_offer
from vgateway.relay.workers import WorkerPool

# States in which waiting longer will not bring a picture.
_NO_PICTURE_STATES = frozenset(
    {CameraState.OFFLINE, CameraState.STALLED, CameraState.AUTH_FAILED, CameraState.DISABLED}
)
_POLL_S = 0.05
B_FRAME_PROBE_PACKETS = 6  # enough to see one reordered frame in any common GOP structure
B_FRAME_PROBE_S = 0.5


class CodecNotSupported(GatewayError):
    status = 415
    code = "codec_not_supported"

    def __init__(self, codec: str) -> None:
        super().__init__(f"the camera sends {codec}, which browsers cannot play")
        self.codec = codec


class WebRtcUnplayable(GatewayError):
    """Browsers' WebRTC H.264 decoders drop reordered (B-)frames: such a stream plays over the
    fMP4 fallback only. 422, not 415: the browser can play the codec, so a player falls back
    to the WebSocket path instead of showing "codec not supported"."""

    status = 422
    code = "webrtc_not_supported"


class CameraOffline(Unavailable):
    code = "camera_offline"


def has_b_frames(packets: list[MediaPacket]) -> bool:
    """Whether presentation order differs from decode order in these packets."""
    last: int | None = None
    for packet in packets:
        if packet.pts is None:
            continue
        if last is not None and packet.pts < last:
            return True
        last = packet.pts
    return False


class LiveRelay:
    def __init__(self, hub: Hub, ingest: IngestManager, settings: RelaySettings) -> None:
        self.hub = hub
        self.ingest = ingest
        self.settings = settings
        self.registry = SessionRegistry()
        self.mse_streams: dict[StreamKey, MseStream] = {}
        self._stopping: set[asyncio.Task[None]] = set()
        self.pool: WorkerPool | None = None
        if settings.workers > 0:
            self.pool = WorkerPool(settings.workers, settings, hub, self.registry)

    async def start(self) -> None:
        if self.pool is not None:
            await self.pool.start()

    def stream_key(self, camera_id: str, role: str) -> StreamKey:
        key = StreamKey(camera_id, role)
        if key not in self.ingest.health:
            raise NotFound(f"camera {camera_id!r} has no {role!r} stream")
        return key

    # -- WebRTC (WHEP) ---------------------------------------------------------------------
    async def open_webrtc(self, camera_id: str, role: str, offer_sdp: str) -> tuple[str, str]:
        """Admit a WebRTC viewer; returns (session id, answer SDP)."""
        key = self.stream_key(camera_id, role)
        check_offer(offer_sdp)
        self._check_capacity()
        session_id = new_session_id()
        if self.pool is not None:

            async def ready() -> None:
                await self._await_picture(key)
                await self._refuse_b_frames(key)

            return session_id, await self.pool.open(session_id, key, offer_sdp, ready)
        sub = self.hub.subscribe(
            camera_id,
            role,
            f"live-webrtc-{session_id}",
            self.settings.webrtc_queue_packets,
            live=True,
        )
        try:
            await self._await_picture(key)
            await self._refuse_b_frames(key)
        except BaseException:
            sub.close()
            raise
        session = WebRtcSession(session_id, key, sub, self.settings, self.registry.discard)
        self.registry.add(session)
        try:
            answer = await session.answer(offer_sdp)
        except BaseException:
            await session.close()
            raise
        return session_id, answer

    async def _await_picture(self, key: StreamKey) -> None:
        """Return once the viewer has something to show; raise when it will not soon."""
        stream = self.hub.stream(*key)
        health = self.ingest.health[key]
        deadline = time.monotonic() + self.settings.start_timeout_s
        while True:
            info = stream.info
            if info is not None and not info.browser_playable:
                raise CodecNotSupported(info.codec)
            if stream.cached_gop():  # a keyframe: the viewer can show a picture at once
                return
            state = health.state
            if state in _NO_PICTURE_STATES:
                raise CameraOffline(f"camera {key} is {state.value} and has no picture yet")
            if time.monotonic() >= deadline:
                if state == CameraState.ONLINE and info is not None:
                    return  # online, waiting for its first keyframe
                raise CameraOffline(
                    f"camera {key} has sent no picture within {self.settings.start_timeout_s:g} s"
                )
            await asyncio.sleep(_POLL_S)

    async def _refuse_b_frames(self, key: StreamKey) -> None:
        stream = self.hub.stream(*key)
        # a stream that has just started has a short GOP cache: give it a few frames
        for _ in range(round(B_FRAME_PROBE_S / _POLL_S)):
            if len(stream.cached_gop()) >= B_FRAME_PROBE_PACKETS:
                break
            await asyncio.sleep(_POLL_S)
        if has_b_frames(stream.cached_gop()):
            raise WebRtcUnplayable(
                f"camera {key} uses B-frames, which browsers drop over WebRTC: "
                "play it over the WebSocket (MSE) fallback"
            )

    def _check_capacity(self) -> None:
        if len(self.registry) >= self.settings.max_viewers:
            raise Unavailable(f"this gateway serves at most {self.settings.max_viewers} viewers")

    # -- fMP4 over WebSocket ---------------------------------------------------------------
    async def serve_mse(self, websocket: WebSocket, camera_id: str, role: str) -> None:
        """Serve an accepted WebSocket until it or the stream ends."""
        try:
            key = self.stream_key(camera_id, role)
            self._check_capacity()
        except GatewayError as exc:
            code = CLOSE_NOT_FOUND if isinstance(exc, NotFound) else 1013  # try again later
            await websocket.send_json({"type": "error", "error": exc.code, "detail": str(exc)})
            await websocket.close(code, reason=exc.code)
            return
        stream = self.hub.stream(*key)
        info = stream.info
        if info is not None and not info.browser_playable:
            error = CodecNotSupported(info.codec)
            await websocket.send_json(
                {"type": "error", "error": error.code, "codec": info.codec, "detail": str(error)}
            )
            await websocket.close(CLOSE_UNSUPPORTED_CODEC, reason=error.code)
            return
        shared = self.mse_streams.get(key)
        if shared is None:
            shared = MseStream(key, self.hub, self.settings.webrtc_queue_packets, self._mse_idle)
            self.mse_streams[key] = shared
        session = MseSession(
            new_session_id(),
            key,
            websocket,
            shared,
            MseViewer(self.settings.mse_queue_fragments),
            self.settings.stats_interval_s,
            self.registry.discard,
        )
        self.registry.add(session)
        waiting = shared.init is None and not stream.cached_gop()
        await session.run(waiting)

    def _mse_idle(self, stream: MseStream) -> None:
        if self.mse_streams.get(stream.key) is stream:
            del self.mse_streams[stream.key]
        task = asyncio.get_running_loop().create_task(stream.stop())
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    # -- sessions and stats ----------------------------------------------------------------
    @property
    def idle(self) -> bool:
        """No viewer session, no shared fragmenter, nothing still shutting down."""
        return len(self.registry) == 0 and not self.mse_streams and not self._stopping

    async def close_session(self, session_id: str) -> bool:
        session = self.registry.get(session_id)
        if session is None:
            return False
        await session.close()
        return True

    def sessions(self) -> list[dict[str, object]]:
        return [session_view(s) for s in self.registry.all()]

    def stream_stats(self, camera_id: str, role: str) -> dict[str, object]:
        key = self.stream_key(camera_id, role)
        view = self.ingest.health[key].view()
        sessions: list[Session] = self.registry.for_stream(key)
        webrtc = sum(1 for s in sessions if s.transport == "webrtc")
        stream = self.hub.get(*key)
        return {
            "camera_id": camera_id,
            "role": role,
            "state": view.state.value,
            "codec": view.codec,
            "resolution": view.resolution,
            "browser_playable": view.browser_playable,
            "fps": round(view.fps, 1),
            "bitrate_bps": round(view.bitrate_bps),
            "viewers": {"webrtc": webrtc, "mse": len(sessions) - webrtc, "total": len(sessions)},
            "hub_subscribers": stream.subscriber_count if stream else 0,
            "upstream_running": self.ingest.upstream_running(key),
            "sessions": [session_view(s) for s in sessions],
        }

    async def stop(self) -> None:
        await asyncio.gather(*(s.close() for s in self.registry.all()), return_exceptions=True)
        for stream in list(self.mse_streams.values()):
            await stream.stop()
        self.mse_streams.clear()
        for task in list(self._stopping):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.pool is not None:
            await self.pool.stop()
