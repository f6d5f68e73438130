"""ICE configuration: which servers and which local addresses a viewer's connection offers.

aiortc asks a public STUN server unless told otherwise, which a district LAN cannot reach:
the default here is no servers at all. aioice gathers host candidates on every interface but
loopback and has no option to choose them, so `pin_host_addresses` replaces the gathering of
one connection (pinned to the aioice 0.x internals it touches; checked at start-up).
"""

from __future__ import annotations

from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

from vgateway.relay.settings import IceSettings

# The aioice Connection attributes that pinning relies on.
_AIOICE_FIELDS = (
    "_components",
    "_local_candidates",
    "_local_candidates_start",
    "_local_candidates_end",
)


def rtc_configuration(settings: IceSettings) -> RTCConfiguration:
    servers = [
        RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
        for s in settings.servers
    ]
    return RTCConfiguration(iceServers=servers)


def pin_host_addresses(pc: RTCPeerConnection, addresses: list[str]) -> None:
    """Offer host candidates on exactly `addresses` (loopback allowed) for every transport of
    `pc`. Call after setRemoteDescription / addTransceiver and before setLocalDescription."""
    for transceiver in pc.getTransceivers():
        connection = _ice_connection(transceiver)
        if connection is not None and not getattr(connection, "_pinned", False):
            _pin(connection, list(addresses))


def check_pinning_supported() -> None:
    """Fail fast (at start-up, not at the first viewer) if aioice changed under us."""
    from aioice import Connection

    probe = Connection(ice_controlling=False)
    missing = [name for name in _AIOICE_FIELDS if not hasattr(probe, name)]
    if missing or not hasattr(probe, "get_component_candidates"):
        raise RuntimeError(
            "relay.ice.host_addresses is not supported by this aioice version "
            f"(missing {', '.join(missing) or 'get_component_candidates'})"
        )


def _ice_connection(transceiver: Any) -> Any:
    dtls = transceiver.sender.transport
    gatherer = getattr(getattr(dtls, "transport", None), "iceGatherer", None)
    return getattr(gatherer, "_connection", None)


def _pin(connection: Any, addresses: list[str]) -> None:
    async def gather_candidates() -> None:
        if connection._local_candidates_start:
            return
        connection._local_candidates_start = True
        for component in connection._components:
            connection._local_candidates += await connection.get_component_candidates(
                component=component, addresses=addresses
            )
        connection._local_candidates_end = True

    connection.gather_candidates = gather_candidates
    connection._pinned = True
