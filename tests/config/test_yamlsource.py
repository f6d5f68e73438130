"""Reading YAML with positions: marks, duplicate keys, syntax errors, merges, encodings."""

from __future__ import annotations

from pathlib import Path

from vgateway.config.yamlsource import Location, read_yaml


def read(tmp_path: Path, text: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "f.yaml"
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    tree, issues = read_yaml(path, "f.yaml")
    return (tree.data if tree else None), [str(i) for i in issues]


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a:\n  - x: 1\n    y: [2, 3]\n")
    tree, issues = read_yaml(path, "f.yaml")
    assert tree is not None and issues == []
    assert tree.values[("a", 0, "y", 1)] == Location("f.yaml", 3, 12)
    assert tree.keys[("a", 0, "y")] == Location("f.yaml", 3, 5)
    assert tree.locate(("a", 0, "z", "deeper")) == Location("f.yaml", 2, 5)


def test_keys_are_taken_as_written(tmp_path: Path) -> None:
    assert read(tmp_path, "on: yes\n1: x\n") == ({"on": True, "1": "x"}, [])


def test_duplicate_keys_reported(tmp_path: Path) -> None:
    data, issues = read(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert data == {"a": 1, "b": {"c": 1}}
    assert issues == ["f.yaml:4:3: b.c: duplicate key 'c' (first at line 3)"]


def test_merge_keys_give_defaults(tmp_path: Path) -> None:
    text = "base: &d {x: 1, y: 2}\nuse:\n  <<: *d\n  y: 3\n"
    data, issues = read(tmp_path, text)
    assert data == {"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 3}}
    assert issues == []


def test_syntax_error_has_line(tmp_path: Path) -> None:
    data, issues = read(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert data is None
    assert len(issues) == 1 and issues[0].startswith("f.yaml:3:")
    assert "from line 2" in issues[0]


def test_syntax_error_does_not_quote_the_line(tmp_path: Path) -> None:
    _, issues = read(tmp_path, 'url: "rtsp://admin:hunter2@h/x\n  bad: [\n')
    assert issues and all("hunter2" not in i for i in issues)


def test_several_documents_and_tags(tmp_path: Path) -> None:
    _, issues = read(tmp_path, "a: 1\n---\nb: 2\n")
    assert issues[0].startswith("f.yaml:2:1: YAML syntax error")
    _, issues = read(tmp_path, "a: !!python/object:os.system x\nb: !!set {x}\n")
    assert [i.split(": ")[0] for i in issues] == ["f.yaml:1:4", "f.yaml:2:4"]


def test_recursive_alias(tmp_path: Path) -> None:
    _, issues = read(tmp_path, "a: &x [*x]\n")
    assert issues == ["f.yaml:1:4: a[0]: an alias refers to a node that contains it (recursive)"]


def test_encodings(tmp_path: Path) -> None:
    assert read(tmp_path, "\ufeffname: 城关街道\n".encode()) == ({"name": "城关街道"}, [])
    data, issues = read(tmp_path, "a: 1\nname: 城关街道\n".encode("gbk"))
    assert data is None and issues == [
        "f.yaml:2: file is not UTF-8 text (GBK and other encodings are not supported)"
    ]
