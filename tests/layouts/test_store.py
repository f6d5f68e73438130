"""LayoutStore against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from vgateway.layouts.models import InvalidLayout
from vgateway.layouts.store import MAX_LAYOUTS_PER_USER, LayoutStore
from vgateway.storage import create_db_engine


def _exercise(store: LayoutStore) -> None:
    assert store.put("u", "a", 4, ["c1", None, None, None]) is True
    assert store.put("u", "a", 1, ["c2"]) is False
    layout = store.get("u", "a")
    assert layout is not None and layout.grid == 1 and layout.tiles == ("c2",)
    assert store.get("v", "a") is None
    assert store.delete("u", "a") is True and store.delete("u", "a") is False


def test_store_sqlite(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    _exercise(LayoutStore(engine))
    engine.dispose()


@pytest.mark.postgres
def test_store_postgres(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    _exercise(LayoutStore(engine))
    engine.dispose()


def test_layout_count_is_capped(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store = LayoutStore(engine)
    for i in range(MAX_LAYOUTS_PER_USER):
        store.put("u", f"l{i}", 1, [None])
    with pytest.raises(InvalidLayout, match="delete one first"):
        store.put("u", "one more", 1, [None])
    assert store.put("u", "l0", 4, [None] * 4) is False  # replacing is still allowed
    assert store.put("other", "l0", 1, [None]) is True
    engine.dispose()
