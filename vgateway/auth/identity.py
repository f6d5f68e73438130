"""Who is asking: sessions, API tokens and signed media URLs turned into a principal, and
signing in and out (with failed-login throttling)."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.requests import HTTPConnection

from vgateway.auth.media_urls import TOKEN_PARAM, InvalidMediaToken, MediaSigner
from vgateway.auth.passwords import Passwords
from vgateway.auth.principal import (
    LOCAL_ADMIN,
    Action,
    CredentialKind,
    MediaGrant,
    Principal,
    Role,
)
from vgateway.auth.settings import AuthSettings
from vgateway.auth.throttle import LoginThrottle
from vgateway.auth.tokens import METRICS_SCOPE, CredentialStore
from vgateway.auth.users import User, UserStore
from vgateway.errors import GatewayError, Unauthorized

SESSION_COOKIE = "vgw_session"
SCOPES = {METRICS_SCOPE: frozenset({Action.view_metrics})}  # what a scoped API token may do


class RateLimited(GatewayError):
    status = 429
    code = "too_many_attempts"


class Identity:
    def __init__(
        self,
        *,
        settings: AuthSettings,
        users: UserStore,
        credentials: CredentialStore,
        signer: MediaSigner,
        passwords: Passwords,
        record: Callable[..., None],
        on_change: Callable[[], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.users = users
        self.credentials = credentials
        self._signer = signer
        self._passwords = passwords
        self.record = record
        self._on_change = on_change
        self._clock = clock
        self._throttle = LoginThrottle(settings.login_max_failures, settings.login_window_s)

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
        return self._principal(
            user, principal.kind, principal.credential_id, principal.grant, principal.only
        )

    def _from_secret(self, secret: str, kind: CredentialKind) -> Principal:
        credential = self.credentials.lookup(secret, kind, self._clock())
        if credential is None:
            what = "session" if kind is CredentialKind.session else "API token"
            raise Unauthorized(f"{what} expired, revoked or unknown: sign in again")
        user = self.users.get(credential.user_name)
        if user is None or user.disabled:
            raise Unauthorized("this account is disabled")
        only = SCOPES.get(credential.scope) if credential.scope else None
        if credential.scope and only is None:
            raise Unauthorized("API token has an unknown scope")
        return self._principal(user, kind, credential.id, None, only)

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
        self,
        user: User,
        kind: CredentialKind,
        credential_id: str | None,
        grant: MediaGrant | None,
        only: frozenset[Action] | None = None,
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
            only=only,
        )

    # signing in and out -----------------------------------------------------------------

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
        self._on_change()
