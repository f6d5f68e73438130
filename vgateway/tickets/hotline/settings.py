"""The `tickets.hotline` settings: where ticket changes go, and what inbound calls must carry."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from vgateway.auth.principal import Role
from vgateway.config.types import STRICT_MODEL


class HotlineSettings(BaseModel):
    """The 12345 platform link. Both directions sign with HMAC-SHA256 (see hotline/README.md)."""

    model_config = STRICT_MODEL

    outbound_url: str | None = Field(
        default=None,
        description="URL that receives ticket.created/updated/closed POSTs; None: nothing sent.",
    )
    outbound_secret: SecretStr | None = Field(
        default=None, description="HMAC key for outbound signatures (required with the URL)."
    )
    inbound_secret: SecretStr | None = Field(
        default=None, description="HMAC key inbound calls are signed with; None: inbound off."
    )
    inbound_role: Role = Field(
        default=Role.district_officer,
        description="Role the platform acts with when it creates tickets or asks for footage.",
    )
    replay_window_s: float = Field(
        default=300, gt=0, description="Inbound timestamps further than this from now: refused."
    )
    idempotency_days: float = Field(
        default=7, gt=0, description="How long inbound idempotency keys (and answers) are kept."
    )
    timeout_s: float = Field(default=10, gt=0, description="Per delivery attempt.")
    backoff_initial_s: float = Field(default=2, gt=0, description="First retry delay.")
    backoff_max_s: float = Field(default=600, gt=0, description="Cap on the retry delay.")
    give_up_after_s: float = Field(
        default=7 * 86400, gt=0, description="Undelivered this long: marked dead (still listed)."
    )
    poll_interval_s: float = Field(
        default=5, gt=0, description="How often the sender looks for due deliveries."
    )
