"""A WHEP viewer in Python (aiortc as the receiving peer): for tests, benches and probes.

It plays the browser's part of RFC 9725: POST an offer, apply the answer, DELETE to hang up.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urljoin

import httpx
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription

from vgateway.relay.ice import pin_host_addresses, rtc_configuration
from vgateway.relay.settings import IceSettings


class WhepError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"WHEP endpoint answered {status}: {body}")
        self.status = status
        self.body = body


class WhepViewer:
    def __init__(self, pc: RTCPeerConnection, session_url: str, track: MediaStreamTrack) -> None:
        self.pc = pc
        self.session_url = session_url
        self.track = track

    @property
    def session_id(self) -> str:
        return self.session_url.rstrip("/").rsplit("/", 1)[-1]

    @classmethod
    async def connect(
        cls, http: httpx.AsyncClient, whep_url: str, ice: IceSettings | None = None
    ) -> WhepViewer:
        ice = ice or IceSettings()
        pc = RTCPeerConnection(rtc_configuration(ice))
        try:
            transceiver = pc.addTransceiver("video", direction="recvonly")
            if ice.host_addresses is not None:
                pin_host_addresses(pc, ice.host_addresses)
            await pc.setLocalDescription(await pc.createOffer())
            response = await http.post(
                whep_url,
                content=pc.localDescription.sdp,
                headers={"Content-Type": "application/sdp"},
            )
            if response.status_code != 201:
                raise WhepError(response.status_code, response.text)
            await pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
        except BaseException:
            await pc.close()
            raise
        location = urljoin(str(response.request.url), response.headers["location"])
        return cls(pc, location, transceiver.receiver.track)

    async def hangup(self, http: httpx.AsyncClient | None = None) -> int | None:
        """DELETE the session (when given a client), then close the peer connection."""
        status = None
        if http is not None:
            with contextlib.suppress(httpx.HTTPError):
                status = (await http.delete(self.session_url)).status_code
        await self.pc.close()
        return status
