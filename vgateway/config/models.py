"""Typed model of the district camera network: towns, cameras, their streams, and settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from vgateway.auth.settings import AuthSettings
from vgateway.config.consistency import CameraRef, find_inconsistencies
from vgateway.config.errors import format_field
from vgateway.config.settings import GatewaySettings, IngestSettings
from vgateway.config.types import (
    STRICT_MODEL,
    CameraId,
    GbId,
    NonEmptyStr,
    RtspUrl,
    StreamRole,
    TownId,
    Transport,
)
from vgateway.recording.settings import RecordingSettings
from vgateway.redact import redact_url
from vgateway.relay.settings import RelaySettings
from vgateway.tickets.settings import TicketSettings

__all__ = [
    "Camera",
    "Coordinates",
    "GatewaySettings",
    "IngestSettings",
    "NetworkConfig",
    "StreamConfig",
    "StreamRole",
    "Town",
    "Transport",
]

# Validation context key: the loader runs the cross-checks on the raw tree itself (so they are
# reported alongside field errors, with line numbers) and asks the model not to repeat them.
SKIP_CROSS_CHECKS = "vgateway.config.skip_cross_checks"


class StreamConfig(BaseModel):
    """One RTSP stream of a camera."""

    model_config = STRICT_MODEL

    url: RtspUrl = Field(
        description="rtsp:// or rtsps:// URL; put passwords in ${VARIABLES}, never in the file."
    )
    transport: Transport | None = Field(
        default=None, description="RTSP transport; None uses ingest.transport."
    )
    always_on: bool | None = Field(
        default=None,
        description="Keep the stream pulled with no viewers; None: sub streams always on "
        "(analytics read them), main streams on demand unless the camera has no sub.",
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Cameras get logged and printed; their repr must not carry the password.
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "url" else value


class Coordinates(BaseModel):
    """WGS-84 position of a camera, for the map."""

    model_config = STRICT_MODEL

    lat: float = Field(ge=-90, le=90, description="Latitude in degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude in degrees.")


class Town(BaseModel):
    """A town (镇) or subdistrict (街道) of the district; it sees its own and shared cameras."""

    model_config = STRICT_MODEL

    id: TownId = Field(description="Lowercase slug, e.g. 'chengguan'.")
    name: NonEmptyStr = Field(description="Chinese name, e.g. '城关街道'.")
    name_en: NonEmptyStr = Field(description="Pinyin name, e.g. 'Chengguan Subdistrict'.")
    kind: Literal["镇", "街道"] = Field(description="镇 (town) or 街道 (subdistrict).")


class Camera(BaseModel):
    """One camera of the merged network, owned by a department and located in a town."""

    model_config = STRICT_MODEL

    id: CameraId = Field(description="Stable slug used in URLs and mounts, e.g. 'cam001'.")
    name: NonEmptyStr = Field(description="Chinese display name, e.g. '人民路与解放路交叉口'.")
    name_en: str | None = Field(default=None, description="English display name, if any.")
    town: TownId = Field(description="Id of the town the camera stands in.")
    department: NonEmptyStr = Field(description="Owning department, e.g. '公安局交警大队'.")
    location: NonEmptyStr = Field(description="Chinese address or description of the spot.")
    area_type: NonEmptyStr = Field(
        description="Kind of place: crossroad, road, highway, hazchem_site, school, market, "
        "bridge, square, station, river, village, ..."
    )
    coordinates: Coordinates = Field(description="Where the camera stands.")
    streams: dict[StreamRole, StreamConfig] = Field(
        description="RTSP streams by role; 'main' is required, 'sub' optional."
    )
    tags: tuple[NonEmptyStr, ...] = Field(
        default=(), description="Free labels for filtering, e.g. traffic, hazchem, school."
    )
    shared_with: tuple[TownId, ...] = Field(
        default=(), description="Other towns that may also see this camera."
    )
    enabled: bool = Field(default=True, description="Disabled cameras are not connected.")
    gb_id: GbId | None = Field(default=None, description="20-digit GB/T 28181 device code.")

    @field_validator("streams")
    @classmethod
    def _main_required(
        cls, streams: dict[StreamRole, StreamConfig]
    ) -> dict[StreamRole, StreamConfig]:
        if StreamRole.main not in streams:
            raise ValueError("a 'main' stream is required")
        return streams

    def is_always_on(self, role: StreamRole) -> bool:
        """Whether a stream is pulled with no viewers: its explicit setting, else yes for the
        sub stream, and for main only when there is no sub (it then feeds analytics)."""
        explicit = self.streams[role].always_on
        if explicit is not None:
            return explicit
        return role is StreamRole.sub or StreamRole.sub not in self.streams


class NetworkConfig(BaseModel):
    """A whole configuration file: the district, its towns and cameras, and process settings."""

    model_config = STRICT_MODEL

    district: NonEmptyStr = Field(description="Chinese district name, e.g. '临江区'.")
    district_en: str | None = Field(default=None, description="English district name.")
    gateway: GatewaySettings = Field(
        default_factory=GatewaySettings, description="HTTP, database and logging settings."
    )
    ingest: IngestSettings = Field(
        default_factory=IngestSettings, description="Camera connection defaults."
    )
    auth: AuthSettings = Field(
        default_factory=AuthSettings,
        description="Access control: sessions, API tokens, signed media URLs, login throttling.",
    )
    relay: RelaySettings = Field(
        default_factory=RelaySettings,
        description="Live viewing: WebRTC ICE servers and timeouts, fallback stream limits.",
    )
    tickets: TicketSettings = Field(
        default_factory=TicketSettings,
        description="Work orders: which detections make tickets, de-duplication, 12345 webhooks.",
    )
    recording: RecordingSettings = Field(
        default_factory=RecordingSettings,
        description="Recording modes, event pre-/post-roll, clips and retention.",
    )
    towns: tuple[Town, ...] = Field(description="Towns and subdistricts of the district.")
    cameras: tuple[Camera, ...] = Field(description="Every camera of the network.")

    _cameras_by_id: dict[str, Camera] = PrivateAttr(default_factory=dict)
    _towns_by_id: dict[str, Town] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_CROSS_CHECKS):
            return self
        refs = [CameraRef(c.id, c.town, c.shared_with, c.gb_id) for c in self.cameras]
        problems = find_inconsistencies([t.id for t in self.towns], refs)
        if problems:
            raise ValueError("; ".join(f"{format_field(path)}: {msg}" for path, msg in problems))
        return self

    def model_post_init(self, context: object, /) -> None:
        self._cameras_by_id = {camera.id: camera for camera in self.cameras}
        self._towns_by_id = {town.id: town for town in self.towns}

    def camera(self, camera_id: str) -> Camera:
        """The camera with this id; KeyError if there is none."""
        return self._cameras_by_id[camera_id]

    def town(self, town_id: str) -> Town:
        """The town with this id; KeyError if there is none."""
        return self._towns_by_id[town_id]

    def cameras_visible_to_town(self, town_id: str) -> list[Camera]:
        """Cameras a town's operators may see: its own plus those shared with it, in file order."""
        self.town(town_id)
        return [c for c in self.cameras if c.town == town_id or town_id in c.shared_with]

    def cameras_in_town(self, town_id: str) -> list[Camera]:
        """Cameras standing in a town (not those shared with it)."""
        self.town(town_id)
        return [c for c in self.cameras if c.town == town_id]

    def stream_transport(self, camera: Camera, role: StreamRole) -> Transport:
        """The transport a stream uses: its own setting, else the ingest default."""
        return camera.streams[role].transport or self.ingest.transport
