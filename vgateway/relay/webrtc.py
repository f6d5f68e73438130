"""One WebRTC viewer: a peer connection sending one camera stream, answered WHEP-style.

Non-trickle: `answer()` returns once every local candidate is in the SDP. The session ends,
exactly once, on DELETE, on ICE/DTLS failure or the browser closing, when the camera stream
goes away, when the connection is not up within the connect timeout, or at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from aiortc import (
    RTCPeerConnection,
    RTCRtpCodecCapability,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.sdp import SessionDescription

from vgateway.errors import BadRequest
from vgateway.hub import StreamKey, Subscription
from vgateway.relay.ice import pin_host_addresses, rtc_configuration
from vgateway.relay.sessions import SessionStats, Transport
from vgateway.relay.settings import RelaySettings
from vgateway.relay.track import HubVideoTrack

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 1.0


class BadOffer(BadRequest):
    code = "bad_offer"


def check_offer(sdp: str) -> None:
    """Reject offers we cannot answer with a message a WHEP client's user can act on."""
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser raises whatever its regexes hit
        raise BadOffer(f"the SDP offer cannot be parsed: {exc}") from None
    videos = [m for m in parsed.media if m.kind == "video"]
    if not videos:
        raise BadOffer("the SDP offer has no video section")
    if not any(
        c.mimeType.lower() == "video/h264"
        and str(c.parameters.get("packetization-mode", "0")) == "1"
        for m in videos
        for c in m.rtp.codecs
    ):
        raise BadOffer("the SDP offer has no H.264 with packetization-mode=1")


def _h264_preferences() -> list[RTCRtpCodecCapability]:
    codecs = RTCRtpSender.getCapabilities("video").codecs
    h264 = [c for c in codecs if c.mimeType.lower() == "video/h264"]
    rtx = [c for c in codecs if c.mimeType.lower() == "video/rtx"]
    return [*h264, *rtx]  # rtx: lost packets are resent from aiortc's history on NACK


class WebRtcSession:
    transport: Transport = "webrtc"

    def __init__(
        self,
        session_id: str,
        key: StreamKey,
        subscription: Subscription,
        settings: RelaySettings,
        on_closed: Callable[[WebRtcSession], None],
    ) -> None:
        self.id = session_id
        self.key = key
        self.started_at = time.time()
        self.stats = SessionStats()
        self._settings = settings
        self._on_closed = on_closed
        self._closing: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.pc = RTCPeerConnection(configuration=rtc_configuration(settings.ice))
        self.track = HubVideoTrack(
            subscription, self.stats, compress_backlog=settings.compress_backlog
        )
        self.pc.on("connectionstatechange", self._state_changed)
        self.track.on("ended", self._ended)

    @property
    def state(self) -> str:
        return str(self.pc.connectionState)

    async def answer(self, offer_sdp: str) -> str:
        """Apply the browser's offer and return our complete answer SDP."""
        check_offer(offer_sdp)
        pc = self.pc
        # Created before the offer is applied so it claims the offer's video section and
        # the H.264-only preference shapes the answer: a passthrough sender cannot encode VP8.
        transceiver = pc.addTransceiver(self.track, direction="sendonly")
        self.track_sender = transceiver.sender
        transceiver.setCodecPreferences(_h264_preferences())
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            if self._settings.ice.host_addresses is not None:
                pin_host_addresses(pc, self._settings.ice.host_addresses)
            await pc.setLocalDescription(await pc.createAnswer())
        except ValueError as exc:
            raise BadOffer(f"the SDP offer was rejected: {exc}") from None
        except Exception as exc:  # aiortc's OperationError/InvalidStateError/InternalError
            raise BadOffer(f"the SDP offer cannot be answered: {exc}") from None
        self._watchdog = asyncio.create_task(self._watch())
        return str(pc.localDescription.sdp)

    async def _watch(self) -> None:
        """Close a viewer that never connects, or whose receiver reports stop (a closed tab
        says nothing; ICE consent checks alone would take 30 s to notice)."""
        settings = self._settings
        opened = time.monotonic()
        while True:
            await asyncio.sleep(WATCH_INTERVAL_S)
            now = time.monotonic()
            if self.pc.connectionState != "connected":
                if now - opened > settings.connect_timeout_s:
                    return self._give_up(f"not connected after {settings.connect_timeout_s:g} s")
                continue
            silent = await self._seconds_since_receiver_report()
            if silent is None:
                silent = now - opened
            if silent > settings.peer_timeout_s:
                return self._give_up(f"no receiver report for {silent:.0f} s")

    async def _seconds_since_receiver_report(self) -> float | None:
        report = await self.track_sender.getStats()
        for stats in report.values():
            if stats.type == "remote-inbound-rtp":
                self.stats.rtt_ms = round((stats.roundTripTime or 0.0) * 1000, 1)
                self.stats.packets_lost = int(stats.packetsLost)
                age: float = (datetime.now(UTC) - stats.timestamp).total_seconds()
                return age
        return None

    def _give_up(self, why: str) -> None:
        log.info("live %s %s: %s, closing", self.key, self.id, why)
        self.close_soon()

    def _state_changed(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            self.close_soon()

    def _ended(self) -> None:
        self.close_soon()

    def close_soon(self) -> None:
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close())

    async def close(self) -> None:
        self.close_soon()
        assert self._closing is not None
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        self.track.stop()
        with contextlib.suppress(Exception):  # a half-open connection may fail to close
            await self.pc.close()
        self._on_closed(self)
        log.debug("live %s %s: webrtc session closed", self.key, self.id)
