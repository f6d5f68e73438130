"""`vgateway audit verify|export`: check the trail's hash chain, or write it out as CSV."""

from __future__ import annotations

import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from vgateway.config import NetworkConfig

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="Camera network YAML (names the database).")
]
SecretsOption = Annotated[
    Path | None, typer.Option("--secrets", help="KEY=value file filling ${KEY} in the config.")
]


def load_network(config: Path, secrets: Path | None) -> NetworkConfig:
    """The config file, or exit with its problems listed (never a traceback)."""
    from vgateway.config import ConfigError, load_config

    try:
        return load_config(config, secrets_file=secrets)
    except ConfigError as exc:
        typer.echo(f"error: invalid configuration:\n{exc}", err=True)
        raise typer.Exit(2) from None


def open_engine(config: Path, secrets: Path | None) -> Engine:
    """The main database of a config file (relative SQLite paths: from the current folder,
    as for `vgateway run`)."""
    from vgateway.storage import create_db_engine

    return create_db_engine(load_network(config, secrets).gateway.database_url, Path.cwd())


def cli_actor() -> str:
    """How a command-line user appears in the trail: the operating-system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _time(value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        typer.echo(f"error: {option} {value!r}: expected ISO time, e.g. 2024-05-01T08:00", err=True)
        raise typer.Exit(2) from None


@audit_app.command()
def verify(
    config: ConfigOption = Path("camera_configs/demo.yaml"), secrets: SecretsOption = None
) -> None:
    """Check every entry's hash and link; name each altered, missing or reordered entry."""
    from vgateway.audit.store import AuditLog
    from vgateway.audit.verify import verify_chain

    engine = open_engine(config, secrets)
    try:
        trail = AuditLog(engine)
        report = verify_chain(trail.entries(), trail.head())
    finally:
        engine.dispose()
    if report.ok:
        typer.echo(
            f"audit trail OK: {report.entries} entries, chain intact up to #{report.last_seq}"
        )
        return
    for problem in report.problems:
        typer.echo(str(problem), err=True)
    typer.echo(
        f"audit trail TAMPERED: {len(report.problems)} problem(s) in {report.entries} entries",
        err=True,
    )
    raise typer.Exit(1)


@audit_app.command()
def export(
    config: ConfigOption = Path("camera_configs/demo.yaml"),
    secrets: SecretsOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV file (default: stdout).")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    action: Annotated[str | None, typer.Option(help="Action, or a prefix ending in '.'.")] = None,
    camera: Annotated[str | None, typer.Option(help="Only entries about this camera.")] = None,
    since: Annotated[str | None, typer.Option(help="ISO time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option(help="ISO time, exclusive.")] = None,
) -> None:
    """Write the trail (or the matching part) as CSV, oldest first. The export is itself audited."""
    from vgateway.audit.export import csv_rows
    from vgateway.audit.store import AuditLog, AuditQuery

    query = AuditQuery(
        actor=actor,
        action=action,
        camera_id=camera,
        since=_time(since, "--since"),
        until=_time(until, "--until"),
    )
    engine = open_engine(config, secrets)
    try:
        trail = AuditLog(engine)
        detail = {k: v for k, v in vars(query).items() if v is not None and k != "limit"}
        trail.append("audit.export", actor=cli_actor(), detail={**detail, "via": "cli"})
        out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            for line in csv_rows(trail.entries(query)):
                out.write(line)
        finally:
            if output:
                out.close()
    finally:
        engine.dispose()
