"""Imports every module that defines tables, so `metadata` is complete before create_all.

Feature packages define their tables in their own `tables.py` on `vgateway.storage.db.metadata`
and add one import line here.
"""

from __future__ import annotations

import vgateway.storage.db  # noqa: F401  (camera_state_events)
from vgateway.audit import tables as audit_tables  # noqa: F401  (audit_log, audit_head)
from vgateway.auth import tables as auth_tables  # noqa: F401  (auth_users, ...)
from vgateway.cases import tables as cases_tables  # noqa: F401  (cases, case_tickets, case_clips)
from vgateway.events import tables as events_tables  # noqa: F401  (events, event_snapshots)
from vgateway.layouts import tables as layouts_tables  # noqa: F401  (wall_layouts)
from vgateway.recording import tables as recording_tables  # noqa: F401  (segments, clips, holds)
from vgateway.tickets import tables as tickets_tables  # noqa: F401  (tickets, ticket_*)
from vgateway.tickets.hotline import tables as hotline_tables  # noqa: F401  (hotline_*)


def load_all_tables() -> None:
    """Nothing to do at call time: importing this module imported every table module."""
