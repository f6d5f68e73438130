"""`verify_chain` and `vgateway audit verify` on intact and tampered trails."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from sqlalchemy import Engine, delete, text, update
from typer.testing import CliRunner

from vgateway.audit.cli import audit_app
from vgateway.audit.store import AuditLog, AuditQuery
from vgateway.audit.tables import audit_log
from vgateway.audit.verify import ProblemKind, verify_chain


def _trail(engine: Engine, n: int = 8) -> AuditLog:
    trail = AuditLog(engine)
    for i in range(n):
        trail.append("snapshot", actor="wang", camera_id=f"cam00{i}", address="10.1.1.1")
    return trail


def _problems(trail: AuditLog) -> list[tuple[int, ProblemKind]]:
    report = verify_chain(trail.entries(), trail.head())
    return [(p.seq, p.kind) for p in report.problems]


def test_intact(engine: Engine) -> None:
    assert _problems(_trail(engine)) == []


def test_altered_entry(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(actor="nobody"))
    assert _problems(trail) == [(4, ProblemKind.altered)]


def test_altered_and_rehashed_entry_breaks_the_next_link(engine: Engine) -> None:
    trail = _trail(engine)
    entry = next(e for e in trail.entries() if e.seq == 4)
    rehashed = replace(entry, camera_id="cam999").sealed()
    with engine.begin() as conn:
        conn.execute(
            update(audit_log)
            .where(audit_log.c.seq == 4)
            .values(camera_id="cam999", hash=rehashed.hash)
        )
    assert _problems(trail) == [(5, ProblemKind.broken)]


def test_deleted_entries(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq.in_([3, 4])))
        conn.execute(delete(audit_log).where(audit_log.c.seq == 8))
    assert _problems(trail) == [(3, ProblemKind.missing), (8, ProblemKind.truncated)]


def test_reordered_entries(engine: Engine) -> None:
    trail = _trail(engine)
    with engine.begin() as conn:  # swap #5 and #6 through a free number
        conn.execute(update(audit_log).where(audit_log.c.seq == 5).values(seq=-5))
        conn.execute(update(audit_log).where(audit_log.c.seq == 6).values(seq=5))
        conn.execute(update(audit_log).where(audit_log.c.seq == -5).values(seq=6))
    report = verify_chain(trail.entries(), trail.head())
    assert [(p.seq, p.kind) for p in report.problems] == [
        (5, ProblemKind.reordered),
        (6, ProblemKind.reordered),
    ]
    assert "holds the chain's entry #6" in str(report.problems[0])


def test_cli_verify_and_export(tmp_path: Path) -> None:
    db = tmp_path / "gw.db"
    config = tmp_path / "net.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "district": "测试区",
                "gateway": {"database_url": f"sqlite:///{db}"},
                "towns": [{"id": "t1", "name": "一镇", "name_en": "Yi", "kind": "镇"}],
                "cameras": [],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    from vgateway.storage import create_db_engine

    engine = create_db_engine(f"sqlite:///{db}")
    trail = _trail(engine, 5)
    trail.append("clip.download", actor="zhao", reason='=HYPERLINK("x")', clip_id="c1")
    runner = CliRunner()

    ok = runner.invoke(audit_app, ["verify", "-c", str(config)])
    assert ok.exit_code == 0, ok.output
    assert "OK: 6 entries" in ok.output

    out = tmp_path / "trail.csv"
    exported = runner.invoke(audit_app, ["export", "-c", str(config), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert (
        lines[0].startswith("seq,time_utc,actor") and len(lines) == 1 + 7
    )  # and the export itself
    assert "'=HYPERLINK" in lines[6]  # a formula stays text in a spreadsheet
    # the export is itself on the trail
    exports = trail.search(AuditQuery(action="audit.export"))
    assert len(exports) == 1 and exports[0].actor.startswith("cli")

    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'edited' WHERE seq = 2"))
    bad = runner.invoke(audit_app, ["verify", "-c", str(config)])
    assert bad.exit_code == 1
    assert "#2: altered" in bad.output and "TAMPERED" in bad.output
    engine.dispose()


def test_cli_pinpoints_deleted_and_reordered_entries(tmp_path: Path) -> None:
    db = tmp_path / "gw.db"
    config = tmp_path / "net.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "district": "测试区",
                "gateway": {"database_url": f"sqlite:///{db}"},
                "towns": [{"id": "t1", "name": "一镇", "name_en": "Yi", "kind": "镇"}],
                "cameras": [],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    from vgateway.storage import create_db_engine

    engine = create_db_engine(f"sqlite:///{db}")
    _trail(engine, 9)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
        conn.execute(update(audit_log).where(audit_log.c.seq == 6).values(seq=-6))
        conn.execute(update(audit_log).where(audit_log.c.seq == 7).values(seq=6))
        conn.execute(update(audit_log).where(audit_log.c.seq == -6).values(seq=7))
    engine.dispose()
    result = CliRunner().invoke(audit_app, ["verify", "-c", str(config)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:3] == [
        "#3: missing: entry #3 missing (deleted)",
        "#6: reordered: holds the chain's entry #7 (entries reordered)",
        "#7: reordered: holds the chain's entry #6 (entries reordered)",
    ]
    assert "TAMPERED: 3 problem(s) in 8 entries" in result.output
