"""`vgateway users|tokens|shares`: manage accounts, API tokens and shares from the shell.

They work on the gateway's database directly (a running gateway sees the changes at once for
users and tokens, within a second for shares); each change is audited as `cli:<os user>`.
Passwords and tokens are printed once on stdout, never logged.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vgateway.audit.cli import ConfigOption, SecretsOption, cli_actor
from vgateway.auth.principal import CredentialKind, Role

if TYPE_CHECKING:
    from vgateway.auth.admin import AuthAdmin
    from vgateway.config import NetworkConfig

users_app = typer.Typer(help="Gateway user accounts and roles.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)
shares_app = typer.Typer(help="Share cameras with towns.", no_args_is_help=True)

DEFAULT_CONFIG = Path("camera_configs/demo.yaml")
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin (one line).")
]
Generate = Annotated[
    bool, typer.Option("--generate", help="Generate a password and print it once.")
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@contextmanager
def _admin(config: Path, secrets: Path | None) -> Iterator[tuple[AuthAdmin, NetworkConfig]]:
    from vgateway.audit.cli import load_network
    from vgateway.audit.store import AuditLog
    from vgateway.auth.component import build_admin
    from vgateway.auth.passwords import Passwords, WeakPassword
    from vgateway.auth.settings import settings_for
    from vgateway.auth.users import UserError
    from vgateway.storage import create_db_engine

    network = load_network(config, secrets)
    engine = create_db_engine(network.gateway.database_url, Path.cwd())
    try:
        admin = build_admin(
            network, engine, AuditLog(engine), Passwords(), settings_for(network).session_idle_s
        )
        try:
            yield admin, network
        except (UserError, WeakPassword) as exc:
            _fail(str(exc))
    finally:
        engine.dispose()


def _password(stdin: bool, generate: bool) -> tuple[str, bool]:
    """(password, generated)."""
    from vgateway.auth.passwords import generate_password

    if stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if generate or not sys.stdin.isatty():
        return generate_password(), True
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        _fail(f"role {value!r}: one of {', '.join(r.value for r in Role)}")
        raise


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name: a-z, 0-9, '_', '.', '-'.")],
    role: Annotated[
        str, typer.Option(help="admin, district_officer, town_operator, investigator or auditor.")
    ],
    town: Annotated[str | None, typer.Option(help="The user's town (town operators).")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the UI.")] = None,
    password_stdin: PasswordStdin = False,
    generate: Generate = False,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Add a user (prompts for the password, or generates one when not on a terminal)."""
    chosen = _role(role)
    with _admin(config, secrets) as (admin, _):
        password, generated = _password(password_stdin, generate)
        admin.add_user(
            name, chosen, by=cli_actor(), town=town, password=password, display_name=display_name
        )
        typer.echo(f"added {name} ({chosen.value}{f', {town}' if town else ''})")
        if generated:
            typer.echo(f"password: {password}")


@users_app.command("list")
def users_list(config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None) -> None:
    """List users: name, role, town, state, cases."""
    with _admin(config, secrets) as (admin, _):
        for user in admin.users.all_users():
            cases = ",".join(sorted(admin.users.cases(user.name)))
            state = "disabled" if user.disabled else "enabled"
            typer.echo(f"{user.name}\t{user.role.value}\t{user.town or '-'}\t{state}\t{cases}")


@users_app.command("disable")
def users_disable(
    name: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Disable a user: their sessions, tokens and open streams end at once."""
    with _admin(config, secrets) as (admin, _):
        admin.set_disabled(name, True, by=cli_actor())
        typer.echo(f"disabled {name}")


@users_app.command("enable")
def users_enable(
    name: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Enable a disabled user again."""
    with _admin(config, secrets) as (admin, _):
        admin.set_disabled(name, False, by=cli_actor())
        typer.echo(f"enabled {name}")


@users_app.command("set-role")
def users_set_role(
    name: str,
    role: str,
    town: Annotated[
        str | None, typer.Option(help="New town (omit to keep the current one).")
    ] = None,
    no_town: Annotated[bool, typer.Option("--no-town", help="Clear the user's town.")] = False,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Change a user's role (and town)."""
    chosen = _role(role)
    with _admin(config, secrets) as (admin, _):
        current = admin.users.require(name)
        new_town = None if no_town else (town or current.town)
        admin.set_role(name, chosen, new_town, by=cli_actor())
        typer.echo(f"{name}: {chosen.value}{f', {new_town}' if new_town else ''}")


@users_app.command("set-password")
def users_set_password(
    name: str,
    password_stdin: PasswordStdin = False,
    generate: Generate = False,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Set a user's password; their web sessions end."""
    with _admin(config, secrets) as (admin, _):
        password, generated = _password(password_stdin, generate)
        admin.set_password(name, password, by=cli_actor())
        typer.echo(f"password of {name} changed")
        if generated:
            typer.echo(f"password: {password}")


@users_app.command("assign-case")
def users_assign_case(
    name: str,
    case: str,
    remove: Annotated[bool, typer.Option("--remove", help="Unassign instead.")] = False,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Assign a case (ticket id) to an investigator, or --remove it."""
    with _admin(config, secrets) as (admin, _):
        changed = admin.assign_case(name, case, by=cli_actor(), assigned=not remove)
        typer.echo(
            f"{'unassigned' if remove else 'assigned'} {case} {'from' if remove else 'to'} "
            f"{name}" + ("" if changed else " (no change)")
        )


@users_app.command("demo")
def users_demo(config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None) -> None:
    """Create demo accounts, one per role, with generated passwords (printed, and kept in
    <data_dir>/demo_users.txt); existing accounts are left alone.

    Town operators are made for the first two towns of the network.
    """
    from vgateway.auth.bootstrap import create_demo_users

    with _admin(config, secrets) as (admin, network):
        data_dir = Path(network.gateway.data_dir)
        out = (data_dir if data_dir.is_absolute() else Path.cwd() / data_dir) / "demo_users.txt"
        created = create_demo_users(admin, out)
        for account, password in created:
            town = f" ({account.town})" if account.town else ""
            typer.echo(f"{account.name:<16} {password}   {account.role.value}{town}")
        typer.echo(f"{len(created)} demo account(s) created; all demo passwords: {out}")


@tokens_app.command("create")
def tokens_create(
    user: str,
    label: Annotated[str, typer.Option(help="What the token is for, e.g. 'prometheus'.")],
    ttl_days: Annotated[float | None, typer.Option(help="Expire after this many days.")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """Create an API token (Authorization: Bearer ...) acting as USER; printed once."""
    with _admin(config, secrets) as (admin, _):
        ttl = ttl_days * 86400 if ttl_days else None
        token, credential = admin.create_token(user, label, by=cli_actor(), ttl_s=ttl)
        typer.echo(f"token id: {credential.id}")
        typer.echo(f"token: {token}")


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option()] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    secrets: SecretsOption = None,
) -> None:
    """List API tokens (never their secrets)."""
    with _admin(config, secrets) as (admin, _):
        for c in admin.credentials.find(user, CredentialKind.api_token):
            state = "revoked" if c.revoked_at else "active"
            typer.echo(f"{c.id}\t{c.user_name}\t{c.label or ''}\t{state}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Revoke an API token at once."""
    with _admin(config, secrets) as (admin, _):
        if not admin.revoke_token(token_id, by=cli_actor()):
            _fail(f"no active API token with id {token_id!r}")
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
    with _admin(config, secrets) as (admin, _):
        expires = time.time() + hours * 3600 if hours else None
        share = admin.create_share(
            town, by=cli_actor(), reason=reason, camera_id=camera, tag=tag, expires_at=expires
        )
        typer.echo(f"share {share.id}: {camera or f'tag {tag}'} -> {town}")


@shares_app.command("list")
def shares_list(config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None) -> None:
    """List shares with their state."""
    with _admin(config, secrets) as (admin, _):
        now = time.time()
        for s in admin.shares.find():
            what = s.camera_id or f"tag:{s.tag}"
            typer.echo(f"{s.id}\t{what}\t{s.town}\t{s.status(now)}\t{s.created_by}\t{s.reason}")


@shares_app.command("revoke")
def shares_revoke(
    share_id: int, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Revoke a share: the town's open streams of it end within seconds."""
    with _admin(config, secrets) as (admin, _):
        if admin.revoke_share(share_id, by=cli_actor()) is None:
            _fail(f"no unrevoked share with id {share_id}")
        typer.echo(f"revoked share {share_id}")
