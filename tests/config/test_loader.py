"""load_config end to end on small files: every problem reported with file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vgateway.config import ConfigError, ConfigIssue, load_config

Write = Callable[[str, str], Path]
Edit = Callable[[str, dict[int, str]], str]


def issues_of(path: Path, env: dict[str, str], **kwargs: object) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env, **kwargs)  # type: ignore[arg-type]
    return caught.value.issues


def only(issues: list[ConfigIssue]) -> ConfigIssue:
    assert len(issues) == 1, "\n".join(map(str, issues))
    return issues[0]


def test_valid_file_loads(
    write: Write, valid_yaml: str, env: dict[str, str], password: str
) -> None:
    config = load_config(write("net.yaml", valid_yaml), env=env)
    assert [c.id for c in config.cameras] == ["cam001", "cam002"]
    assert config.camera("cam001").streams["main"].url.startswith(f"rtsp://admin:{password}@")
    assert [c.id for c in config.cameras_visible_to_town("beta")] == ["cam001", "cam002"]
    assert [c.id for c in config.cameras_visible_to_town("alpha")] == ["cam001"]


def test_unknown_key(write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]) -> None:
    path = write("net.yaml", edit(valid_yaml, {22: "    shared_whith: [beta]"}))
    issue = only(issues_of(path, env))
    assert (issue.file, issue.line, issue.column) == (str(path), 22, 5)
    assert issue.field == "cameras[0].shared_whith"
    assert "unknown key 'shared_whith'" in issue.message
    assert "did you mean 'shared_with'" in issue.message


def test_duplicate_camera_id(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("net.yaml", edit(valid_yaml, {23: "  - id: cam001"}))
    issue = only(issues_of(path, env))
    assert (issue.line, issue.column, issue.field) == (23, 9, "cameras[1].id")
    assert "duplicate camera id 'cam001'" in issue.message


def test_malformed_url(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str], password: str
) -> None:
    path = write(
        "net.yaml", edit(valid_yaml, {32: '        url: "http://admin:${CAM_PW}@10.0.0.2/x"'})
    )
    issue = only(issues_of(path, env))
    assert (issue.line, issue.field) == (32, "cameras[1].streams.main.url")
    assert "rtsp://" in issue.message
    assert password not in str(issue)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ('"rtsp:///no/host"', "no host"),
        ('"rtsp://admin:${CAM_PW}@10.0.0.2:99999/x"', "not a valid URL"),
        ('"10.0.0.2/x"', "rtsp://"),
    ],
)
def test_url_faults_are_named(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str], url: str, words: str
) -> None:
    path = write("net.yaml", edit(valid_yaml, {32: f"        url: {url}"}))
    issue = only(issues_of(path, env))
    assert issue.line == 32 and words in issue.message


def test_wrong_type(write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]) -> None:
    path = write("net.yaml", edit(valid_yaml, {29: "    coordinates: {lat: north, lon: 120.21}"}))
    issue = only(issues_of(path, env))
    assert (issue.line, issue.column, issue.field) == (29, 24, "cameras[1].coordinates.lat")
    assert "number" in issue.message


def test_missing_key_points_at_its_mapping(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("net.yaml", edit(valid_yaml, {26: "    # department removed"}))
    issue = only(issues_of(path, env))
    assert (issue.line, issue.field) == (23, "cameras[1].department")
    assert "required key 'department' is missing" in issue.message


def test_duplicate_yaml_key(write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]) -> None:
    path = write("net.yaml", edit(valid_yaml, {17: "    area_type: crossroad\n    town: beta"}))
    issue = only(issues_of(path, env))
    assert (issue.line, issue.column, issue.field) == (18, 5, "cameras[0].town")
    assert "duplicate key 'town' (first at line 14)" in issue.message


def test_yaml_syntax_error(write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]) -> None:
    path = write("net.yaml", edit(valid_yaml, {22: "    shared_with: [beta"}))
    issue = only(issues_of(path, env))
    assert issue.file == str(path) and issue.line in (22, 23)
    assert issue.message.startswith("YAML syntax error")
    assert "line 22" in issue.message or issue.line == 22


def test_unset_env_var(write: Write, valid_yaml: str) -> None:
    path = write("net.yaml", valid_yaml)
    issue = only(issues_of(path, {}))
    assert (issue.line, issue.column, issue.field) == (20, 19, "cameras[0].streams.main.url")
    assert "'CAM_PW' is not set" in issue.message and "used 3 times" in issue.message


def test_unknown_town_in_shared_with(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("net.yaml", edit(valid_yaml, {22: "    shared_with: [beta, gamma, alpha]"}))
    issues = issues_of(path, env)
    assert [(i.line, i.field) for i in issues] == [
        (22, "cameras[0].shared_with[1]"),
        (22, "cameras[0].shared_with[2]"),
    ]
    assert "unknown town 'gamma'" in issues[0].message
    assert "own town" in issues[1].message


def test_unknown_camera_town(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("net.yaml", edit(valid_yaml, {25: "    town: betta"}))
    issue = only(issues_of(path, env))
    assert (issue.line, issue.field) == (25, "cameras[1].town")
    assert "did you mean 'beta'" in issue.message


def test_all_problems_reported_at_once(
    write: Write, valid_yaml: str, edit: Edit, password: str
) -> None:
    broken = edit(
        valid_yaml,
        {
            6: "    kind: 村",
            10: "    kind: 镇\n    population: 12000",
            18: "    coordinates: {lat: 130.3, lon: 120.2}",
            21: '      sub: {url: "udp://10.0.0.1/x", transport: quic}',
            23: "  - id: cam001",
            32: '        url: "rtsp://admin:${CAM_PW}@10.0.0.2:554/x"\n'
            "        always_on: sometimes",
        },
    )
    path = write("net.yaml", broken)
    issues = issues_of(path, {"CAM_PW": password})
    found = {(i.line, i.field) for i in issues}
    assert found == {
        (6, "towns[0].kind"),
        (11, "towns[1].population"),
        (19, "cameras[0].coordinates.lat"),  # line 10 became two lines
        (22, "cameras[0].streams.sub.url"),
        (22, "cameras[0].streams.sub.transport"),
        (24, "cameras[1].id"),
        (34, "cameras[1].streams.main.always_on"),
    }, "\n".join(map(str, issues))
    assert [i.line for i in issues] == sorted(i.line or 0 for i in issues)


def test_issue_string_format(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("camera_configs/net.yaml", edit(valid_yaml, {25: "    town: gamma"}))
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env)
    assert str(caught.value) == (
        f"{path}:25:11: cameras[1].town: unknown town 'gamma' (not in towns)"
    )


def test_missing_and_empty_files(write: Write, tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path / "absent.yaml", {}))
    assert issue.line is None and "cannot read file" in issue.message
    issue = only(issues_of(write("empty.yaml", "# nothing\n"), {}))
    assert "file is empty" in issue.message
    issue = only(issues_of(write("list.yaml", "- a\n- b\n"), {}))
    assert (issue.line, "top level must be a mapping") == (1, "top level must be a mapping")


def test_secrets_file_argument_and_directive(
    write: Write, valid_yaml: str, tmp_path: Path, password: str
) -> None:
    write("secrets/cams.env", f"# camera passwords\nexport CAM_PW='{password}'\n")
    path = write("net.yaml", "secrets_file: secrets/cams.env\n" + valid_yaml)
    config = load_config(path, env={})
    assert password in config.camera("cam002").streams["main"].url

    override = write("other.env", "CAM_PW=from-file\n")
    config = load_config(
        write("plain.yaml", valid_yaml), env={"CAM_PW": "env"}, secrets_file=override
    )
    assert "admin:from-file@" in config.camera("cam001").streams["main"].url


def test_missing_secrets_file_is_an_issue(
    write: Write, valid_yaml: str, env: dict[str, str]
) -> None:
    path = write("net.yaml", "secrets_file: nowhere.env\n" + valid_yaml)
    issue = only(issues_of(path, env))
    assert issue.file.endswith("nowhere.env") and "cannot read secrets file" in issue.message


def test_escaped_dollar_brace(
    write: Write, valid_yaml: str, edit: Edit, env: dict[str, str]
) -> None:
    path = write("net.yaml", edit(valid_yaml, {16: "    location: 甲街道$${路口}"}))
    assert load_config(path, env=env).camera("cam001").location == "甲街道${路口}"


def test_password_never_in_issues(write: Write, valid_yaml: str, edit: Edit, password: str) -> None:
    # Every camera URL holds the password after substitution; break everything around it.
    broken = edit(
        valid_yaml,
        {
            20: f'      main: {{url: "http://admin:{password}@10.0.0.1/x", extra: 1}}',
            21: f'      sub: {{url: "rtsp://admin:{password}@10.0.0.1:0/x"}}',
            32: '        url: "rtsp://admin:${CAM_PW}@[10.0.0.2:554/x"',
        },
    )
    path = write("net.yaml", broken)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"CAM_PW": password})
    error = caught.value
    assert len(error.issues) == 4, str(error)
    texts = [
        str(error),
        repr(error),
        *(repr(i) for i in error.issues),
        *(str(i) for i in error.issues),
    ]
    assert not [t for t in texts if password in t]
