"""`vgateway users|tokens|shares`: manage accounts, API tokens and shares from the shell.

They work on the gateway's database directly (a running gateway sees the changes at once for
users and tokens, within a second for shares); each change is audited as `cli:<os user>`.
Passwords and tokens are printed once on stdout, never logged. This module: users; tokens and
shares are in `cli_grants`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vgateway.audit.cli import ConfigOption, SecretsOption, cli_actor
from vgateway.auth.cli_common import (
    DEFAULT_CONFIG,
    Generate,
    PasswordStdin,
    admin_for,
    parse_role,
    read_password,
)
from vgateway.auth.cli_grants import shares_app, tokens_app

__all__ = ["shares_app", "tokens_app", "users_app"]

users_app = typer.Typer(help="Gateway user accounts and roles.", no_args_is_help=True)


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
    chosen = parse_role(role)
    with admin_for(config, secrets) as (admin, _):
        password, generated = read_password(password_stdin, generate)
        admin.add_user(
            name, chosen, by=cli_actor(), town=town, password=password, display_name=display_name
        )
        typer.echo(f"added {name} ({chosen.value}{f', {town}' if town else ''})")
        if generated:
            typer.echo(f"password: {password}")


@users_app.command("list")
def users_list(config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None) -> None:
    """List users: name, role, town, state, cases."""
    with admin_for(config, secrets) as (admin, _):
        for user in admin.users.all_users():
            cases = ",".join(sorted(admin.users.cases(user.name)))
            state = "disabled" if user.disabled else "enabled"
            typer.echo(f"{user.name}\t{user.role.value}\t{user.town or '-'}\t{state}\t{cases}")


@users_app.command("disable")
def users_disable(
    name: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Disable a user: their sessions, tokens and open streams end at once."""
    with admin_for(config, secrets) as (admin, _):
        admin.set_disabled(name, True, by=cli_actor())
        typer.echo(f"disabled {name}")


@users_app.command("enable")
def users_enable(
    name: str, config: ConfigOption = DEFAULT_CONFIG, secrets: SecretsOption = None
) -> None:
    """Enable a disabled user again."""
    with admin_for(config, secrets) as (admin, _):
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
    chosen = parse_role(role)
    with admin_for(config, secrets) as (admin, _):
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
    with admin_for(config, secrets) as (admin, _):
        password, generated = read_password(password_stdin, generate)
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
    with admin_for(config, secrets) as (admin, _):
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

    with admin_for(config, secrets) as (admin, network):
        data_dir = Path(network.gateway.data_dir)
        out = (data_dir if data_dir.is_absolute() else Path.cwd() / data_dir) / "demo_users.txt"
        created = create_demo_users(admin, out)
        for account, password in created:
            town = f" ({account.town})" if account.town else ""
            typer.echo(f"{account.name:<16} {password}   {account.role.value}{town}")
        typer.echo(f"{len(created)} demo account(s) created; all demo passwords: {out}")
