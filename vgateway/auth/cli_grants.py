"""`vgateway tokens|shares`: API tokens for machine clients, and camera shares with towns."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from vgateway.audit.cli import ConfigOption, SecretsOption, cli_actor
from vgateway.auth.cli_common import DEFAULT_CONFIG, admin_for, fail
from vgateway.auth.principal import CredentialKind

tokens_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
shares_app = typer.Typer(help="Share cameras with towns.", no_args_is_help=True)


@tokens_app.command("create")
def tokens_create(
    user: str,
    label: Annotated[str, typer.Option(help="What the token is for, e.g. 'prometheus'.")],
    ttl_days: Annotated[float | None, typer.Option(help="Expire after this many days.")] = None,
    metrics_only: Annotated[
        bool, typer.Option("--metrics-only", help="May read /metrics and nothing else.")
    ] = False,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Create an API token (Authorization: Bearer ...) acting as USER; printed once."""
    with admin_for(config, secrets) as (admin, _):
        ttl = ttl_days * 86400 if ttl_days else None
        token, credential = admin.create_token(
            user, label, by=cli_actor(), ttl_s=ttl, metrics_only=metrics_only
        )
        typer.echo(f"token id: {credential.id}")
        typer.echo(f"token: {token}")


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option()] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """List API tokens (never their secrets)."""
    with admin_for(config, secrets) as (admin, _):
        for c in admin.credentials.find(user, CredentialKind.api_token):
            state = "revoked" if c.revoked_at else "active"
            typer.echo(f"{c.id}\t{c.user_name}\t{c.label or ''}\t{state}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Revoke an API token at once."""
    with admin_for(config, secrets) as (admin, _):
        if not admin.revoke_token(token_id, by=cli_actor()):
            fail(f"no active API token with id {token_id!r}")
        typer.echo(f"revoked {token_id}")


@shares_app.command("add")
def shares_add(
    town: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
    camera: Annotated[str | None, typer.Option(help="One camera...")] = None,
    tag: Annotated[str | None, typer.Option(help="...or every camera with this tag.")] = None,
    hours: Annotated[float | None, typer.Option(help="Expire after this many hours.")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Share a camera (or a tag group) with a town."""
    with admin_for(config, secrets) as (admin, _):
        expires = time.time() + hours * 3600 if hours else None
        share = admin.create_share(
            town, by=cli_actor(), reason=reason, camera_id=camera, tag=tag, expires_at=expires
        )
        typer.echo(f"share {share.id}: {camera or f'tag {tag}'} -> {town}")


@shares_app.command("list")
def shares_list(config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None) -> None:
    """List shares with their state."""
    with admin_for(config, secrets) as (admin, _):
        now = time.time()
        for s in admin.shares.find():
            what = s.camera_id or f"tag:{s.tag}"
            typer.echo(f"{s.id}\t{what}\t{s.town}\t{s.status(now)}\t{s.created_by}\t{s.reason}")


@shares_app.command("revoke")
def shares_revoke(
    share_id: int, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Revoke a share: the town's open streams of it end within seconds."""
    with admin_for(config, secrets) as (admin, _):
        if admin.revoke_share(share_id, by=cli_actor()) is None:
            fail(f"no unrevoked share with id {share_id}")
        typer.echo(f"revoked share {share_id}")
