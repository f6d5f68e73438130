"""${VAR} substitution and KEY=value secrets files."""

from __future__ import annotations

from pathlib import Path

from vgateway.config.secrets import build_lookup, read_secrets_file, substitute


def test_substitute() -> None:
    lookup = {"PW": "p@ss", "USER": "admin"}
    assert substitute("rtsp://${USER}:${PW}@h/x", lookup) == ("rtsp://admin:p@ss@h/x", [], [])
    assert substitute("cost $5, literal $${PW}", lookup) == ("cost $5, literal ${PW}", [], [])
    assert substitute("${NOPE} and ${NOPE}", lookup)[1] == ["NOPE", "NOPE"]
    text, missing, malformed = substitute("${} ${1X} ${open", lookup)
    assert text == "${} ${1X} ${open" and missing == [] and len(malformed) == 3


def test_secrets_file(tmp_path: Path) -> None:
    path = tmp_path / "s.env"
    path.write_text(
        "# comment\n\nA=1\nexport B = 'two words'\nC=\"x=y\"\nthis line is wrong hunter2\nD=\n"
    )
    values, issues = read_secrets_file(path, "s.env")
    assert values == {"A": "1", "B": "two words", "C": "x=y", "D": ""}
    assert [str(i) for i in issues] == ["s.env:6:1: expected a KEY=value line"]


def test_lookup_precedence(tmp_path: Path) -> None:
    first, second = tmp_path / "1.env", tmp_path / "2.env"
    first.write_text("A=file1\nB=file1\n")
    second.write_text("B=file2\n")
    lookup, issues = build_lookup({"A": "env", "C": "env"}, [(first, "1"), (second, "2")])
    assert issues == []
    assert lookup == {"A": "file1", "B": "file2", "C": "env"}
