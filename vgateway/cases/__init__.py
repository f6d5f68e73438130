"""Investigation cases and recorded-video playback.

Owns the `cases`, `case_tickets` and `case_clips` tables, case ZIP exports (clips, signed
manifests, the public key; prepared with progress under data_dir/exports), the /api/cases
routes, and /api/playback (a camera's recorded segments for the playback page, HTTP ranges).
Consumes tickets (`TicketService`), clips, segments and holds of `RecordingService`, and the
auth feature: investigators are assigned through `auth_case_assignments`, and every clip view
and download goes through `AuthService.access` (checked and recorded with its reason).
Emits case records, ZIP files, audit entries (case.export, case.download, playback,
clip.download) and recording holds for clips put in a case.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgateway.cases.component import CasesComponent
    from vgateway.cases.service import CaseService

__all__ = ["CaseService", "CasesComponent"]


def __getattr__(name: str) -> object:
    """Load on first use: storage imports `vgateway.cases.tables` without the rest."""
    modules = {
        "CaseService": "vgateway.cases.service",
        "CasesComponent": "vgateway.cases.component",
    }
    if name not in modules:
        raise AttributeError(f"module 'vgateway.cases' has no attribute {name!r}")
    return getattr(importlib.import_module(modules[name]), name)
