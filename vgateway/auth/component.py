"""Plugs access control into the app: the service on `app.state.auth`, its routes, and the
task that records share expiries and cuts live views whose access ended."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from vgateway.api.services import Services
from vgateway.audit.store import AuditLog
from vgateway.auth.admin import AuthAdmin
from vgateway.auth.bootstrap import ensure_initial_admin
from vgateway.auth.media_urls import MediaSigner, load_or_create_key
from vgateway.auth.passwords import Passwords
from vgateway.auth.routes import audit, session, shares, users
from vgateway.auth.service import AuthService
from vgateway.auth.settings import AuthSettings, settings_for
from vgateway.auth.shares import ShareStore
from vgateway.auth.tokens import CredentialStore
from vgateway.auth.users import UserStore
from vgateway.config import NetworkConfig

log = logging.getLogger(__name__)

KEY_FILE = Path("auth") / "media_url.key"


def build_admin(
    config: NetworkConfig,
    engine: Engine,
    audit_log: AuditLog,
    passwords: Passwords,
    session_idle_s: float,
) -> AuthAdmin:
    """The stores and their audited operations (the gateway and the CLI both use this)."""
    return AuthAdmin(
        config=config,
        users=UserStore(engine),
        credentials=CredentialStore(engine, session_idle_s),
        shares=ShareStore(engine),
        audit=audit_log,
        passwords=passwords,
    )


def config_digest(config: NetworkConfig, key: bytes) -> str:
    """A fingerprint of the configuration, to see in the trail when it changed. Keyed with the
    server key: the config holds passwords, which a plain hash would let be guessed offline."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


class AuthComponent:
    """Access control and the audit trail.

    Settings, first found: the constructor's; `app.state.auth_settings` (set by whoever builds
    the app before it starts: tests of other features set `AuthSettings(enabled=False)`); the
    config's `auth` section once the config model has one; defaults (auth on).
    """

    name = "auth"

    def __init__(self, base_dir: Path | None = None, settings: AuthSettings | None = None) -> None:
        self._base = base_dir or Path.cwd()
        self._settings = settings
        self._task: asyncio.Task[None] | None = None

    def routers(self) -> list[APIRouter]:
        return [session.router, users.router, shares.router, audit.router]

    async def start(self, app: FastAPI, services: Services) -> None:
        config = services.config
        settings = (
            self._settings or getattr(app.state, "auth_settings", None) or settings_for(config)
        )
        data_dir = Path(config.gateway.data_dir)
        key_path = (data_dir if data_dir.is_absolute() else self._base / data_dir) / KEY_FILE

        def build() -> AuthService:
            audit_log = AuditLog(services.engine)
            passwords = Passwords()
            admin = build_admin(
                config, services.engine, audit_log, passwords, settings.session_idle_s
            )
            key = load_or_create_key(key_path)
            service = AuthService(
                config=config,
                settings=settings,
                admin=admin,
                audit=audit_log,
                signer=MediaSigner(key),
                passwords=passwords,
            )
            ensure_initial_admin(admin)
            audit_log.append(
                "config.load",
                actor="system",
                detail={
                    "district": config.district,
                    "towns": len(config.towns),
                    "cameras": len(config.cameras),
                    "digest": config_digest(config, key),
                    "auth_enabled": settings.enabled,
                },
            )
            return service

        service = await asyncio.to_thread(build)
        if not settings.enabled:
            log.warning(
                "AUTHENTICATION IS DISABLED (auth.enabled: false): every request acts "
                "as the local admin. Never run like this on the district network."
            )
        app.state.auth = service
        self._task = asyncio.create_task(
            service.views.run(settings.recheck_interval_s), name="auth-recheck"
        )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
