"""Shared fixtures. Real-part fixtures live in tests/fixtures/ and are loaded as plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.rtsp",
    "tests.fixtures.databases",
]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only test media and models beside the checkout (../shared)."""
    if not SHARED.is_dir():
        pytest.skip(f"test media folder {SHARED} is absent")
    return SHARED
