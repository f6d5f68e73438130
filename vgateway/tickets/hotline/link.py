"""The running 12345 link: its settings, the outbox (and sender when configured), the inbound
idempotency record, and the principal inbound calls act as."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import HTTPConnection

from vgateway.auth.deps import RoutePolicy, declare
from vgateway.auth.principal import CredentialKind, Principal
from vgateway.errors import BadRequest, Forbidden, Unauthorized
from vgateway.tickets.hotline.idempotency import IdempotencyStore
from vgateway.tickets.hotline.outbox import Outbox
from vgateway.tickets.hotline.sender import HotlineSender
from vgateway.tickets.hotline.settings import HotlineSettings
from vgateway.tickets.hotline.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify,
)

ACTOR = "hotline:12345"


@dataclass
class HotlineLink:
    settings: HotlineSettings
    outbox: Outbox
    requests: IdempotencyStore
    sender: HotlineSender | None = None
    principal: Principal = field(init=False)

    def __post_init__(self) -> None:
        self.principal = Principal(
            name=ACTOR, role=self.settings.inbound_role, kind=CredentialKind.api_token
        )


def get_hotline(conn: HTTPConnection) -> HotlineLink:
    link: HotlineLink = conn.app.state.hotline
    return link


@dataclass(frozen=True)
class SignedCall:
    """A verified inbound call: its raw body and idempotency key."""

    body: bytes
    key: str | None
    principal: Principal

    def parse(self, model: type[BaseModel]) -> BaseModel:
        try:
            return model.model_validate_json(self.body or b"{}")
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            raise BadRequest(f"request body: {problems}") from None

    def require_key(self) -> str:
        key = (self.key or "").strip()
        if not key or len(key) > 128:
            raise BadRequest(f"{IDEMPOTENCY_HEADER} header: required, at most 128 characters")
        return key


# Not a user session: the platform proves itself with the HMAC signature instead, so the route
# is "public" to the session layer and this dependency refuses anything unsigned.
@declare(RoutePolicy("public"))
async def signed_call(request: Request) -> SignedCall:
    link = get_hotline(request)
    secret = link.settings.inbound_secret
    if secret is None:
        raise Forbidden("the 12345 inbound API is not enabled (tickets.hotline.inbound_secret)")
    body = await request.body()
    try:
        verify(
            secret.get_secret_value(),
            body,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            now=time.time(),
            window_s=link.settings.replay_window_s,
        )
    except SignatureError as exc:
        raise Unauthorized(f"signature: {exc}") from None
    return SignedCall(body, request.headers.get(IDEMPOTENCY_HEADER), link.principal)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
