"""check_config over several files and the summary shown by `vgateway check-config`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vgateway.config import check_config, load_config, summarize

Write = Callable[[str, str], Path]
Edit = Callable[[str, dict[int, str]], str]


def test_check_config_returns_issues_of_every_file(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str], tmp_path: Path
) -> None:
    good = write("good.yaml", valid_yaml)
    bad_town = write("bad1.yaml", edit(valid_yaml, {25: "    town: gamma"}))
    bad_syntax = write("bad2.yaml", "district: [\n")
    issues = check_config([good, bad_town, tmp_path / "absent.yaml", bad_syntax], env=env)
    assert [(i.file, i.line) for i in issues] == [
        (str(bad_town), 25),
        (str(tmp_path / "absent.yaml"), None),
        (str(bad_syntax), 2),
    ]
    assert check_config([good], env=env) == []


def test_summarize(write: Write, valid_yaml: str, env: dict[str, str], password: str) -> None:
    text = summarize(load_config(write("net.yaml", valid_yaml), env=env))
    lines = text.splitlines()
    assert lines[0] == "测试区: 2 towns, 2 cameras (2 enabled), 3 streams (2 main, 1 sub)"
    assert lines[1].split() == ["甲街道", "alpha", "1", "cameras"]
    assert lines[2].split() == ["乙镇", "beta", "1", "cameras,", "+1", "shared", "with", "it"]
    assert password not in text and "rtsp://" not in text
