"""/api/playback: a camera's recorded segments for the playback page. `locate` finds the
segment holding an instant; `segment` serves its fragmented MP4 with HTTP ranges (a segment
still being written up to its last whole fragment). Each playback is checked and recorded in
the audit trail (once per segment load: the request from the first byte)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from vgateway.auth.deps import CameraAccess, camera_access, get_auth
from vgateway.auth.principal import Action
from vgateway.auth.service import client_address
from vgateway.cases.ranges import prefix_response
from vgateway.errors import BadRequest, NotFound
from vgateway.recording import RecordingService
from vgateway.recording.index import LISTED, SegmentRow
from vgateway.recording.mp4box import readable_prefix
from vgateway.recording.schemas import parse_instant
from vgateway.recording.tables import recording_segments

router = APIRouter(prefix="/api/playback", tags=["playback"])
Playback = Annotated[CameraAccess, Depends(camera_access(Action.playback))]


def get_recording(request: Request) -> RecordingService:
    service: RecordingService | None = getattr(request.app.state, "recording", None)
    if service is None:
        raise NotFound("recording is not running")
    return service


Recording = Annotated[RecordingService, Depends(get_recording)]


class SegmentAt(BaseModel):
    id: int
    camera_id: str
    start: float
    end: float | None = Field(description="None while it is being written")
    status: str
    offset: float = Field(description="Seconds into the segment where the instant is.")
    url: str


def _instant(value: str) -> float:
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise BadRequest(f"at: {exc}") from None


@router.get("/{camera_id}/locate", response_model=SegmentAt, summary="The segment at an instant")
async def locate(
    camera_id: str,
    access: Playback,
    recording: Recording,
    at: Annotated[str, Query(description="unix seconds or ISO 8601")],
) -> SegmentAt:
    instant = _instant(at)
    index = recording.index
    rows = await asyncio.to_thread(
        index.overlapping, camera_id, instant, instant + 1e-3, include_writing=True
    )
    if not rows:  # in a gap: the next recording within the hour
        rows = await asyncio.to_thread(
            index.overlapping, camera_id, instant, instant + 3600, include_writing=True
        )
        if not rows:
            raise NotFound(f"camera {camera_id} has no recording at or after {instant:.0f}")
    row = rows[0]
    return SegmentAt(
        id=row.id,
        camera_id=camera_id,
        start=row.start_at,
        end=row.end_at,
        status=row.status,
        offset=max(0.0, instant - row.start_at),
        url=f"/api/playback/{camera_id}/segment?id={row.id}",
    )


def _segment(recording: RecordingService, camera_id: str, segment_id: int) -> SegmentRow | None:
    # The index has no lookup by id; read its table directly (read-only).
    seg = recording_segments
    with recording.index.engine.connect() as conn:
        row = conn.execute(
            select(seg).where(seg.c.id == segment_id, seg.c.camera_id == camera_id)
        ).first()
    if row is None:
        return None
    return SegmentRow(**{k: row._mapping[k] for k in SegmentRow.__dataclass_fields__})


@router.get(
    "/{camera_id}/segment",
    summary="A recorded segment (fragmented MP4, HTTP ranges); audited",
    response_class=Response,
    responses={200: {"content": {"video/mp4": {}}}, 206: {"description": "a byte range"}},
)
async def segment(
    camera_id: str,
    access: Playback,
    recording: Recording,
    request: Request,
    id: Annotated[int, Query(description="segment id, from locate")],
) -> Response:
    row = await asyncio.to_thread(_segment, recording, camera_id, id)
    if row is None or row.status not in (*LISTED, "writing"):
        raise NotFound(f"no segment {id} of camera {camera_id}")
    path = recording.root / Path(row.path)
    byte_range = request.headers.get("range", "")
    if not byte_range or byte_range.replace(" ", "").startswith("bytes=0-"):
        auth = get_auth(request)
        await asyncio.to_thread(
            auth.access,
            access.principal,
            Action.playback,
            camera_id,
            address=client_address(request),
            detail={"segment": row.id, "start": row.start_at},
        )
    if row.status != "writing":
        return FileResponse(path, media_type="video/mp4")
    size, _ = await asyncio.to_thread(readable_prefix, path)
    if size == 0:
        raise NotFound(f"segment {id} has no whole fragment yet")
    return prefix_response(path, size, request, "video/mp4")
