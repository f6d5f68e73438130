"""`extends`, `stream_url_template` and their problems, reported in the file that holds them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vgateway.config import ConfigError, load_config

Write = Callable[[str, str], Path]
Edit = Callable[[str, dict[int, str]], str]

OVERLAY = """\
extends: base/net.yaml
gateway:
  port: 9090
stream_url_template: "rtsp://127.0.0.1:8554/{camera_id}/{stream}?town={town}"
"""


def test_extends_replaces_sections_and_template_rewrites_urls(
    write: Write, valid_yaml: str
) -> None:
    write("base/net.yaml", "gateway: {port: 7000, log_level: DEBUG}\n" + valid_yaml)
    config = load_config(write("demo.yaml", OVERLAY), env={})  # template removes every ${CAM_PW}
    assert config.gateway.port == 9090
    assert config.gateway.log_level == "INFO"  # the whole gateway section was replaced
    assert config.district == "测试区"
    cam1, cam2 = config.cameras
    assert {role: s.url for role, s in cam1.streams.items()} == {
        "main": "rtsp://127.0.0.1:8554/cam001/main?town=alpha",
        "sub": "rtsp://127.0.0.1:8554/cam001/sub?town=alpha",
    }
    assert list(cam2.streams) == ["main"]  # only main in the base: only main here


def test_base_issues_name_the_base_file(write: Write, valid_yaml: str, edit: Edit) -> None:
    base = write(
        "base/net.yaml", edit(valid_yaml, {17: "    area_type: crossroad\n    colour: red"})
    )
    with pytest.raises(ConfigError) as caught:
        load_config(write("demo.yaml", OVERLAY + "district: [oops]\n"), env={})
    demo = base.parent.parent / "demo.yaml"
    issues = {(i.file, i.line, i.field) for i in caught.value.issues}
    assert issues == {(str(base), 18, "cameras[0].colour"), (str(demo), 5, "district")}


def test_template_problems(write: Write, valid_yaml: str) -> None:
    write("base/net.yaml", valid_yaml)
    text = OVERLAY.replace("?town={town}", "/{channel}")
    with pytest.raises(ConfigError) as caught:
        load_config(write("demo.yaml", text), env={})
    # The template could not be applied, so the base's own URL variables are reported as well.
    issue = next(i for i in caught.value.issues if i.field == "stream_url_template")
    assert issue.line == 4 and issue.file.endswith("demo.yaml")
    assert "unknown placeholder '{channel}'" in issue.message


def test_unresolved_base_variables_are_reported_without_template(
    write: Write, valid_yaml: str
) -> None:
    base = write("base/net.yaml", valid_yaml)
    with pytest.raises(ConfigError) as caught:
        load_config(write("layer.yaml", "extends: base/net.yaml\n"), env={})
    (issue,) = caught.value.issues
    assert (issue.file, issue.line) == (str(base), 20)
    assert "'CAM_PW' is not set" in issue.message


def test_extends_missing_or_cyclic(write: Write) -> None:
    path = write("a.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(ConfigError, match=r"a.yaml:1:10: extends: base file 'nowhere.yaml'"):
        load_config(path, env={})
    write("b.yaml", "extends: c.yaml\n")
    path = write("c.yaml", "extends: b.yaml\n")
    with pytest.raises(ConfigError, match="a cycle"):
        load_config(path, env={})


def test_directive_must_be_a_string(write: Write, valid_yaml: str) -> None:
    path = write("net.yaml", "stream_url_template: [a]\n" + valid_yaml)
    with pytest.raises(
        ConfigError, match=r"net.yaml:1:\d+: stream_url_template: must be a non-empty"
    ):
        load_config(path, env={"CAM_PW": "x"})


def test_misspelt_directive_gets_a_hint(write: Write, valid_yaml: str) -> None:
    path = write("net.yaml", "extend: base.yaml\n" + valid_yaml)
    with pytest.raises(
        ConfigError, match=r"net.yaml:1:1: extend: unknown key 'extend' \(did you mean 'extends'"
    ):
        load_config(path, env={"CAM_PW": "x"})
