"""`/api/auth/users` and `/api/auth/tokens`: accounts, roles, case assignments, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from vgateway.auth.deps import AuthDep, require
from vgateway.auth.passwords import WeakPassword, generate_password
from vgateway.auth.principal import Action, CredentialKind, Principal, Role
from vgateway.auth.service import client_address
from vgateway.auth.tokens import Credential
from vgateway.auth.users import User, UserError
from vgateway.errors import BadRequest, NotFound

router = APIRouter(prefix="/api/auth", tags=["auth"])
AdminDep = Annotated[Principal, Depends(require(Action.manage_users))]


class UserOut(BaseModel):
    name: str
    display_name: str
    role: Role
    town: str | None
    disabled: bool
    has_password: bool
    created_at: float
    created_by: str
    cases: list[str] = Field(description="case (ticket) ids assigned to an investigator")

    @classmethod
    def of(cls, user: User, cases: frozenset[str]) -> UserOut:
        return cls(
            **{k: getattr(user, k) for k in cls.model_fields if k != "cases"}, cases=sorted(cases)
        )


class UserIn(BaseModel):
    name: str
    role: Role
    town: str | None = None
    display_name: str | None = None
    password: str | None = Field(default=None, description="omit to have one generated")


class UserPatch(BaseModel):
    role: Role | None = None
    town: str | None = None
    disabled: bool | None = None


class PasswordIn(BaseModel):
    password: str | None = Field(default=None, description="omit to have one generated")


class CreatedUserOut(BaseModel):
    user: UserOut
    password: str | None = Field(description="the generated password, shown this once")


class TokenIn(BaseModel):
    user: str
    label: str = Field(min_length=1, max_length=128)
    ttl_s: float | None = Field(default=None, gt=0, description="omit for no expiry")
    metrics_only: bool = Field(default=False, description="may read /metrics and nothing else")


class TokenOut(BaseModel):
    id: str
    user: str
    label: str | None
    scope: str | None = Field(description="'metrics': reads metrics only")
    created_at: float
    expires_at: float | None
    last_used_at: float
    revoked: bool

    @classmethod
    def of(cls, c: Credential) -> TokenOut:
        return cls(
            id=c.id,
            user=c.user_name,
            label=c.label,
            scope=c.scope,
            created_at=c.created_at,
            expires_at=c.expires_at,
            last_used_at=c.last_used_at,
            revoked=c.revoked_at is not None,
        )


class CreatedTokenOut(TokenOut):
    token: str = Field(description="the secret, shown this once: Authorization: Bearer <token>")


def _out(auth: AuthDep, user: User) -> UserOut:
    return UserOut.of(user, auth.users.cases(user.name))


def _bad(exc: ValueError) -> BadRequest:
    return BadRequest(str(exc))


@router.get("/users", response_model=list[UserOut], summary="Every user")
def list_users(auth: AuthDep, _: AdminDep) -> list[UserOut]:
    return [_out(auth, user) for user in auth.users.all_users()]


@router.post("/users", response_model=CreatedUserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, request: Request, auth: AuthDep, admin: AdminDep) -> CreatedUserOut:
    password = body.password or generate_password()
    try:
        user = auth.admin.add_user(
            body.name,
            body.role,
            by=admin.name,
            town=body.town,
            password=password,
            display_name=body.display_name,
            address=client_address(request),
        )
    except (UserError, WeakPassword) as exc:
        raise _bad(exc) from None
    return CreatedUserOut(user=_out(auth, user), password=None if body.password else password)


@router.get("/users/{name}", response_model=UserOut, summary="One user")
def get_user(name: str, auth: AuthDep, _: AdminDep) -> UserOut:
    user = auth.users.get(name)
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return _out(auth, user)


@router.patch("/users/{name}", response_model=UserOut, summary="Change role, town or enabled")
def patch_user(
    name: str, body: UserPatch, request: Request, auth: AuthDep, admin: AdminDep
) -> UserOut:
    address = client_address(request)
    try:
        user = auth.users.require(name)
        if body.role is not None or "town" in body.model_fields_set:
            town = body.town if "town" in body.model_fields_set else user.town
            user = auth.admin.set_role(
                name, body.role or user.role, town, by=admin.name, address=address
            )
        if body.disabled is not None and body.disabled != user.disabled:
            user = auth.admin.set_disabled(name, body.disabled, by=admin.name, address=address)
    except UserError as exc:
        missing = auth.users.get(name) is None
        raise (NotFound(str(exc)) if missing else _bad(exc)) from None
    return _out(auth, user)


@router.put("/users/{name}/password", response_model=CreatedUserOut, summary="Set a password")
def set_password(
    name: str, body: PasswordIn, request: Request, auth: AuthDep, admin: AdminDep
) -> CreatedUserOut:
    password = body.password or generate_password()
    try:
        user = auth.admin.set_password(
            name, password, by=admin.name, address=client_address(request)
        )
    except (UserError, WeakPassword) as exc:
        raise _bad(exc) from None
    return CreatedUserOut(user=_out(auth, user), password=None if body.password else password)


@router.put("/users/{name}/cases/{case_id}", status_code=204, summary="Assign a case")
def assign_case(
    name: str, case_id: str, request: Request, auth: AuthDep, admin: AdminDep
) -> Response:
    try:
        auth.admin.assign_case(
            name, case_id, by=admin.name, assigned=True, address=client_address(request)
        )
    except UserError as exc:
        raise NotFound(str(exc)) from None
    return Response(status_code=204)


@router.delete("/users/{name}/cases/{case_id}", status_code=204, summary="Unassign a case")
def unassign_case(
    name: str, case_id: str, request: Request, auth: AuthDep, admin: AdminDep
) -> Response:
    if not auth.admin.assign_case(
        name, case_id, by=admin.name, assigned=False, address=client_address(request)
    ):
        raise NotFound(f"case {case_id!r} is not assigned to {name!r}")
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenOut], summary="API tokens (never their secrets)")
def list_tokens(auth: AuthDep, _: AdminDep) -> list[TokenOut]:
    return [TokenOut.of(c) for c in auth.credentials.find(kind=CredentialKind.api_token)]


@router.post("/tokens", response_model=CreatedTokenOut, status_code=201, summary="New API token")
def create_token(
    body: TokenIn, request: Request, auth: AuthDep, admin: AdminDep
) -> CreatedTokenOut:
    try:
        token, credential = auth.admin.create_token(
            body.user,
            body.label,
            by=admin.name,
            ttl_s=body.ttl_s,
            address=client_address(request),
            metrics_only=body.metrics_only,
        )
    except UserError as exc:
        raise _bad(exc) from None
    return CreatedTokenOut(**TokenOut.of(credential).model_dump(), token=token)


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke an API token at once")
def revoke_token(token_id: str, request: Request, auth: AuthDep, admin: AdminDep) -> Response:
    if not auth.admin.revoke_token(token_id, by=admin.name, address=client_address(request)):
        raise NotFound(f"no active API token with id {token_id!r}")
    return Response(status_code=204)
