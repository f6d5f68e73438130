"""Shares: a town may see another town's camera (or every camera with a tag) for a reason,
until an optional expiry or until revoked. Config `shared_with` entries are permanent shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, Row, insert, select, update

from vgateway.auth.tables import auth_shares
from vgateway.config import Camera, NetworkConfig

ShareStatus = Literal["active", "expired", "revoked"]


@dataclass(frozen=True)
class Share:
    id: int
    town: str
    camera_id: str | None
    tag: str | None
    reason: str
    created_by: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None
    revoked_by: str | None

    def status(self, now: float) -> ShareStatus:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def covers(self, camera: Camera) -> bool:
        return camera.id == self.camera_id or (self.tag is not None and self.tag in camera.tags)


class ShareIndex:
    """Which towns see which cameras through shares, for fast decisions at one moment."""

    def __init__(self, config: NetworkConfig, shares: Iterable[Share]) -> None:
        self._permanent = {c.id: frozenset(c.shared_with) for c in config.cameras}
        self._by_camera: dict[str, list[Share]] = defaultdict(list)
        self._by_tag: dict[str, list[Share]] = defaultdict(list)
        for share in shares:
            if share.revoked_at is not None:
                continue
            if share.camera_id is not None:
                self._by_camera[share.camera_id].append(share)
            if share.tag is not None:
                self._by_tag[share.tag].append(share)

    def shared(self, camera: Camera, town: str, now: float) -> bool:
        if town in self._permanent.get(camera.id, ()):
            return True
        candidates = [*self._by_camera.get(camera.id, ())]
        for tag in camera.tags:
            candidates += self._by_tag.get(tag, ())
        return any(s.town == town and s.status(now) == "active" for s in candidates)


class ShareStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(
        self,
        *,
        town: str,
        camera_id: str | None,
        tag: str | None,
        reason: str,
        created_by: str,
        expires_at: float | None,
        now: float,
    ) -> Share:
        values = {
            "town": town,
            "camera_id": camera_id,
            "tag": tag,
            "reason": reason,
            "created_by": created_by,
            "created_at": now,
            "expires_at": expires_at,
            "expiry_recorded": False,
        }
        with self._engine.begin() as conn:
            key = conn.execute(insert(auth_shares).values(values)).inserted_primary_key
        assert key is not None
        share = self.get(int(key[0]))
        assert share is not None
        return share

    def get(self, share_id: int) -> Share | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(auth_shares).where(auth_shares.c.id == share_id)).first()
        return _share(row) if row else None

    def find(self, town: str | None = None) -> list[Share]:
        query = select(auth_shares).order_by(auth_shares.c.id.desc())
        if town is not None:
            query = query.where(auth_shares.c.town == town)
        with self._engine.connect() as conn:
            return [_share(row) for row in conn.execute(query)]

    def unrevoked(self) -> list[Share]:
        """Every share not revoked (expired ones included: the index checks expiry itself)."""
        query = select(auth_shares).where(auth_shares.c.revoked_at.is_(None))
        with self._engine.connect() as conn:
            return [_share(row) for row in conn.execute(query)]

    def revoke(self, share_id: int, by: str, now: float) -> bool:
        """Revoke an active or expired share; False if there is none or it was revoked already."""
        with self._engine.begin() as conn:
            result = conn.execute(
                update(auth_shares)
                .where(auth_shares.c.id == share_id, auth_shares.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=by)
            )
        return result.rowcount == 1

    def claim_expired(self, now: float) -> list[Share]:
        """Shares that have expired and whose expiry nobody recorded yet; claims them, so
        each expiry is recorded once even with several gateway processes."""
        c = auth_shares.c
        due = select(c.id).where(
            c.revoked_at.is_(None), c.expires_at <= now, c.expiry_recorded.is_(False)
        )
        claimed = []
        with self._engine.begin() as conn:
            for (share_id,) in conn.execute(due).all():
                result = conn.execute(
                    update(auth_shares)
                    .where(c.id == share_id, c.expiry_recorded.is_(False))
                    .values(expiry_recorded=True)
                )
                if result.rowcount == 1:
                    claimed.append(share_id)
        return [share for share_id in claimed if (share := self.get(share_id)) is not None]


def _share(row: Row[Any]) -> Share:
    return Share(
        id=row.id,
        town=row.town,
        camera_id=row.camera_id,
        tag=row.tag,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )
