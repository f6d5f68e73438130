"""The authorisation function alone: roles x towns x cameras, shares, expiry, media grants."""

from __future__ import annotations

import pytest

from tests.auth.conftest import write_network
from vgateway.auth.policy import Decision, Scope, authorize
from vgateway.auth.principal import CAMERA_ACTIONS, Action, MediaGrant, Principal, Role
from vgateway.auth.shares import Share, ShareIndex
from vgateway.config import NetworkConfig

NOW = 1_700_000_000.0
ALLOW, FORBIDDEN, HIDDEN = Decision.ALLOW, Decision.FORBIDDEN, Decision.HIDDEN


def _share(
    share_id: int,
    town: str,
    camera: str | None = None,
    tag: str | None = None,
    expires_at: float | None = None,
    revoked_at: float | None = None,
) -> Share:
    return Share(
        share_id,
        town,
        camera,
        tag,
        "演练",
        "district",
        NOW - 100,
        expires_at,
        revoked_at,
        "district" if revoked_at else None,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> NetworkConfig:
    return write_network(tmp_path_factory.mktemp("net"))


def _decide(
    config: NetworkConfig,
    who: Principal,
    action: Action,
    camera: str | None,
    shares: tuple[Share, ...] | list[Share] = (),
    case: str | None = None,
    now: float = NOW,
) -> Decision:
    cam = config.camera(camera) if camera else None
    return authorize(who, action, cam, shares=ShareIndex(config, shares), case=case, now=now)


ADMIN = Principal("root", Role.admin)
DISTRICT = Principal("district", Role.district_officer)
OP_ALPHA = Principal("op_alpha", Role.town_operator, town="alpha")
OP_BRAVO = Principal("op_bravo", Role.town_operator, town="bravo")
INVESTIGATOR = Principal("inv", Role.investigator, cases=frozenset({"case-7"}))
AUDITOR = Principal("aud", Role.auditor)


def test_matrix_without_database_shares(config: NetworkConfig) -> None:
    visible = {
        ADMIN: set(CAMERAS_ALL := {c.id for c in config.cameras}),
        DISTRICT: CAMERAS_ALL,
        OP_ALPHA: {"alpha1", "alpha2"},
        OP_BRAVO: {"bravo1", "alpha2"},  # alpha2: config shared_with
        INVESTIGATOR: set(),
        AUDITOR: set(),
    }
    for who, sees in visible.items():
        for camera in CAMERAS_ALL:
            for action in (Action.view_camera, Action.view_live, Action.download_clip):
                expected = ALLOW if camera in sees else HIDDEN
                assert _decide(config, who, action, camera) is expected, (who.name, camera, action)
        scope = Scope(who, config.cameras, ShareIndex(config, ()), NOW)
        assert scope.camera_ids() == sees


def test_gateway_actions(config: NetworkConfig) -> None:
    expected = {
        Action.manage_users: {ADMIN},
        Action.manage_shares: {ADMIN, DISTRICT},
        Action.read_audit: {ADMIN, AUDITOR},
        Action.view_metrics: {ADMIN, DISTRICT},
    }
    for action, allowed in expected.items():
        for who in (ADMIN, DISTRICT, OP_ALPHA, OP_BRAVO, INVESTIGATOR, AUDITOR):
            assert _decide(config, who, action, None) is (ALLOW if who in allowed else FORBIDDEN)
    with pytest.raises(ValueError):
        _decide(config, ADMIN, Action.view_live, None)
    with pytest.raises(ValueError):
        _decide(config, ADMIN, Action.read_audit, "alpha1")


def test_camera_and_tag_shares_with_expiry_and_revocation(config: NetworkConfig) -> None:
    shares = [
        _share(1, "alpha", camera="charlie1", expires_at=NOW + 60),
        _share(2, "bravo", tag="school"),  # bravo1 (own) and charlie1
        _share(3, "alpha", camera="charlie2", revoked_at=NOW - 1),
    ]
    assert _decide(config, OP_ALPHA, Action.view_live, "charlie1", shares) is ALLOW
    assert _decide(config, OP_ALPHA, Action.view_live, "charlie1", shares, now=NOW + 60) is HIDDEN
    assert _decide(config, OP_ALPHA, Action.view_live, "charlie2", shares) is HIDDEN
    assert _decide(config, OP_BRAVO, Action.playback, "charlie1", shares) is ALLOW
    assert _decide(config, OP_BRAVO, Action.playback, "charlie2", shares) is HIDDEN
    # a share to one town says nothing to another
    assert _decide(config, OP_BRAVO, Action.view_live, "alpha1", shares) is HIDDEN


def test_investigator_sees_only_through_assigned_cases(config: NetworkConfig) -> None:
    assert _decide(config, INVESTIGATOR, Action.download_clip, "charlie2", case="case-7") is ALLOW
    assert _decide(config, INVESTIGATOR, Action.playback, "charlie2", case="case-8") is HIDDEN
    assert _decide(config, INVESTIGATOR, Action.playback, "charlie2") is HIDDEN
    # seen through the case, but live video is not an investigator's
    assert _decide(config, INVESTIGATOR, Action.view_live, "charlie2", case="case-7") is FORBIDDEN
    assert _decide(config, OP_ALPHA, Action.download_clip, "charlie2", case="case-7") is HIDDEN


def test_auditor_sees_no_camera_at_all(config: NetworkConfig) -> None:
    for action in CAMERA_ACTIONS:
        assert _decide(config, AUDITOR, action, "alpha1") is HIDDEN


def test_media_grant_allows_one_camera_and_action(config: NetworkConfig) -> None:
    grant = Principal(
        "op_alpha", Role.town_operator, town="alpha", grant=MediaGrant("alpha1", Action.view_live)
    )
    assert _decide(config, grant, Action.view_live, "alpha1") is ALLOW
    assert _decide(config, grant, Action.view_snapshot, "alpha1") is FORBIDDEN
    assert _decide(config, grant, Action.view_live, "alpha2") is HIDDEN
    assert _decide(config, grant, Action.manage_shares, None) is FORBIDDEN
    # the grant never widens what the user may see
    stray = Principal(
        "op_alpha", Role.town_operator, town="alpha", grant=MediaGrant("bravo1", Action.view_live)
    )
    assert _decide(config, stray, Action.view_live, "bravo1") is HIDDEN
    assert not Scope(grant, config.cameras, ShareIndex(config, ()), NOW).unrestricted


def test_scoped_token_may_only_read_metrics(config: NetworkConfig) -> None:
    scraper = Principal("district", Role.district_officer, only=frozenset({Action.view_metrics}))
    assert _decide(config, scraper, Action.view_metrics, None) is ALLOW
    assert _decide(config, scraper, Action.manage_shares, None) is FORBIDDEN
    assert _decide(config, scraper, Action.view_camera, "alpha1") is HIDDEN
    assert not Scope(scraper, config.cameras, ShareIndex(config, ()), NOW).unrestricted


def test_town_operator_without_town_sees_nothing(config: NetworkConfig) -> None:
    lost = Principal("x", Role.town_operator, town=None)
    assert all(_decide(config, lost, Action.view_camera, c.id) is HIDDEN for c in config.cameras)
