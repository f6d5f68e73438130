"""`vgateway users|tokens|shares` through the real command line and database."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from tests.auth.conftest import USER_PASSWORD, gateway, write_network
from vgateway.audit.store import AuditLog, AuditQuery
from vgateway.cli import app
from vgateway.storage import create_db_engine


def _cli(config: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "-c", str(config)], input=stdin)
    return result.exit_code, result.output


def test_user_token_and_share_commands(tmp_path: Path) -> None:
    write_network(tmp_path)
    config = tmp_path / "network.yaml"

    code, out = _cli(
        config,
        "users",
        "add",
        "zhang",
        "--role",
        "town_operator",
        "--town",
        "alpha",
        "--password-stdin",
        stdin=USER_PASSWORD + "\n",
    )
    assert code == 0 and "added zhang (town_operator, alpha)" in out
    code, out = _cli(config, "users", "add", "li", "--role", "investigator", "--generate")
    assert code == 0 and "password: " in out
    code, out = _cli(config, "users", "add", "wang", "--role", "town_operator")
    assert code == 2 and "needs a town" in out
    code, out = _cli(config, "users", "add", "wang", "--role", "chief")
    assert code == 2 and "role 'chief': one of admin" in out
    code, out = _cli(
        config, "users", "add", "zhao", "--role", "auditor", "--password-stdin", stdin="short\n"
    )
    assert code == 2 and "at least 10 characters" in out

    assert _cli(config, "users", "assign-case", "li", "case-9")[0] == 0
    assert _cli(config, "users", "set-role", "zhang", "town_operator", "--town", "bravo")[0] == 0
    code, out = _cli(config, "users", "list")
    assert (
        "zhang\ttown_operator\tbravo\tenabled" in out
        and "li\tinvestigator\t-\tenabled\tcase-9" in out
    )
    assert _cli(config, "users", "disable", "li")[0] == 0
    assert "li\tinvestigator\t-\tdisabled" in _cli(config, "users", "list")[1]

    code, out = _cli(config, "tokens", "create", "zhang", "--label", "x", "--metrics-only")
    assert code == 2 and "may not read metrics" in out
    code, out = _cli(config, "tokens", "create", "zhang", "--label", "巡检脚本")
    token_id = out.split("token id: ")[1].split()[0]
    assert code == 0 and "token: vgw_" in out
    assert f"{token_id}\tzhang\t巡检脚本\tactive" in _cli(config, "tokens", "list")[1]
    assert _cli(config, "tokens", "revoke", token_id)[0] == 0
    assert _cli(config, "tokens", "revoke", token_id)[0] == 2

    code, out = _cli(
        config, "shares", "add", "alpha", "--tag", "school", "--reason", "汛期联动", "--hours", "2"
    )
    assert code == 0 and "share 1: tag school -> alpha" in out
    assert "1\ttag:school\talpha\tactive" in _cli(config, "shares", "list")[1]
    assert _cli(config, "shares", "revoke", "1")[0] == 0

    engine = create_db_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    actions = [e.action for e in AuditLog(engine).entries()]
    engine.dispose()
    assert actions == [
        "user.create",
        "user.create",
        "user.case_assign",
        "user.role",
        "user.disable",
        "token.create",
        "token.revoke",
        "share.create",
        "share.revoke",
    ]


def test_bad_config_is_reported_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(yaml.safe_dump({"district": "x", "towns": [], "cameras": [], "oops": 1}))
    code, out = _cli(config, "users", "list")
    assert code == 2 and "invalid configuration" in out and "oops" in out
    assert "Traceback" not in out


def test_cli_changes_reach_a_running_gateway(tmp_path: Path) -> None:
    with gateway(tmp_path) as gw:
        client = gw.login("op_alpha")
        assert client.get("/api/auth/me").status_code == 200
        code, _ = _cli(tmp_path / "network.yaml", "users", "disable", "op_alpha")
        assert code == 0
        assert client.get("/api/auth/me").status_code == 401


def test_demo_accounts(tmp_path: Path) -> None:
    write_network(tmp_path)
    code, out = _cli(tmp_path / "network.yaml", "users", "demo")
    assert code == 0 and "6 demo account(s) created" in out
    kept = (tmp_path / "data" / "demo_users.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in kept] == [
        "admin",
        "district",
        "town_alpha",
        "town_bravo",
        "investigator",
        "auditor",
    ]
    assert (tmp_path / "data" / "demo_users.txt").stat().st_mode & 0o077 == 0
    code, out = _cli(tmp_path / "network.yaml", "users", "demo")
    assert "0 demo account(s) created" in out
    # nobody could manage users any more: refused
    code, out = _cli(tmp_path / "network.yaml", "users", "disable", "admin")
    assert code == 2 and "last enabled admin" in out
    code, out = _cli(tmp_path / "network.yaml", "users", "set-role", "admin", "auditor")
    assert code == 2 and "last enabled admin" in out
    engine = create_db_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    created = AuditLog(engine).search(AuditQuery(action="user.create", limit=10))
    engine.dispose()
    assert len(created) == 6
