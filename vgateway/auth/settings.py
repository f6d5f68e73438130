"""The `auth:` section of the configuration: sessions, tokens, login throttling, signed URLs.

The config package may import this module, so it imports nothing from vgateway at run time.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# As vgateway.config.types.STRICT_MODEL (not imported, see above): unknown keys rejected,
# immutable, input values never echoed in errors.
STRICT_MODEL = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class AuthSettings(BaseModel):
    """Access control. Users, roles and shares live in the database (CLI and admin API)."""

    model_config = STRICT_MODEL

    enabled: bool = Field(
        default=True,
        description="False lets every request act as the built-in 'local' admin: for a lab "
        "bench only, never on the district network (logged loudly at start).",
    )
    session_idle_s: float = Field(
        default=8 * 3600, gt=0, description="A web session ends after this long unused."
    )
    session_max_s: float = Field(
        default=24 * 3600, gt=0, description="A web session ends this long after login."
    )
    cookie_secure: bool = Field(
        default=False,
        description="Send the session cookie over HTTPS only (set true behind TLS).",
    )
    media_url_ttl_s: float = Field(
        default=60,
        gt=0,
        le=3600,
        description="Lifetime of a signed media URL (live, snapshot, playback, clip). It only "
        "has to outlive the start of the request: open streams are re-checked continually.",
    )
    recheck_interval_s: float = Field(
        default=1.0,
        gt=0,
        le=5,
        description="How often open live views are re-checked against shares, users and "
        "sessions (revocations in this process act at once; this bounds the rest).",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins allowed per user and per address..."
    )
    login_window_s: float = Field(
        default=300, gt=0, description="...within this many seconds, before logins are refused."
    )


def settings_for(config: object) -> AuthSettings:
    """The config's `auth:` section; defaults (auth on) while the config model has none."""
    settings = getattr(config, "auth", None)
    return settings if isinstance(settings, AuthSettings) else AuthSettings()
