"""Reads and writes saved layouts in the main database (SQLite or PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Engine, RowMapping, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vgateway.layouts.models import InvalidLayout, Layout
from vgateway.layouts.tables import wall_layouts as t

MAX_LAYOUTS_PER_USER = 200


class LayoutStore:
    """Blocking calls: run them off the event loop (`asyncio.to_thread`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self, user: str) -> list[Layout]:
        query = select(t).where(t.c.user_name == user).order_by(t.c.name)
        with self._engine.connect() as conn:
            return [_layout(row) for row in conn.execute(query).mappings()]

    def get(self, user: str, name: str) -> Layout | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(t).where(_key(user, name))).mappings().first()
        return _layout(row) if row is not None else None

    def put(self, user: str, name: str, grid: int, tiles: Sequence[str | None]) -> bool:
        """Create or replace `name` for `user`; True when it was created."""
        values = {"grid": grid, "tiles": list(tiles), "updated_at": time.time()}
        with self._engine.begin() as conn:
            if conn.execute(update(t).where(_key(user, name)).values(**values)).rowcount:
                return False
            count = conn.execute(
                select(func.count()).select_from(t).where(t.c.user_name == user)
            ).scalar_one()
            if count >= MAX_LAYOUTS_PER_USER:
                raise InvalidLayout(
                    f"layout {name!r}: already {count} saved layouts, at most "
                    f"{MAX_LAYOUTS_PER_USER}; delete one first"
                )
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(t).values(user_name=user, name=name, **values))
            return True
        except IntegrityError:
            # another save of the same name won the race: ours replaces it
            with self._engine.begin() as conn:
                conn.execute(update(t).where(_key(user, name)).values(**values))
            return False

    def delete(self, user: str, name: str) -> bool:
        with self._engine.begin() as conn:
            return bool(conn.execute(delete(t).where(_key(user, name))).rowcount)


def _key(user: str, name: str) -> ColumnElement[bool]:
    return and_(t.c.user_name == user, t.c.name == name)


def _layout(row: RowMapping) -> Layout:
    return Layout(
        name=row["name"],
        grid=int(row["grid"]),
        tiles=tuple(row["tiles"]),
        updated_at=float(row["updated_at"]),
    )
