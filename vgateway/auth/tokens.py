"""Credentials: web sessions and API tokens. Secrets are random; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update

from vgateway.auth.principal import CredentialKind
from vgateway.auth.tables import auth_credentials

METRICS_SCOPE = "metrics"
API_TOKEN_PREFIX = "vgw_"  # lets secret scanners recognise a leaked token
_TOUCH_EVERY_S = 60.0  # how stale last_used_at may get: saves a write on every request


@dataclass(frozen=True)
class Credential:
    id: str
    kind: CredentialKind
    user_name: str
    label: str | None
    scope: str | None  # METRICS_SCOPE narrows an API token to reading metrics
    created_at: float
    expires_at: float | None
    last_used_at: float
    address: str | None
    revoked_at: float | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CredentialStore:
    def __init__(self, engine: Engine, session_idle_s: float) -> None:
        self._engine = engine
        self._idle = session_idle_s

    def issue(
        self,
        kind: CredentialKind,
        user_name: str,
        *,
        now: float,
        expires_at: float | None,
        label: str | None = None,
        address: str | None = None,
        scope: str | None = None,
    ) -> tuple[str, Credential]:
        """A new credential and its secret (shown once, never stored)."""
        secret = secrets.token_urlsafe(32)
        token = API_TOKEN_PREFIX + secret if kind is CredentialKind.api_token else secret
        credential_id = secrets.token_hex(8)
        row = {
            "id": credential_id,
            "token_hash": _digest(token),
            "kind": kind.value,
            "user_name": user_name,
            "label": label,
            "scope": scope,
            "created_at": now,
            "expires_at": expires_at,
            "last_used_at": now,
            "address": address,
            "revoked_at": None,
        }
        with self._engine.begin() as conn:
            conn.execute(insert(auth_credentials).values(row))
        credential = self.get(credential_id)
        assert credential is not None
        return token, credential

    def lookup(self, token: str, kind: CredentialKind, now: float) -> Credential | None:
        """The valid credential of this secret, or None (unknown, expired, idle or revoked)."""
        query = select(auth_credentials).where(auth_credentials.c.token_hash == _digest(token))
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.kind != kind.value:
            return None
        credential = _credential(row)
        if not self._valid(credential, now):
            return None
        if now - credential.last_used_at > _TOUCH_EVERY_S:
            with self._engine.begin() as conn:
                conn.execute(
                    update(auth_credentials)
                    .where(auth_credentials.c.id == credential.id)
                    .values(last_used_at=now)
                )
        return credential

    def get(self, credential_id: str) -> Credential | None:
        query = select(auth_credentials).where(auth_credentials.c.id == credential_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return _credential(row) if row else None

    def find(
        self, user_name: str | None = None, kind: CredentialKind | None = None
    ) -> list[Credential]:
        query = select(auth_credentials).order_by(auth_credentials.c.created_at)
        if user_name is not None:
            query = query.where(auth_credentials.c.user_name == user_name)
        if kind is not None:
            query = query.where(auth_credentials.c.kind == kind.value)
        with self._engine.connect() as conn:
            return [_credential(row) for row in conn.execute(query)]

    def valid_ids(self, ids: Iterable[str], now: float) -> set[str]:
        """Which of these credentials are still valid (for re-checking open streams)."""
        wanted = list(set(ids))
        if not wanted:
            return set()
        query = select(auth_credentials).where(auth_credentials.c.id.in_(wanted))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return {row.id for row in rows if self._valid(_credential(row), now)}

    def revoke(self, credential_id: str, now: float) -> bool:
        return self._revoke(auth_credentials.c.id == credential_id, now) == 1

    def revoke_user(self, user_name: str, now: float, kind: CredentialKind | None = None) -> int:
        """Revoke a user's credentials (all, or one kind): on disable or password change."""
        condition = auth_credentials.c.user_name == user_name
        if kind is not None:
            condition = condition & (auth_credentials.c.kind == kind.value)
        return self._revoke(condition, now)

    def _revoke(self, condition: Any, now: float) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(
                update(auth_credentials)
                .where(condition, auth_credentials.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return int(result.rowcount)

    def _valid(self, credential: Credential, now: float) -> bool:
        if credential.revoked_at is not None:
            return False
        if credential.expires_at is not None and now >= credential.expires_at:
            return False
        idle = now - credential.last_used_at
        return not (credential.kind is CredentialKind.session and idle > self._idle)


def _credential(row: Row[Any]) -> Credential:
    return Credential(
        id=row.id,
        kind=CredentialKind(row.kind),
        user_name=row.user_name,
        label=row.label,
        scope=row.scope,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        address=row.address,
        revoked_at=row.revoked_at,
    )
