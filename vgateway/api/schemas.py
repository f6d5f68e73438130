"""Response models of the camera API. Stream URLs are never part of them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vgateway.health import CameraState


class StreamHealthOut(BaseModel):
    stream: str = Field(description="main or sub")
    state: CameraState
    since: float = Field(description="unix time of the last state change")
    codec: str | None = Field(description="FFmpeg codec name, e.g. h264, hevc, mpeg4")
    resolution: str | None
    browser_playable: bool | None = Field(description="whether browsers can play it as is")
    fps: float
    bitrate_bps: float
    keyframe_interval_s: float | None
    last_error: str | None = Field(description="last failure, credentials masked")
    last_error_at: float | None
    uptime_s: float | None
    reconnects: int
    packets: int = Field(description="packets received since start")
    last_packet_at: float | None = Field(description="unix time of the latest packet")
    upstream_sessions: int = Field(description="upstream connections open for this stream (0/1)")
    subscribers: int = Field(description="consumers reading this stream from the hub")


class CameraOut(BaseModel):
    id: str
    name: str
    name_en: str | None
    town: str
    town_name: str
    department: str
    location: str
    area_type: str
    lat: float
    lon: float
    tags: list[str]
    shared_with: list[str]
    enabled: bool
    state: CameraState = Field(description="state of the camera's primary (sub, else main) stream")
    streams: list[StreamHealthOut]


class StateChangeOut(BaseModel):
    stream: str
    state: CameraState
    previous: CameraState
    at: float
    error: str | None


class CameraDetailOut(CameraOut):
    history: list[StateChangeOut] = Field(description="latest state changes, newest first")


class TownOut(BaseModel):
    id: str
    name: str
    name_en: str
    kind: str
    cameras: int
    online: int


class ComponentHealthOut(BaseModel):
    level: str = Field(description="ok, warning or critical")
    warnings: list[str]


class GatewayHealthOut(BaseModel):
    status: str = Field(description="ok, warning or critical: the worst component level")
    cameras: int
    online: int
    states: dict[str, int]
    components: dict[str, ComponentHealthOut] = Field(
        default_factory=dict, description="e.g. recording: disk nearly full"
    )
