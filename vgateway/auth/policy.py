"""The one authorisation function: may principal P do action A (on camera C)?

Every route and media path reaches a decision through `authorize` (via `deps` or the service);
nothing else decides access. A camera the principal may not see is HIDDEN (answered 404, as
if it did not exist); one it sees but may not use this way is FORBIDDEN (403).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from vgateway.auth.principal import CAMERA_ACTIONS, Action, Principal, Role
from vgateway.auth.shares import ShareIndex
from vgateway.config import Camera


class Decision(Enum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"
    HIDDEN = "hidden"

    @property
    def allowed(self) -> bool:
        return self is Decision.ALLOW


_ALL = frozenset(Action)
_OPERATOR_CAMERA = CAMERA_ACTIONS
_INVESTIGATOR_CAMERA = frozenset(
    {Action.view_camera, Action.playback, Action.download_clip, Action.view_events}
)

# What each role may do, wherever it can see (cameras) or at all (gateway actions).
GRANTS: dict[Role, frozenset[Action]] = {
    Role.admin: _ALL,
    Role.district_officer: CAMERA_ACTIONS | {Action.manage_shares, Action.view_metrics},
    Role.town_operator: _OPERATOR_CAMERA,
    Role.investigator: _INVESTIGATOR_CAMERA,
    Role.auditor: frozenset({Action.read_audit}),
}


def authorize(
    principal: Principal,
    action: Action,
    camera: Camera | None = None,
    *,
    shares: ShareIndex,
    case: str | None = None,
    now: float | None = None,
) -> Decision:
    """Decide. `case` is the case (ticket) a recording or clip belongs to, when it has one."""
    if (camera is None) != (action not in CAMERA_ACTIONS):
        raise ValueError(f"action {action} {'needs' if camera is None else 'takes no'} camera")
    grant = principal.grant
    if principal.only is not None and action not in principal.only:
        return Decision.FORBIDDEN if camera is None else Decision.HIDDEN
    if camera is None:
        if grant is not None:  # a media URL opens one stream, nothing else
            return Decision.FORBIDDEN
        return Decision.ALLOW if action in GRANTS[principal.role] else Decision.FORBIDDEN
    if grant is not None and grant.camera_id != camera.id:
        return Decision.HIDDEN
    if not _sees(principal, camera, shares, case, time.time() if now is None else now):
        return Decision.HIDDEN
    if grant is not None and grant.action != action:
        return Decision.FORBIDDEN
    return Decision.ALLOW if action in GRANTS[principal.role] else Decision.FORBIDDEN


def _sees(
    principal: Principal, camera: Camera, shares: ShareIndex, case: str | None, now: float
) -> bool:
    role = principal.role
    if role in (Role.admin, Role.district_officer):
        return True
    if role is Role.town_operator:
        town = principal.town
        return town is not None and (camera.town == town or shares.shared(camera, town, now))
    if role is Role.investigator:
        return case is not None and case in principal.cases
    return False


@dataclass(frozen=True)
class Scope:
    """One principal's view of the network at one moment, for filtering lists and counts."""

    principal: Principal
    cameras: tuple[Camera, ...]
    shares: ShareIndex
    now: float

    @property
    def unrestricted(self) -> bool:
        """Whether this principal sees every camera (the district centre)."""
        district = self.principal.role in (Role.admin, Role.district_officer)
        return district and self.principal.grant is None and self.principal.only is None

    def can(self, action: Action, camera: Camera, case: str | None = None) -> bool:
        decision = authorize(
            self.principal, action, camera, shares=self.shares, case=case, now=self.now
        )
        return decision.allowed

    def visible(self, action: Action = Action.view_camera) -> list[Camera]:
        """The cameras this principal may do `action` on, in config order."""
        return [camera for camera in self.cameras if self.can(action, camera)]

    def camera_ids(self, action: Action = Action.view_camera) -> frozenset[str]:
        return frozenset(camera.id for camera in self.visible(action))

    def filter_ids(self, camera_ids: Iterable[str], action: Action) -> set[str]:
        allowed = self.camera_ids(action)
        return {camera_id for camera_id in camera_ids if camera_id in allowed}
