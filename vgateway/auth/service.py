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
from vgateway.auth.identity import Identity
from vgateway.auth.live import LiveView, LiveViews, RevokedCallback
from vgateway.auth.media_urls import MediaClaims, MediaSigner
from vgateway.auth.passwords import Passwords
from vgateway.auth.policy import Decision, Scope, authorize
from vgateway.auth.principal import Action, Principal
from vgateway.auth.settings import AuthSettings
from vgateway.auth.shares import ShareIndex
from vgateway.config import Camera, NetworkConfig
from vgateway.errors import BadRequest, Forbidden, NotFound

_INDEX_MAX_AGE_S = 1.0  # shares changed by another process are seen within this

# Media actions that leave an entry each time they are allowed (live views are recorded at
# start and stop by the live-view registry instead).
AUDITED = {
    Action.view_snapshot: "snapshot",
    Action.playback: "playback",
    Action.download_clip: "clip.download",
}


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
        self._clock = clock
        self._index = ShareIndex(config, ())
        self._index_at = float("-inf")
        self.views = LiveViews(self, clock)
        admin.on_change = self.views.wake
        self.identity = Identity(
            settings=settings,
            users=admin.users,
            credentials=admin.credentials,
            signer=signer,
            passwords=passwords,
            record=self.record,
            on_change=admin.on_change,
            clock=clock,
        )
        # who is asking, signing in and out (vgateway.auth.identity)
        self.authenticate = self.identity.authenticate
        self.refresh = self.identity.refresh
        self.login = self.identity.login
        self.logout = self.identity.logout
        self.check_password = self.identity.check_password

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
