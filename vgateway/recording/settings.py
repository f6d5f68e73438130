"""Recording settings: what each camera records, how long footage is kept, how much disk it gets.

A `recording:` section of the network YAML (to be hooked into NetworkConfig by the lead); until
then `RecordingComponent` takes a `RecordingSettings` argument. Per-camera overrides are looked
up by camera id first, then by the camera's tags in the order the tags are listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:  # the config package may import this module: nothing imported back at run time
    from vgateway.config import Camera, NetworkConfig

# As vgateway.config.types.STRICT_MODEL (not imported, see above): unknown keys rejected,
# immutable, input values never echoed in errors.
STRICT_MODEL = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)
Role = Literal["main", "sub"]

MIB = 1024 * 1024
T = TypeVar("T")


class RecordingMode(StrEnum):
    continuous = "continuous"  # segments all the time, plus the in-memory pre-roll buffer
    events = "events"  # only the pre-roll buffer: clips around events, nothing on disk otherwise
    off = "off"  # the camera is not read by recording at all


class CameraRecording(BaseModel):
    """Per-camera (or per-tag) override; unset fields inherit the defaults."""

    model_config = STRICT_MODEL

    mode: RecordingMode | None = Field(default=None, description="continuous, events or off.")
    stream: Role | None = Field(default=None, description="Stream to record: sub or main.")
    retention_days: float | None = Field(default=None, gt=0, description="Keep segments this long.")
    pre_roll_s: float | None = Field(default=None, ge=0, le=120, description="Event pre-roll.")
    post_roll_s: float | None = Field(default=None, ge=0, le=600, description="Event post-roll.")


class RecordingSettings(BaseModel):
    """Defaults for every camera, overrides by camera id or tag, storage and retention."""

    model_config = STRICT_MODEL

    mode: RecordingMode = Field(
        default=RecordingMode.events,
        description="Default mode. 'events' because continuous sub-streams of a whole district "
        "fill a disk fast (119 cameras at 1 Mbit/s = 1.3 TB/day); turn continuous on by tag.",
    )
    stream: Role = Field(
        default="sub",
        description="Stream recorded by default. 'main' keeps that camera's main stream pulled "
        "all the time (it is otherwise on demand).",
    )
    segment_seconds: float = Field(
        default=60,
        ge=2,
        le=3600,
        description="Continuous segments are cut at the first keyframe after this many seconds.",
    )
    retention_days: float = Field(default=7, gt=0, description="Delete unheld segments older.")
    clip_retention_days: float | None = Field(
        default=None, gt=0, description="Delete unheld clips older than this; None keeps them."
    )
    disk_quota_bytes: int | None = Field(
        default=None, gt=0, description="Cap on segments + clips; oldest unheld segments go first."
    )
    min_free_bytes: int = Field(
        default=2 * 1024 * MIB,
        ge=0,
        description="Also delete old segments while the file system has less free space than this.",
    )
    warn_fraction: float = Field(
        default=0.9, gt=0, le=1, description="Warn when the quota or the disk is this full."
    )
    pre_roll_s: float = Field(default=10, ge=0, le=120, description="Event clip pre-roll.")
    post_roll_s: float = Field(default=10, ge=0, le=600, description="Event clip post-roll.")
    buffer_extra_s: float = Field(
        default=5,
        ge=0,
        le=60,
        description="The buffer keeps pre_roll_s plus this, so a clip "
        "requested a little after its event still gets its whole pre-roll.",
    )
    pre_roll_max_bytes: int = Field(
        default=8 * MIB, ge=256 * 1024, description="Memory cap of one camera's buffer."
    )
    storage_dir: str = Field(
        default="recordings", min_length=1, description="Under gateway.data_dir unless absolute."
    )
    max_clip_seconds: float = Field(
        default=900, gt=0, description="Longest clip one request may ask for."
    )
    retention_interval_s: float = Field(
        default=60, gt=0, description="How often retention and disk checks run."
    )
    writer_threads: int = Field(
        default=2, ge=1, le=32, description="Threads that remux segments (cameras are sharded)."
    )
    cameras: dict[str, CameraRecording] = Field(
        default_factory=dict, description="Overrides by camera id."
    )
    tags: dict[str, CameraRecording] = Field(
        default_factory=dict, description="Overrides by camera tag (first matching tag wins)."
    )

    @model_validator(mode="after")
    def _roll_fits_buffer(self) -> Self:
        for where, item in [("", None), *self._overrides()]:
            pre = item.pre_roll_s if item and item.pre_roll_s is not None else self.pre_roll_s
            if pre + self.buffer_extra_s > 300:
                raise ValueError(f"{where or 'pre_roll_s'}: pre-roll buffer over 300 s")
        return self

    def _overrides(self) -> list[tuple[str, CameraRecording]]:
        return [(f"cameras.{k}", v) for k, v in self.cameras.items()] + [
            (f"tags.{k}", v) for k, v in self.tags.items()
        ]

    def unknown_cameras(self, config: NetworkConfig) -> list[str]:
        """Override keys that name no camera of the network (typos), for a start-up warning."""
        known = {c.id for c in config.cameras}
        return sorted(set(self.cameras) - known)

    def plan(self, camera: Camera) -> CameraPlan:
        """The effective settings of one camera."""
        found = self.cameras.get(camera.id)
        layers = [found] if found is not None else []
        layers += [self.tags[tag] for tag in self.tags if tag in camera.tags]
        mode = _first((layer.mode for layer in layers), self.mode)
        role = _first((layer.stream for layer in layers), self.stream)
        if role not in camera.streams:
            role = "main"  # a camera without a sub-stream records what it has
        if not camera.enabled:
            mode = RecordingMode.off
        return CameraPlan(
            camera_id=camera.id,
            mode=mode,
            role=role,
            retention_days=_first((x.retention_days for x in layers), self.retention_days),
            pre_roll_s=_first((layer.pre_roll_s for layer in layers), self.pre_roll_s),
            post_roll_s=_first((layer.post_roll_s for layer in layers), self.post_roll_s),
        )


def _first(values: Iterable[T | None], default: T) -> T:
    for value in values:
        if value is not None:
            return value
    return default


@dataclass(frozen=True)
class CameraPlan:
    camera_id: str
    mode: RecordingMode
    role: str
    retention_days: float
    pre_roll_s: float
    post_roll_s: float

    @property
    def buffered(self) -> bool:
        return self.mode is not RecordingMode.off

    @property
    def continuous(self) -> bool:
        return self.mode is RecordingMode.continuous
