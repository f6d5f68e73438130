"""`/api/layouts`: each user's saved wall layouts (list, read, save, delete)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from vgateway.auth.deps import ScopeDep
from vgateway.errors import NotFound
from vgateway.layouts.identity import current_user_name
from vgateway.layouts.models import (
    InvalidLayout,
    LayoutIn,
    LayoutOut,
    check_name,
    parse_layout,
)
from vgateway.layouts.store import LayoutStore

router = APIRouter(prefix="/api/layouts", tags=["layouts"])


def get_layout_store(request: Request) -> LayoutStore:
    store: LayoutStore = request.app.state.layouts
    return store


StoreDep = Annotated[LayoutStore, Depends(get_layout_store)]
UserDep = Annotated[str, Depends(current_user_name)]

_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "invalid layout or name: {error: invalid_layout, detail}"},
    404: {"description": "no layout of that name for this user"},
}


@router.get("", response_model=list[LayoutOut], summary="The user's saved layouts, by name")
async def list_layouts(store: StoreDep, user: UserDep) -> list[LayoutOut]:
    layouts = await asyncio.to_thread(store.list, user)
    return [LayoutOut.of(layout) for layout in layouts]


@router.get("/{name}", response_model=LayoutOut, summary="One saved layout", responses=_ERRORS)
async def get_layout(name: str, store: StoreDep, user: UserDep) -> LayoutOut:
    layout = await asyncio.to_thread(store.get, user, name)
    if layout is None:
        raise NotFound(f"no layout named {name!r}")
    return LayoutOut.of(layout)


@router.put(
    "/{name}",
    response_model=LayoutOut,
    summary="Save a layout (201 when new, 200 when replaced)",
    responses={201: {"description": "created"}, **_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LayoutIn.model_json_schema()}},
        }
    },
)
async def put_layout(
    name: str,
    request: Request,
    response: Response,
    store: StoreDep,
    user: UserDep,
    scope: ScopeDep,
) -> LayoutOut:
    # The body is checked here rather than by FastAPI so that every error has the
    # gateway's {error, detail} shape with the offending field named.
    check_name(name)
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise InvalidLayout("body: not a JSON document") from None
    known = set(scope.camera_ids())  # a camera the user cannot see is as unknown as a typo
    grid, tiles = parse_layout(body, known)
    created = await asyncio.to_thread(store.put, user, name, grid, tiles)
    response.status_code = 201 if created else 200
    layout = await asyncio.to_thread(store.get, user, name)
    if layout is None:  # deleted between the two calls
        raise NotFound(f"no layout named {name!r}")
    return LayoutOut.of(layout)


@router.delete("/{name}", status_code=204, summary="Delete a layout", responses=_ERRORS)
async def delete_layout(name: str, store: StoreDep, user: UserDep) -> Response:
    if not await asyncio.to_thread(store.delete, user, name):
        raise NotFound(f"no layout named {name!r}")
    return Response(status_code=204)
