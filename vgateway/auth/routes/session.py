"""`/api/auth`: sign in and out, who am I, change my password, sign media URLs; `/login`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from vgateway.auth.deps import AuthDep, PrincipalDep, public
from vgateway.auth.identity import SESSION_COOKIE
from vgateway.auth.media_urls import TOKEN_PARAM
from vgateway.auth.passwords import WeakPassword
from vgateway.auth.principal import CAMERA_ACTIONS, Action, Principal
from vgateway.auth.routes.login_page import LOGIN_PAGE
from vgateway.auth.service import AuthService, client_address
from vgateway.errors import BadRequest, Unauthorized

router = APIRouter(tags=["auth"])
PublicDep = Annotated[None, Depends(public)]


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class MeOut(BaseModel):
    name: str
    display_name: str
    role: str
    town: str | None
    town_name: str | None
    via: str = Field(description="session, api_token, media_url or local")
    permissions: list[str] = Field(description="gateway-wide actions this user may do")
    cases: list[str] = Field(description="cases (ticket ids) assigned to an investigator")


class MediaTokenIn(BaseModel):
    camera_id: str
    action: Action = Field(description="view_live, view_snapshot, playback or download_clip")


class MediaTokenOut(BaseModel):
    param: str = Field(description="query parameter to carry the token in")
    token: str
    expires_at: int = Field(description="unix time; open streams outlive it")


def _me(auth: AuthService, principal: Principal) -> MeOut:
    user = auth.users.get(principal.name)
    town_name = None
    if principal.town is not None:
        try:
            town_name = auth.config.town(principal.town).name
        except KeyError:
            town_name = None
    allowed = [
        a.value
        for a in Action
        if a not in CAMERA_ACTIONS and auth.decide(principal, a, None).allowed
    ]
    return MeOut(
        name=principal.name,
        display_name=user.display_name if user else principal.name,
        role=principal.role.value,
        town=principal.town,
        town_name=town_name,
        via=principal.kind.value,
        permissions=allowed,
        cases=sorted(principal.cases),
    )


@router.get("/login", include_in_schema=False, response_class=HTMLResponse)
def login_page(_: PublicDep) -> HTMLResponse:
    return HTMLResponse(LOGIN_PAGE, headers={"Cache-Control": "no-store"})


@router.post(
    "/api/auth/login",
    response_model=MeOut,
    summary="Sign in with a password; sets the session cookie",
    responses={
        401: {"description": "wrong user name or password"},
        429: {"description": "throttled"},
    },
)
def login(
    body: LoginIn, request: Request, response: Response, auth: AuthDep, _: PublicDep
) -> MeOut:
    secret, principal = auth.login(body.username, body.password, client_address(request))
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(auth.settings.session_max_s),
        httponly=True,
        samesite="strict",
        secure=auth.settings.cookie_secure,
        path="/",
    )
    return _me(auth, principal)


@router.post("/api/auth/logout", status_code=204, summary="End this session at once")
def logout(request: Request, auth: AuthDep, principal: PrincipalDep) -> Response:
    auth.logout(principal, client_address(request))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/api/auth/me", response_model=MeOut, summary="Who the caller is")
def me(auth: AuthDep, principal: PrincipalDep) -> MeOut:
    return _me(auth, principal)


@router.post("/api/auth/password", status_code=204, summary="Change my password")
def change_password(
    body: PasswordChangeIn, request: Request, auth: AuthDep, principal: PrincipalDep
) -> Response:
    stored = auth.users.password_hash(principal.name)
    if stored is None or not auth.check_password(stored, body.current_password):
        raise Unauthorized("current password is wrong")
    try:
        auth.admin.set_password(
            principal.name, body.new_password, by=principal.name, address=client_address(request)
        )
    except WeakPassword as exc:
        raise BadRequest(str(exc)) from None
    return Response(status_code=204)


@router.post(
    "/api/auth/media-token",
    response_model=MediaTokenOut,
    summary="Sign a short-lived media URL token for one camera and action",
    responses={
        404: {"description": "no such camera (or not visible)"},
        403: {"description": "not allowed"},
    },
)
def media_token(body: MediaTokenIn, auth: AuthDep, principal: PrincipalDep) -> MediaTokenOut:
    if body.action not in CAMERA_ACTIONS:
        raise BadRequest(f"action {body.action.value}: not a media action")
    signed = auth.sign_media(principal, body.camera_id, body.action)
    return MediaTokenOut(param=TOKEN_PARAM, token=signed.token, expires_at=signed.expires_at)
