"""Live relay settings (to become the `relay:` section of the config file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_MODEL = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class IceServer(BaseModel):
    """A STUN or TURN server, as in the browser's RTCIceServer."""

    model_config = _MODEL

    urls: list[str] = Field(
        min_length=1,
        description="e.g. ['stun:10.1.2.3:3478'] or ['turn:10.1.2.3:3478?transport=udp']",
    )
    username: str | None = Field(default=None, description="TURN user name.")
    credential: str | None = Field(default=None, description="TURN password.")


class IceSettings(BaseModel):
    model_config = _MODEL

    servers: list[IceServer] = Field(
        default_factory=list,
        description="STUN/TURN servers. Empty (the default) suits a LAN: host candidates only, "
        "and no lookups of a public STUN server that the network cannot reach.",
    )
    host_addresses: list[str] | None = Field(
        default=None,
        description="Local addresses offered as host candidates. None: every non-loopback "
        "interface. Pin the command-centre LAN on a multi-homed gateway; ['127.0.0.1'] lets "
        "peers on this machine connect over loopback (tests, benches).",
    )


class RelaySettings(BaseModel):
    """How live video reaches browsers: WebRTC first, fMP4 over WebSocket as the fallback."""

    model_config = _MODEL

    ice: IceSettings = Field(default_factory=IceSettings, description="WebRTC connectivity.")
    start_timeout_s: float = Field(
        default=6.0,
        gt=0,
        description="How long opening a viewer waits for a stream that is still connecting "
        "before answering 503 (WHEP) or 'waiting' (WebSocket).",
    )
    connect_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="A WebRTC session whose ICE/DTLS is not up by then is closed.",
    )
    peer_timeout_s: float = Field(
        default=6.0,
        gt=0,
        description="A connected WebRTC viewer whose receiver reports (RTCP) stop for this "
        "long is gone (closed tab, pulled cable) and is closed.",
    )
    webrtc_queue_packets: int = Field(
        default=300,
        ge=10,
        description="Packets queued per WebRTC viewer (and for each shared fragmenter); a viewer "
        "further behind skips to the next keyframe (the camera and other viewers never wait). "
        "Also caps the cached GOP a new viewer starts with: keep it above one GOP (10 s at 30 "
        "fps here). Queued packets are shared, not copied.",
    )
    mse_queue_fragments: int = Field(
        default=150,
        ge=10,
        description="Fragments queued per WebSocket viewer before it skips ahead.",
    )
    compress_backlog: bool = Field(
        default=True,
        description="Send the cached GOP to a new WebRTC viewer as a burst with timestamps 1 ms "
        "apart, so it plays from the live edge instead of replaying the GOP in real time.",
    )
    max_viewers: int = Field(
        default=1000, ge=1, description="Live sessions one gateway process serves at most."
    )
    stats_interval_s: float = Field(
        default=2.0, gt=0, description="How often WebSocket viewers get a stats message."
    )
    workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="WebRTC viewers served by this many worker processes (one core each at "
        "most), fed by the gateway's single upstream pull per camera. 0: in the gateway "
        "process itself (one core for every viewer).",
    )
