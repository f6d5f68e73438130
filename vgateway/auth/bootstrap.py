"""First start: an admin account, so a fresh gateway can be signed into (no default password
ships anywhere); and the demo accounts behind `vgateway users demo`."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from vgateway.auth.admin import AuthAdmin
from vgateway.auth.passwords import generate_password
from vgateway.auth.principal import Role
from vgateway.auth.users import UserError

log = logging.getLogger(__name__)

ADMIN_PASSWORD_ENV = "VGATEWAY_ADMIN_PASSWORD"
ADMIN_NAME = "admin"


def ensure_initial_admin(admin: AuthAdmin, env: dict[str, str] | None = None) -> bool:
    """Create `admin` if there are no users at all. Its password comes from
    $VGATEWAY_ADMIN_PASSWORD, else is generated and printed once to the console (stderr,
    not the log: logs get shipped and kept). True if an admin was created."""
    if admin.users.count() > 0:
        return False
    environ = os.environ if env is None else env
    password = environ.get(ADMIN_PASSWORD_ENV) or generate_password()
    try:
        admin.add_user(
            ADMIN_NAME, Role.admin, by="system", password=password, display_name="系统管理员"
        )
    except UserError:
        return False  # another process made it first
    if ADMIN_PASSWORD_ENV in environ:
        log.info("created user %r with the password from $%s", ADMIN_NAME, ADMIN_PASSWORD_ENV)
    else:
        _banner(
            [f"user: {ADMIN_NAME}   password: {password}"],
            "初始管理员账号 / initial admin account (shown once; change it after signing in)",
        )
        log.warning(
            "created user %r with a generated password (printed on the console once)", ADMIN_NAME
        )
    return True


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: Role
    town: str | None
    display_name: str


def demo_accounts(admin: AuthAdmin) -> list[DemoAccount]:
    """One account per role; operators for the first two towns of the network."""
    towns = admin.config.towns[:2]
    accounts = [
        DemoAccount("admin", Role.admin, None, "系统管理员"),
        DemoAccount("district", Role.district_officer, None, "区指挥中心值班员"),
        *(DemoAccount(f"town_{t.id}", Role.town_operator, t.id, f"{t.name}值班员") for t in towns),
        DemoAccount("investigator", Role.investigator, None, "案件侦查员"),
        DemoAccount("auditor", Role.auditor, None, "安全审计员"),
    ]
    return accounts


def create_demo_users(admin: AuthAdmin, out_file: Path) -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts that do not exist yet, with generated passwords; append them
    to `out_file` (owner-only) and return them. Existing accounts are left alone."""
    created = []
    for account in demo_accounts(admin):
        if admin.users.get(account.name) is not None:
            continue
        password = generate_password()
        admin.add_user(
            account.name,
            account.role,
            by="system",
            town=account.town,
            password=password,
            display_name=account.display_name,
        )
        created.append((account, password))
    if created:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            for account, password in created:
                out.write(
                    f"{account.name}\t{password}\t{account.role.value}\t{account.town or ''}\n"
                )
    return created


def _banner(lines: list[str], title: str) -> None:
    width = max(len(title), *(len(line) for line in lines)) + 4
    rule = "=" * width
    sys.stderr.write(
        "\n".join(["", rule, f"  {title}", *(f"  {line}" for line in lines), rule, ""]) + "\n"
    )
    sys.stderr.flush()
