"""Camera list, detail with health and history, and JPEG snapshots."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from vgateway.api.schemas import (
    CameraDetailOut,
    CameraOut,
    ComponentHealthOut,
    GatewayHealthOut,
    StateChangeOut,
    StreamHealthOut,
    TownOut,
)
from vgateway.api.services import Services, get_services
from vgateway.auth.deps import CameraAccess, ScopeDep, camera_access
from vgateway.auth.principal import Action
from vgateway.config import Camera
from vgateway.errors import BadRequest, NotFound, Unavailable
from vgateway.health import CameraState
from vgateway.hub import StreamKey, SubscriptionClosed
from vgateway.media import MediaPacket
from vgateway.snapshot import SnapshotUnavailable, jpeg_snapshot

router = APIRouter(prefix="/api", tags=["cameras"])
_LEVELS = ["ok", "warning", "critical"]
SNAPSHOT_WAIT_S = 6.0  # an idle main stream needs a connection (~0.1 s) plus up to one GOP
SNAPSHOT_WAIT_PACKETS = 400
ServicesDep = Annotated[Services, Depends(get_services)]
HealthAccess = Annotated[CameraAccess, Depends(camera_access(Action.view_health))]
SnapshotAccess = Annotated[CameraAccess, Depends(camera_access(Action.view_snapshot))]


def _camera_out(services: Services, camera: Camera) -> CameraOut:
    streams = []
    for role in camera.streams:
        key = StreamKey(camera.id, role.value)
        view = services.ingest.health[key].view()
        stream = services.hub.get(*key)
        streams.append(
            StreamHealthOut(
                stream=view.stream,
                state=view.state,
                since=view.since,
                codec=view.codec,
                resolution=view.resolution,
                browser_playable=view.browser_playable,
                fps=view.fps,
                bitrate_bps=view.bitrate_bps,
                keyframe_interval_s=view.keyframe_interval_s,
                last_error=view.last_error,
                last_error_at=view.last_error_at,
                uptime_s=view.uptime_s,
                reconnects=view.reconnects,
                packets=view.packets,
                last_packet_at=view.last_packet_at,
                upstream_sessions=int(services.ingest.upstream_running(key)),
                subscribers=stream.subscriber_count if stream else 0,
            )
        )
    town = services.config.town(camera.town)
    return CameraOut(
        id=camera.id,
        name=camera.name,
        name_en=camera.name_en,
        town=camera.town,
        town_name=town.name,
        department=camera.department,
        location=camera.location,
        area_type=camera.area_type,
        lat=camera.coordinates.lat,
        lon=camera.coordinates.lon,
        tags=list(camera.tags),
        shared_with=list(camera.shared_with),
        enabled=camera.enabled,
        state=services.ingest.camera_state(camera.id),
        streams=streams,
    )


def _find(services: Services, camera_id: str) -> Camera:
    try:
        return services.config.camera(camera_id)
    except KeyError:
        raise NotFound(f"no camera with id {camera_id!r}") from None


@router.get("/cameras", response_model=list[CameraOut], summary="List cameras")
def list_cameras(
    services: ServicesDep,
    scope: ScopeDep,
    town: Annotated[str | None, Query(description="town id; shared cameras included")] = None,
    tag: Annotated[str | None, Query(description="only cameras with this tag")] = None,
    state: Annotated[CameraState | None, Query(description="only cameras in this state")] = None,
) -> list[CameraOut]:
    cameras = scope.visible()
    if town is not None:
        try:
            services.config.town(town)
        except KeyError:
            raise NotFound(f"no town with id {town!r}") from None
        in_town = {c.id for c in services.config.cameras_visible_to_town(town)}
        cameras = [c for c in cameras if c.id in in_town]
    if tag is not None:
        cameras = [c for c in cameras if tag in c.tags]
    if state is not None:
        cameras = [c for c in cameras if services.ingest.camera_state(c.id) == state]
    return [_camera_out(services, c) for c in cameras]


@router.get("/cameras/{camera_id}", response_model=CameraDetailOut, summary="One camera")
async def get_camera(
    services: ServicesDep,
    camera_id: str,
    _access: HealthAccess,
    history: Annotated[int, Query(ge=0, le=1000, description="state changes to include")] = 50,
) -> CameraDetailOut:
    camera = _find(services, camera_id)
    changes = await asyncio.to_thread(services.history.list, camera_id, history)
    base = _camera_out(services, camera)
    return CameraDetailOut(
        **base.model_dump(),
        history=[
            StateChangeOut(
                stream=c.stream, state=c.state, previous=c.previous, at=c.at, error=c.error
            )
            for c in changes
        ],
    )


@router.get(
    "/cameras/{camera_id}/snapshot.jpg",
    summary="JPEG of the latest picture",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 503: {"description": "no picture yet"}},
)
async def snapshot(
    services: ServicesDep,
    camera_id: str,
    _access: SnapshotAccess,
    stream: Annotated[str | None, Query(description="main or sub; default: primary")] = None,
) -> Response:
    camera = _find(services, camera_id)
    role = stream or services.ingest.primary_key(camera.id).role
    if role not in {r.value for r in camera.streams}:
        raise BadRequest(f"camera {camera_id} has no {role!r} stream")
    packets = await _decodable_gop(services, camera.id, role)
    try:
        jpeg = await asyncio.to_thread(jpeg_snapshot, packets)
    except SnapshotUnavailable as exc:
        raise Unavailable(f"camera {camera_id}: {exc}") from None
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


async def _decodable_gop(services: Services, camera_id: str, role: str) -> list[MediaPacket]:
    """The cached GOP; when a stream is up but has no keyframe yet, wait up to one GOP for it."""
    stream = services.hub.stream(camera_id, role)
    packets = stream.cached_gop()
    if packets:
        return packets
    state = services.ingest.health[StreamKey(camera_id, role)].state
    if state not in (CameraState.ONLINE, CameraState.CONNECTING, CameraState.IDLE):
        return []
    # Subscribing also starts an on-demand stream; the first keyframe fills the cache.
    sub = stream.subscribe("snapshot", maxlen=SNAPSHOT_WAIT_PACKETS)
    try:
        async with asyncio.timeout(SNAPSHOT_WAIT_S):
            while not (await sub.get()).keyframe:
                pass
    except (TimeoutError, SubscriptionClosed):
        return []
    finally:
        sub.close()
    return stream.cached_gop()


@router.get("/towns", response_model=list[TownOut], summary="Towns with camera counts")
def list_towns(services: ServicesDep, scope: ScopeDep) -> list[TownOut]:
    out = []
    visible = scope.visible()  # counts never include cameras the caller cannot see
    for town in services.config.towns:
        cameras = [c for c in visible if c.town == town.id]
        if not cameras and not scope.unrestricted and town.id != scope.principal.town:
            continue  # a town lists only the towns it sees into
        online = sum(services.ingest.camera_state(c.id) == CameraState.ONLINE for c in cameras)
        out.append(
            TownOut(
                id=town.id,
                name=town.name,
                name_en=town.name_en,
                kind=town.kind,
                cameras=len(cameras),
                online=online,
            )
        )
    return out


@router.get("/health", response_model=GatewayHealthOut, summary="Gateway health summary")
def gateway_health(services: ServicesDep, scope: ScopeDep) -> GatewayHealthOut:
    visible = scope.visible()
    states = Counter(services.ingest.camera_state(c.id).value for c in visible)
    components = {name: check() for name, check in services.health_checks.items()}
    worst = max((c.level for c in components.values()), key=_LEVELS.index, default="ok")
    return GatewayHealthOut(
        status=worst,
        cameras=len(visible),
        online=states.get(CameraState.ONLINE.value, 0),
        states=dict(states),
        components={
            name: ComponentHealthOut(level=c.level, warnings=c.warnings)
            for name, c in components.items()
        },
    )
