"""Appending, searching and concurrency of the trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, create_engine, event

from vgateway.audit.chain import GENESIS_HASH
from vgateway.audit.store import AuditLog, AuditQuery
from vgateway.audit.verify import verify_chain


def test_append_chains_and_searches(engine: Engine) -> None:
    trail = AuditLog(engine)
    first = trail.append("auth.login", actor="zhang", role="town_operator", address="10.0.0.7")
    second = trail.append(
        "clip.download",
        actor="zhang",
        camera_id="cam001",
        clip_id="clip-9",
        reason="案件 2024-017 取证",
        detail={"bytes": 1024, "ratio": 0.1},
    )
    trail.append("share.create", actor="li", camera_id="cam002", detail={"town": "donghu"})
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and second.hash == second.computed_hash()
    assert trail.head() is not None and trail.head().seq == 3  # type: ignore[union-attr]

    assert [e.seq for e in trail.search(AuditQuery(actor="zhang"))] == [2, 1]
    assert [e.action for e in trail.search(AuditQuery(action="share."))] == ["share.create"]
    assert trail.search(AuditQuery(camera_id="cam001"))[0].reason == "案件 2024-017 取证"
    assert trail.search(AuditQuery(before_seq=2)) == [first]
    assert trail.count(AuditQuery(actor="zhang")) == 2
    stored = trail.search(AuditQuery(clip_id="clip-9"))[0]
    assert stored == second  # what was hashed is exactly what was stored
    assert verify_chain(trail.entries(), trail.head()).ok


def test_concurrent_writers_never_fork_the_chain(engine: Engine) -> None:
    # Two AuditLog objects on two engines behave like two processes: only the database lock
    # keeps them in line.
    second_engine = create_engine(engine.url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        from vgateway.storage.db import _sqlite_pragmas

        event.listen(second_engine, "connect", _sqlite_pragmas)
    logs = [AuditLog(engine), AuditLog(second_engine)]
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            for n in range(15):
                logs[index % 2].append("live.start", actor=f"user{index}", detail={"n": n})
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second_engine.dispose()
    assert not errors
    entries = list(logs[0].entries(batch=7))
    assert [e.seq for e in entries] == list(range(1, 91))
    report = verify_chain(entries, logs[0].head())
    assert report.ok, report.problems
