"""Who may see and run which cases, decided through the auth feature.

Seeing a case (its tickets, playing and exporting its clips): the district centre, and the
investigators it is assigned to (`auth_case_assignments`, re-read on every request). Each clip
served is then checked and recorded by `AuthService.access` with the case as its context.
Creating cases, changing them and assigning investigators delegates access to footage, like a
share does, so it needs the gateway action `manage_shares` (routes declare `require(...)`).
"""

from __future__ import annotations

from vgateway.auth.principal import Principal
from vgateway.auth.service import AuthService
from vgateway.cases.model import Case
from vgateway.errors import NotFound


def visible_case_ids(auth: AuthService, principal: Principal) -> frozenset[str] | None:
    """Ids of the cases the caller may see; None: every case."""
    if auth.scope(principal).unrestricted:
        return None
    return frozenset(principal.cases)


def require_case(visible: frozenset[str] | None, case: Case | None, case_id: str) -> Case:
    if case is None or (visible is not None and case.id not in visible):
        raise NotFound(f"no case {case_id!r}")
    return case
