"""Users (name, role, town, password hash, enabled) and investigators' case assignments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vgateway.auth.principal import Role
from vgateway.auth.tables import auth_case_assignments, auth_users

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class UserError(ValueError):
    """A user request that cannot be carried out; the message names the problem."""


@dataclass(frozen=True)
class User:
    name: str
    display_name: str
    role: Role
    town: str | None
    disabled: bool
    has_password: bool
    created_at: float
    created_by: str
    updated_at: float


def check_user_fields(name: str, role: Role, town: str | None, towns: set[str]) -> None:
    if not _NAME.fullmatch(name):
        raise UserError(f"user name {name!r}: use 1-64 of a-z, 0-9, '_', '.', '-'")
    if town is not None and town not in towns:
        raise UserError(f"town {town!r}: no such town in the configuration")
    if role is Role.town_operator and town is None:
        raise UserError("a town_operator needs a town (--town)")


class UserStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self,
        *,
        name: str,
        role: Role,
        town: str | None,
        password_hash: str | None,
        display_name: str | None,
        created_by: str,
        now: float,
    ) -> User:
        row = {
            "name": name,
            "display_name": display_name or name,
            "role": role.value,
            "town": town,
            "password_hash": password_hash,
            "disabled": False,
            "created_at": now,
            "created_by": created_by,
            "updated_at": now,
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(auth_users).values(row))
        except IntegrityError:
            raise UserError(f"user {name!r} exists already") from None
        return self.require(name)

    def get(self, name: str) -> User | None:
        row = self._row(name)
        return _user(row) if row else None

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user named {name!r}")
        return user

    def password_hash(self, name: str) -> str | None:
        row = self._row(name)
        return row.password_hash if row else None

    def all_users(self) -> list[User]:
        with self._engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(auth_users).order_by(auth_users.c.name))]

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(auth_users)).scalar_one())

    def update(self, name: str, now: float, **values: Any) -> User:
        """Change role, town, password_hash, disabled or display_name."""
        with self._engine.begin() as conn:
            result = conn.execute(
                update(auth_users).where(auth_users.c.name == name).values(updated_at=now, **values)
            )
        if result.rowcount != 1:
            raise UserError(f"no user named {name!r}")
        return self.require(name)

    def cases(self, name: str) -> frozenset[str]:
        query = select(auth_case_assignments.c.case_id).where(
            auth_case_assignments.c.user_name == name
        )
        with self._engine.connect() as conn:
            return frozenset(conn.execute(query).scalars())

    def assign_case(self, name: str, case_id: str, by: str, now: float) -> bool:
        """False if the case was assigned to the user already."""
        self.require(name)
        values = {"user_name": name, "case_id": case_id, "assigned_by": by, "assigned_at": now}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(auth_case_assignments).values(values))
        except IntegrityError:
            return False
        return True

    def unassign_case(self, name: str, case_id: str) -> bool:
        c = auth_case_assignments.c
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(auth_case_assignments).where(c.user_name == name, c.case_id == case_id)
            )
        return result.rowcount == 1

    def _row(self, name: str) -> Row[Any] | None:
        with self._engine.connect() as conn:
            return conn.execute(select(auth_users).where(auth_users.c.name == name)).first()


def _user(row: Row[Any]) -> User:
    return User(
        name=row.name,
        display_name=row.display_name,
        role=Role(row.role),
        town=row.town,
        disabled=bool(row.disabled),
        has_password=row.password_hash is not None,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
    )
