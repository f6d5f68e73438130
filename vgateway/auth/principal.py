"""Who is asking: roles, actions and the authenticated principal a request carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"  # everything, including users and shares
    district_officer = "district_officer"  # every camera; may share cameras with towns
    town_operator = "town_operator"  # own town's cameras plus those shared with it
    investigator = "investigator"  # recordings and clips of the cases assigned to them
    auditor = "auditor"  # the audit trail only


class Action(StrEnum):
    # about one camera
    view_camera = "view_camera"  # know it exists: lists, names, position
    view_health = "view_health"  # its state and stream statistics
    view_live = "view_live"
    view_snapshot = "view_snapshot"
    playback = "playback"
    download_clip = "download_clip"
    view_events = "view_events"  # detections, alarms and their snapshots
    manage_tickets = "manage_tickets"
    # about the gateway
    manage_shares = "manage_shares"
    manage_users = "manage_users"
    read_audit = "read_audit"
    view_metrics = "view_metrics"


CAMERA_ACTIONS = frozenset(
    {
        Action.view_camera,
        Action.view_health,
        Action.view_live,
        Action.view_snapshot,
        Action.playback,
        Action.download_clip,
        Action.view_events,
        Action.manage_tickets,
    }
)


class CredentialKind(StrEnum):
    session = "session"  # web UI cookie
    api_token = "api_token"  # Authorization: Bearer, for machine clients
    media_url = "media_url"  # signed, short-lived, bound to one camera and action
    local = "local"  # authentication disabled: the built-in local admin


@dataclass(frozen=True)
class MediaGrant:
    camera_id: str
    action: Action


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    town: str | None = None
    cases: frozenset[str] = frozenset()
    kind: CredentialKind = CredentialKind.session
    credential_id: str | None = None  # the session or API token row this came through
    grant: MediaGrant | None = None  # set for signed media URLs: the one thing it may do
    only: frozenset[Action] | None = None  # a scoped API token: these actions and no others


LOCAL_ADMIN = Principal(name="local", role=Role.admin, kind=CredentialKind.local)
