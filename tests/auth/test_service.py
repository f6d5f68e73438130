"""The auth service on a real database (SQLite and PostgreSQL): shares, expiry, live views
cut when access ends, and what the audit trail records of it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.auth.conftest import USER_PASSWORD, USERS, write_network
from vgateway.audit.store import AuditLog, AuditQuery
from vgateway.audit.verify import verify_chain
from vgateway.auth.component import build_admin
from vgateway.auth.media_urls import MediaSigner
from vgateway.auth.passwords import Passwords
from vgateway.auth.principal import Action, Principal, Role
from vgateway.auth.service import AuthService
from vgateway.auth.settings import AuthSettings
from vgateway.errors import NotFound
from vgateway.storage import create_db_engine

FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _service(tmp_path: Path, url: str, clock: list[float]) -> AuthService:
    config = write_network(tmp_path, url)
    engine = create_db_engine(url, tmp_path)
    audit = AuditLog(engine, clock=lambda: clock[0])
    admin = build_admin(config, engine, audit, FAST, 3600)
    admin._clock = lambda: clock[0]
    return AuthService(
        config=config,
        settings=AuthSettings(recheck_interval_s=0.1),
        admin=admin,
        audit=audit,
        signer=MediaSigner(b"k" * 32),
        passwords=FAST,
        clock=lambda: clock[0],
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gw.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def clock() -> list[float]:
    return [1_700_000_000.0]


@pytest.fixture
def auth(tmp_path: Path, db_url: str, clock: list[float]) -> Iterator[AuthService]:
    service = _service(tmp_path, db_url, clock)
    for name, (role, town, cases) in USERS.items():
        service.admin.add_user(name, role, by="test", town=town, password=USER_PASSWORD)
        for case in cases:
            service.admin.assign_case(name, case, by="test", assigned=True)
    yield service


def _login(auth: AuthService, name: str) -> Principal:
    _secret, principal = auth.login(name, USER_PASSWORD, "10.0.0.5")
    return principal


def test_shares_expire_once_across_processes(
    auth: AuthService, tmp_path: Path, db_url: str, clock: list[float]
) -> None:
    op = _login(auth, "op_alpha")
    with pytest.raises(NotFound):
        auth.check(op, Action.view_live, "charlie1")
    share = auth.admin.create_share(
        "alpha", by="district", reason="防汛联动", camera_id="charlie1", expires_at=clock[0] + 30
    )
    auth.refresh_shares()
    assert auth.check(op, Action.view_live, "charlie1") is not None
    clock[0] += 31
    with pytest.raises(NotFound):
        auth.check(op, Action.view_live, "charlie1")
    (tmp_path / "other").mkdir()
    other = _service(tmp_path / "other", db_url, clock)  # a second gateway process
    assert [s.id for s in other.admin.record_expiries()] == [share.id]
    assert auth.admin.record_expiries() == []
    events = [e.action for e in auth.audit.entries() if e.action.startswith("share.")]
    assert events == ["share.create", "share.expire"]
    created = auth.audit.search(AuditQuery(action="share.create"))[0]
    assert created.actor == "district" and created.role == "district_officer"
    assert created.reason == "防汛联动" and created.camera_id == "charlie1"


def test_share_validation(auth: AuthService) -> None:
    from vgateway.auth.users import UserError

    for kwargs, message in [
        ({"camera_id": "alpha1", "tag": "school"}, "either one camera or one tag"),
        ({"camera_id": "nope"}, "no camera with id"),
        ({"tag": "nope"}, "no camera has the tag"),
    ]:
        with pytest.raises(UserError, match=message):
            auth.admin.create_share("alpha", by="district", reason="r", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="needs a reason"):
        auth.admin.create_share("alpha", by="district", reason="  ", camera_id="alpha1")
    with pytest.raises(UserError, match="no such town"):
        auth.admin.create_share("zulu", by="district", reason="r", camera_id="alpha1")


async def test_live_views_are_cut_when_access_ends(auth: AuthService, clock: list[float]) -> None:
    op_alpha = _login(auth, "op_alpha")
    op_bravo = _login(auth, "op_bravo")
    district = _login(auth, "district")
    share = auth.admin.create_share("alpha", by="district", reason="联合执法", tag="school")
    cut: dict[str, str] = {}

    def on_revoked(key: str) -> Callable[[str], None]:
        return lambda reason: cut.__setitem__(key, reason)

    await auth.open_view(op_alpha, "charlie1", address="10.0.0.5", on_revoked=on_revoked("a"))
    await auth.open_view(op_bravo, "alpha2", address="10.0.0.6", on_revoked=on_revoked("b"))
    view_d = await auth.open_view(
        district,
        "charlie1",
        address="10.0.0.7",
        on_revoked=on_revoked("d"),
        detail={"transport": "mse"},
    )
    with pytest.raises(NotFound):
        await auth.open_view(op_bravo, "alpha1", address="10.0.0.6")
    runner = asyncio.create_task(auth.views.run(0.1))
    try:
        await asyncio.sleep(0.3)
        assert cut == {}  # nothing changed: nothing cut
        clock[0] += 12.5
        auth.admin.revoke_share(share.id, by="district")
        await _until(lambda: "a" in cut)
        assert cut == {"a": "access revoked: share revoked"}
        assert auth.views.still_allowed(op_bravo, "alpha2", Action.view_live)

        auth.admin.set_disabled("op_bravo", True, by="root")
        await _until(lambda: "b" in cut and len(auth.views.open_views()) == 1)
        assert "account disabled" in cut["b"]
        assert not auth.views.still_allowed(op_bravo, "alpha2", Action.view_live)
    finally:
        runner.cancel()
    assert [v.id for v in auth.views.open_views()] == [view_d.id]
    await auth.close_view(view_d)
    await auth.close_view(view_d)  # twice: recorded once
    stops = {e.actor: e for e in auth.audit.search(AuditQuery(action="live.stop"))}
    assert set(stops) == {"op_alpha", "op_bravo", "district"}
    assert stops["op_alpha"].detail["duration_s"] == 12.5
    assert stops["op_alpha"].reason == "access revoked: share revoked"
    assert stops["district"].reason == "closed by viewer"
    assert stops["district"].detail["transport"] == "mse"
    assert len(auth.audit.search(AuditQuery(action="live.start"))) == 3
    denied = auth.audit.search(AuditQuery(action="access.denied"))[0]
    assert denied.actor == "op_bravo" and denied.camera_id == "alpha1"
    assert verify_chain(auth.audit.entries(), auth.audit.head()).ok


async def test_logout_and_role_change_cut_views(auth: AuthService) -> None:
    op_alpha = _login(auth, "op_alpha")
    op_alpha_2 = _login(auth, "op_alpha")  # the same user in a second browser
    cut: list[str] = []
    await auth.open_view(op_alpha, "alpha1", address=None, on_revoked=lambda r: cut.append("1"))
    await auth.open_view(op_alpha_2, "alpha1", address=None, on_revoked=lambda r: cut.append("2"))
    runner = asyncio.create_task(auth.views.run(5.0))  # only a wake-up can act in time
    try:
        await asyncio.sleep(0.05)
        auth.logout(op_alpha, None)
        await _until(lambda: cut == ["1"])
        auth.admin.set_role("op_alpha", Role.town_operator, "bravo", by="root")
        await _until(lambda: cut == ["1", "2"] and not auth.views.open_views())
    finally:
        runner.cancel()
    stop = auth.audit.search(AuditQuery(action="live.stop"))[0]
    assert stop.reason == "access revoked: role or town changed"


def test_media_token_checks(auth: AuthService) -> None:
    op = _login(auth, "op_alpha")
    with pytest.raises(NotFound):
        auth.sign_media(op, "bravo1", Action.view_live)
    signed = auth.sign_media(op, "alpha1", Action.view_live)
    assert signed.expires_at == int(auth._clock() + 60)


async def _until(predicate: Callable[[], bool], limit_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit_s
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)
