"""What a saved layout is, and how a client's layout document is checked."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vgateway.errors import BadRequest

GRID_SIZES = (1, 4, 9, 16, 25)
NAME_MAX = 64
CAMERA_ID_MAX = 64


class InvalidLayout(BadRequest):
    code = "invalid_layout"


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    grid: int
    tiles: tuple[str | None, ...]
    updated_at: float


class LayoutIn(BaseModel):
    """A wall arrangement as the browser sends it."""

    model_config = ConfigDict(extra="forbid")

    grid: int = Field(description="tiles on the wall: 1, 4, 9, 16 or 25 (a square grid)")
    tiles: list[str | None] = Field(
        description="camera id per tile in row-major order, null for an empty tile; "
        "at most `grid` entries, missing ones are empty"
    )


class LayoutOut(BaseModel):
    name: str
    grid: int
    tiles: list[str | None] = Field(description="exactly `grid` entries")
    updated_at: float = Field(description="unix time of the last save")

    @classmethod
    def of(cls, layout: Layout) -> LayoutOut:
        return cls(
            name=layout.name,
            grid=layout.grid,
            tiles=list(layout.tiles),
            updated_at=layout.updated_at,
        )


def check_name(name: str) -> str:
    """A layout name as typed by a user: visible text, at most NAME_MAX characters."""
    if not name or not name.strip():
        raise InvalidLayout("layout name: must not be empty")
    if name != name.strip():
        raise InvalidLayout(f"layout name {name!r}: leading or trailing spaces")
    if len(name) > NAME_MAX:
        raise InvalidLayout(f"layout name: {len(name)} characters, at most {NAME_MAX}")
    if any(unicodedata.category(ch).startswith("C") or ch == "/" for ch in name):
        raise InvalidLayout(f"layout name {name!r}: control characters or '/' not allowed")
    return name


def parse_layout(body: Any, known_cameras: set[str]) -> tuple[int, tuple[str | None, ...]]:
    """Check a client's layout document; return (grid, tiles padded to grid)."""
    try:
        layout = LayoutIn.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field_path(first["loc"])
        raise InvalidLayout(f"{where}: {first['msg']}") from None
    if layout.grid not in GRID_SIZES:
        sizes = ", ".join(map(str, GRID_SIZES))
        raise InvalidLayout(f"grid: {layout.grid} is not one of {sizes}")
    if len(layout.tiles) > layout.grid:
        raise InvalidLayout(f"tiles: {len(layout.tiles)} entries for a {layout.grid}-tile grid")
    for index, camera_id in enumerate(layout.tiles):
        if camera_id is not None and camera_id not in known_cameras:
            shown = camera_id[:CAMERA_ID_MAX]
            raise InvalidLayout(f"tiles[{index}]: no camera with id {shown!r}")
    padded = (*layout.tiles, *([None] * (layout.grid - len(layout.tiles))))
    return layout.grid, padded


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"
