"""The running auth service: who a request is, what they may do, and the record of it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from vgateway.audit.store import AuditLog
from vgateway.auth.admin import AuthAdmin
from vgateway.auth.live import LiveView, LiveViews, RevokedCallback
from vgateway.auth.media_urls import (
    TOKEN_PARAM,
    InvalidMediaToken,
    MediaClaims,
    MediaSigner,
)
from vgateway.auth.passwords import Passwords
from vgateway.auth.policy import Decision, Scope, authorize
from vgateway.auth.principal import (
    LOCAL_ADMIN,
    Action,
    CredentialKind,
    MediaGrant,
    Principal,
    Role,
)
from vgateway.auth.settings import AuthSettings
from vgateway.auth.shares import ShareIndex
from vgateway.auth.throttle import LoginThrottle
from vgateway.auth.users import User
from vgateway.config import Camera, NetworkConfig
from vgateway.errors import BadRequest, Forbidden, GatewayError, NotFound, Unauthorized

SESSION_COOKIE = "vgw_session"
_INDEX_MAX_AGE_S = 1.0  # shares changed by another process are seen within this

# Media actions that leave an entry each time they are allowed (live views are recorded at
# start and stop by the live-view registry instead).
AUDITED = {
    Action.view_snapshot: "snapshot",
    Action.playback: "playback",
    Action.download_clip: "clip.download",
}


class RateLimited(GatewayError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class SignedMedia:
    token: str
    expires_at: int


def client_address(conn: HTTPConnection) -> str | None:
    return conn.client.host if conn.client else None


class AuthService:
    def __init__(
        self,
        *,
        config: NetworkConfig,
        settings: AuthSettings,
        admin: AuthAdmin,
        audit: AuditLog,
        signer: MediaSigner,
        passwords: Passwords,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.settings = settings
        self.admin = admin
        self.audit = audit
        self.users = admin.users
        self.credentials = admin.credentials
        self._signer = signer
        self._passwords = passwords
        self._clock = clock
        self._throttle = LoginThrottle(settings.login_max_failures, settings.login_window_s)
        self._index = ShareIndex(config, ())
        self._index_at = float("-inf")
        self.views = LiveViews(self, clock)
        admin.on_change = self.views.wake

    # who is asking -------------------------------------------------------------------------

    def authenticate(self, conn: HTTPConnection) -> Principal:
        """The principal of a request or WebSocket; Unauthorized if it carries none valid."""
        if not self.settings.enabled:
            return LOCAL_ADMIN
        media_token = conn.query_params.get(TOKEN_PARAM)
        if media_token:
            return self._from_media_token(media_token)
        header = conn.headers.get("authorization")
        if header:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise Unauthorized("Authorization header: expected 'Bearer <API token>'")
            return self._from_secret(value.strip(), CredentialKind.api_token)
        cookie = conn.cookies.get(SESSION_COOKIE)
        if cookie:
            return self._from_secret(cookie, CredentialKind.session)
        raise Unauthorized("sign in first: no session, API token or signed media URL")

    def refresh(self, principal: Principal) -> Principal | None:
        """The principal as it stands now (role, town and cases re-read), or None if its
        user is gone or disabled or its session or token has ended."""
        if principal.kind is CredentialKind.local:
            return principal if not self.settings.enabled else None
        now = self._clock()
        if principal.credential_id is None or not self.credentials.valid_ids(
            [principal.credential_id], now
        ):
            return None
        user = self.users.get(principal.name)
        if user is None or user.disabled:
            return None
        return self._principal(user, principal.kind, principal.credential_id, principal.grant)

    def _from_secret(self, secret: str, kind: CredentialKind) -> Principal:
        credential = self.credentials.lookup(secret, kind, self._clock())
        if credential is None:
            what = "session" if kind is CredentialKind.session else "API token"
            raise Unauthorized(f"{what} expired, revoked or unknown: sign in again")
        user = self.users.get(credential.user_name)
        if user is None or user.disabled:
            raise Unauthorized("this account is disabled")
        return self._principal(user, kind, credential.id, None)

    def _from_media_token(self, token: str) -> Principal:
        try:
            claims = self._signer.verify(token, self._clock())
        except InvalidMediaToken as exc:
            raise Unauthorized(str(exc)) from None
        base = Principal(
            name=claims.user,
            role=Role.auditor,  # replaced from the user record by refresh
            kind=CredentialKind.media_url,
            credential_id=claims.credential_id,
            grant=MediaGrant(claims.camera_id, claims.action),
        )
        principal = self.refresh(base)
        if principal is None:
            raise Unauthorized("the session that signed this media URL has ended")
        return principal

    def _principal(
        self, user: User, kind: CredentialKind, credential_id: str | None, grant: MediaGrant | None
    ) -> Principal:
        cases = self.users.cases(user.name) if user.role is Role.investigator else frozenset()
        return Principal(
            name=user.name,
            role=user.role,
            town=user.town,
            cases=cases,
            kind=kind,
            credential_id=credential_id,
            grant=grant,
        )

    # sessions --------------------------------------------------------------------------------

    def login(self, name: str, password: str, address: str | None) -> tuple[str, Principal]:
        """Check a password; a new session secret and its principal. Throttles failures."""
        wait = self._throttle.retry_after(name, address)
        if wait is not None:
            self.record("auth.login_throttled", None, actor=name[:64], address=address)
            raise RateLimited(f"too many failed logins: try again in {int(wait) + 1} s")
        user = self.users.get(name)
        stored = self.users.password_hash(name) if user else None
        if user is None or not self._passwords.verify(stored, password):
            self._throttle.failed(name, address)
            self.record("auth.login_failed", None, actor=name[:64], address=address)
            raise Unauthorized("wrong user name or password")
        if user.disabled:
            self.record(
                "auth.login_failed", None, actor=name, address=address, detail={"why": "disabled"}
            )
            raise Unauthorized("this account is disabled")
        self._throttle.succeeded(name)
        now = self._clock()
        secret, credential = self.credentials.issue(
            CredentialKind.session,
            name,
            now=now,
            expires_at=now + self.settings.session_max_s,
            address=address,
        )
        principal = self._principal(user, CredentialKind.session, credential.id, None)
        self.record("auth.login", principal, address=address, detail={"session": credential.id})
        return secret, principal

    def check_password(self, stored: str, password: str) -> bool:
        return self._passwords.verify(stored, password)

    def logout(self, principal: Principal, address: str | None) -> None:
        if principal.credential_id is not None and principal.kind is CredentialKind.session:
            self.credentials.revoke(principal.credential_id, self._clock())
        self.record("auth.logout", principal, address=address)
        self.admin.on_change()

    # what they may do ------------------------------------------------------------------------

    def share_index(self) -> ShareIndex:
        now = self._clock()
        if now - self._index_at > _INDEX_MAX_AGE_S:
            self.refresh_shares()
        return self._index

    def refresh_shares(self) -> None:
        self._index = ShareIndex(self.config, self.admin.shares.unrevoked())
        self._index_at = self._clock()

    def scope(self, principal: Principal) -> Scope:
        return Scope(principal, self.config.cameras, self.share_index(), self._clock())

    def decide(
        self, principal: Principal, action: Action, camera: Camera | None, case: str | None = None
    ) -> Decision:
        return authorize(
            principal, action, camera, shares=self.share_index(), case=case, now=self._clock()
        )

    def check(
        self,
        principal: Principal,
        action: Action,
        camera_id: str | None = None,
        *,
        case: str | None = None,
        address: str | None = None,
    ) -> Camera | None:
        """Enforce a decision: NotFound for a hidden camera, Forbidden for a denied action."""
        camera = None
        if camera_id is not None:
            try:
                camera = self.config.camera(camera_id)
            except KeyError:
                raise NotFound(f"no camera with id {camera_id!r}") from None
        decision = self.decide(principal, action, camera, case)
        if decision.allowed:
            return camera
        detail = {"action": action.value, "decision": decision.value}
        self.record(
            "access.denied",
            principal,
            camera_id=camera_id,
            address=address,
            ticket_id=case,
            detail=detail,
        )
        if decision is Decision.HIDDEN:
            raise NotFound(f"no camera with id {camera_id!r}")
        where = f" on camera {camera_id}" if camera_id else ""
        raise Forbidden(f"role {principal.role.value} may not {action.value}{where}")

    def access(
        self,
        principal: Principal,
        action: Action,
        camera_id: str,
        *,
        address: str | None,
        reason: str | None = None,
        clip_id: str | None = None,
        ticket_id: str | None = None,
        case: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Camera:
        """Check a media access and record it (a clip download must give a reason)."""
        camera = self.check(principal, action, camera_id, case=case, address=address)
        assert camera is not None
        if action is Action.download_clip and not (reason and reason.strip()):
            raise BadRequest("downloading a clip needs a reason: the case it is for (?reason=)")
        event = AUDITED.get(action, action.value)
        self.record(
            event,
            principal,
            camera_id=camera_id,
            address=address,
            reason=reason,
            clip_id=clip_id,
            ticket_id=ticket_id or case,
            detail=detail,
        )
        return camera

    def sign_media(self, principal: Principal, camera_id: str, action: Action) -> SignedMedia:
        """A token for `?token=` that lets a browser element open this one media resource."""
        if principal.grant is not None:
            raise Forbidden("a signed media URL cannot sign another")
        self.check(principal, action, camera_id)
        expires_at = int(self._clock() + self.settings.media_url_ttl_s)
        claims = MediaClaims(principal.name, principal.credential_id, camera_id, action, expires_at)
        return SignedMedia(self._signer.sign(claims), expires_at)

    async def open_view(
        self,
        principal: Principal,
        camera_id: str,
        *,
        address: str | None,
        on_revoked: RevokedCallback | None = None,
        action: Action = Action.view_live,
        detail: dict[str, Any] | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> LiveView:
        """For the relay: check and record the start of a stream and watch it. `on_revoked`
        (called on the event loop with the reason; may return an awaitable) must end the
        stream; `alive` lets a stream that ends by itself be noticed without `close_view`.
        Raises NotFound or Forbidden like `check`."""
        return await asyncio.to_thread(
            self.views.open,
            principal,
            camera_id,
            address=address,
            on_revoked=on_revoked,
            action=action,
            detail=detail,
            alive=alive,
        )

    async def close_view(self, view: LiveView, reason: str = "closed by viewer") -> None:
        """For the relay: the stream ended; records the stop with its duration (once)."""
        await asyncio.to_thread(self.views.close, view, reason)

    def record(
        self,
        event: str,
        principal: Principal | None,
        *,
        actor: str | None = None,
        **fields: Any,
    ) -> None:
        """Append to the audit trail on behalf of a principal (or an unauthenticated actor)."""
        self.audit.append(
            event,
            actor=actor or (principal.name if principal else "anonymous"),
            role=principal.role.value if principal else None,
            **fields,
        )
