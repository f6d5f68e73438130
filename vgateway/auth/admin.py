"""Changes to users, API tokens, case assignments and shares; each one audited.

Used by the admin routes (inside the gateway) and by the `vgateway users|tokens|shares`
commands (another process on the same database). `on_change` tells the running gateway that
access may have narrowed, so open streams get re-checked at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from vgateway.audit.store import AuditLog
from vgateway.auth.passwords import Passwords, check_strength
from vgateway.auth.principal import CredentialKind, Role
from vgateway.auth.shares import Share, ShareStore
from vgateway.auth.tokens import METRICS_SCOPE, Credential, CredentialStore
from vgateway.auth.users import User, UserError, UserStore, check_user_fields
from vgateway.config import NetworkConfig


class AuthAdmin:
    def __init__(
        self,
        *,
        config: NetworkConfig,
        users: UserStore,
        credentials: CredentialStore,
        shares: ShareStore,
        audit: AuditLog,
        passwords: Passwords,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.users = users
        self.credentials = credentials
        self.shares = shares
        self.audit = audit
        self._passwords = passwords
        self._clock = clock
        self.on_change: Callable[[], None] = lambda: None

    # users ------------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        role: Role,
        *,
        by: str,
        town: str | None = None,
        password: str | None = None,
        display_name: str | None = None,
        address: str | None = None,
    ) -> User:
        check_user_fields(name, role, town, {t.id for t in self.config.towns})
        if password is not None:
            check_strength(password)
        user = self.users.add(
            name=name,
            role=role,
            town=town,
            password_hash=self._passwords.hash(password) if password is not None else None,
            display_name=display_name,
            created_by=by,
            now=self._clock(),
        )
        self._record("user.create", by, address, {"user": name, "role": role.value, "town": town})
        return user

    def set_role(
        self, name: str, role: Role, town: str | None, *, by: str, address: str | None = None
    ) -> User:
        before = self.users.require(name)
        check_user_fields(name, role, town, {t.id for t in self.config.towns})
        if role is not Role.admin:
            self._keep_an_admin(name)
        user = self.users.update(name, self._clock(), role=role.value, town=town)
        detail = {
            "user": name,
            "role": role.value,
            "town": town,
            "previous_role": before.role.value,
            "previous_town": before.town,
        }
        self._record("user.role", by, address, detail)
        self.on_change()
        return user

    def set_password(
        self, name: str, password: str, *, by: str, address: str | None = None
    ) -> User:
        check_strength(password)
        self.users.require(name)
        user = self.users.update(name, self._clock(), password_hash=self._passwords.hash(password))
        # Whoever knew the old password may hold a session: end them all.
        ended = self.credentials.revoke_user(name, self._clock(), CredentialKind.session)
        self._record("user.password", by, address, {"user": name, "sessions_ended": ended})
        self.on_change()
        return user

    def set_disabled(
        self, name: str, disabled: bool, *, by: str, address: str | None = None
    ) -> User:
        self.users.require(name)
        if disabled:
            self._keep_an_admin(name)
        user = self.users.update(name, self._clock(), disabled=disabled)
        ended = self.credentials.revoke_user(name, self._clock()) if disabled else 0
        event = "user.disable" if disabled else "user.enable"
        self._record(event, by, address, {"user": name, "credentials_ended": ended})
        self.on_change()
        return user

    def assign_case(
        self, name: str, case_id: str, *, by: str, assigned: bool, address: str | None = None
    ) -> bool:
        if assigned:
            changed = self.users.assign_case(name, case_id, by, self._clock())
        else:
            changed = self.users.unassign_case(name, case_id)
            self.on_change()
        if changed:
            event = "user.case_assign" if assigned else "user.case_unassign"
            self._record(event, by, address, {"user": name}, ticket_id=case_id)
        return changed

    # API tokens ---------------------------------------------------------------------------

    def create_token(
        self,
        user: str,
        label: str,
        *,
        by: str,
        ttl_s: float | None = None,
        address: str | None = None,
        metrics_only: bool = False,
    ) -> tuple[str, Credential]:
        """A new API token acting as `user`; `metrics_only` narrows it to reading metrics
        (for a Prometheus scraper: it then sees no camera and no video)."""
        found = self.users.require(user)
        if metrics_only and found.role not in (Role.admin, Role.district_officer):
            raise UserError(f"{user} ({found.role.value}) may not read metrics")
        now = self._clock()
        token, credential = self.credentials.issue(
            CredentialKind.api_token,
            user,
            now=now,
            expires_at=now + ttl_s if ttl_s else None,
            label=label,
            scope=METRICS_SCOPE if metrics_only else None,
        )
        detail = {
            "user": user,
            "token_id": credential.id,
            "label": label,
            "ttl_s": ttl_s,
            "scope": credential.scope,
        }
        self._record("token.create", by, address, detail)
        return token, credential

    def revoke_token(self, credential_id: str, *, by: str, address: str | None = None) -> bool:
        credential = self.credentials.get(credential_id)
        if credential is None or not self.credentials.revoke(credential_id, self._clock()):
            return False
        detail = {"user": credential.user_name, "token_id": credential_id}
        self._record("token.revoke", by, address, detail)
        self.on_change()
        return True

    # shares -------------------------------------------------------------------------------

    def create_share(
        self,
        town: str,
        *,
        by: str,
        reason: str,
        camera_id: str | None = None,
        tag: str | None = None,
        expires_at: float | None = None,
        address: str | None = None,
    ) -> Share:
        now = self._clock()
        self._check_share(town, camera_id, tag, reason, expires_at, now)
        share = self.shares.create(
            town=town,
            camera_id=camera_id,
            tag=tag,
            reason=reason.strip(),
            created_by=by,
            expires_at=expires_at,
            now=now,
        )
        detail = {"share_id": share.id, "town": town, "tag": tag, "expires_at": expires_at}
        self._record("share.create", by, address, detail, camera_id=camera_id, reason=reason)
        self.on_change()
        return share

    def revoke_share(self, share_id: int, *, by: str, address: str | None = None) -> Share | None:
        share = self.shares.get(share_id)
        if share is None or not self.shares.revoke(share_id, by, self._clock()):
            return None
        detail = {"share_id": share_id, "town": share.town, "tag": share.tag}
        self._record("share.revoke", by, address, detail, camera_id=share.camera_id)
        self.on_change()
        return self.shares.get(share_id)

    def record_expiries(self) -> list[Share]:
        """Record each share that expired since the last call (once, across processes)."""
        expired = self.shares.claim_expired(self._clock())
        for share in expired:
            detail = {"share_id": share.id, "town": share.town, "tag": share.tag}
            self._record("share.expire", "system", None, detail, camera_id=share.camera_id)
        return expired

    def _check_share(
        self,
        town: str,
        camera_id: str | None,
        tag: str | None,
        reason: str,
        expires_at: float | None,
        now: float,
    ) -> None:
        if town not in {t.id for t in self.config.towns}:
            raise UserError(f"town {town!r}: no such town in the configuration")
        if (camera_id is None) == (tag is None):
            raise UserError("a share names either one camera or one tag")
        if camera_id is not None and camera_id not in {c.id for c in self.config.cameras}:
            raise UserError(f"no camera with id {camera_id!r}")
        if tag is not None and not any(tag in c.tags for c in self.config.cameras):
            raise UserError(f"no camera has the tag {tag!r}")
        if not reason.strip():
            raise UserError("a share needs a reason")
        if expires_at is not None and expires_at <= now:
            raise UserError("expires_at is in the past")

    def _keep_an_admin(self, losing: str) -> None:
        """Refuse to take away the last enabled admin: nobody could manage users after."""
        admins = [u.name for u in self.users.all_users() if u.role is Role.admin and not u.disabled]
        if admins == [losing]:
            raise UserError(f"{losing} is the last enabled admin: make another admin first")

    def _record(
        self,
        event: str,
        by: str,
        address: str | None,
        detail: dict[str, Any],
        **fields: Any,
    ) -> None:
        user = self.users.get(by)
        role = user.role.value if user else None
        self.audit.append(event, actor=by, role=role, address=address, detail=detail, **fields)
