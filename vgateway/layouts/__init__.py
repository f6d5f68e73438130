"""Saved wall layouts: each duty officer's named video-wall arrangements.

Owns the `wall_layouts` table, its store and the `/api/layouts` routes.
Consumes the main database engine and the camera network config (to check camera ids).
Emits nothing; the browser UI (web/) reads and writes layouts through the API.
"""

from vgateway.layouts.component import LayoutsComponent
from vgateway.layouts.identity import current_user_name
from vgateway.layouts.models import GRID_SIZES, Layout, LayoutIn, LayoutOut
from vgateway.layouts.store import LayoutStore

__all__ = [
    "GRID_SIZES",
    "Layout",
    "LayoutIn",
    "LayoutOut",
    "LayoutStore",
    "LayoutsComponent",
    "current_user_name",
]
