"""Shared pieces of the `vgateway users|tokens|shares` commands: options, the audited admin
on the config's database, password input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vgateway.auth.principal import Role

if TYPE_CHECKING:
    from vgateway.auth.admin import AuthAdmin
    from vgateway.config import NetworkConfig

DEFAULT_CONFIG = Path("camera_configs/demo.yaml")
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin (one line).")
]
Generate = Annotated[
    bool, typer.Option("--generate", help="Generate a password and print it once.")
]


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@contextmanager
def admin_for(config: Path, secrets: Path | None) -> Iterator[tuple[AuthAdmin, NetworkConfig]]:
    """The audited admin operations on the config's database; bad input exits with a message."""
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
            fail(str(exc))
    finally:
        engine.dispose()


def read_password(stdin: bool, generate: bool) -> tuple[str, bool]:
    """(password, generated)."""
    from vgateway.auth.passwords import generate_password

    if stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if generate or not sys.stdin.isatty():
        return generate_password(), True
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        fail(f"role {value!r}: one of {', '.join(r.value for r in Role)}")
        raise
