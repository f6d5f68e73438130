"""Who may see and change which tickets, decided by the auth feature's one `authorize`.

A ticket is visible to a caller who may see events of every one of its cameras (town operators:
their town's and shared cameras; the district centre: all), or, without cameras, whose town it
is; investigators see the tickets of the cases assigned to them. Changing a ticket needs
`manage_tickets` on each of its cameras.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vgateway.auth.principal import Action, Principal
from vgateway.auth.service import AuthService
from vgateway.errors import BadRequest, Forbidden, NotFound
from vgateway.tickets.model import Ticket
from vgateway.tickets.query import EVERYTHING, Visibility

CaseTickets = Callable[[frozenset[str]], frozenset[str]]


def visibility(auth: AuthService, principal: Principal, case_tickets: CaseTickets) -> Visibility:
    scope = auth.scope(principal)
    if scope.unrestricted:
        return EVERYTHING
    # a case id may name a ticket directly, or a case grouping tickets
    ids = frozenset(principal.cases) | case_tickets(frozenset(principal.cases))
    return Visibility(
        cameras=scope.camera_ids(Action.view_events), town=principal.town, ticket_ids=ids
    )


def require_visible(visible: Visibility, ticket: Ticket | None, ticket_id: str) -> Ticket:
    if ticket is None or not visible.sees(ticket):
        raise NotFound(f"no ticket {ticket_id!r}")
    return ticket


def require_manage(
    auth: AuthService,
    principal: Principal,
    cameras: Iterable[str],
    town: str | None,
    address: str | None = None,
) -> None:
    """Raise NotFound/Forbidden unless the caller may manage tickets of these cameras (or,
    for a ticket without cameras, of some camera in its town)."""
    cameras = list(cameras)
    for camera_id in cameras:
        auth.check(principal, Action.manage_tickets, camera_id, address=address)
    if cameras:
        return
    if town is None:
        raise BadRequest("a ticket needs a camera or a town")
    try:
        in_town = auth.config.cameras_in_town(town)
    except KeyError:
        raise BadRequest(f"no town with id {town!r}") from None
    scope = auth.scope(principal)
    if not any(scope.can(Action.manage_tickets, camera) for camera in in_town):
        raise Forbidden(f"role {principal.role.value} may not manage tickets of town {town}")
