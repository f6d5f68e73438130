"""File-level directives: `extends` (layer this file over a base), `stream_url_template`
(point every camera stream somewhere else, e.g. at the simulator) and `secrets_file`.

They are removed from the tree before validation; positions keep naming the file that wrote
each value, so a problem inherited from a base file is reported in the base file.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from pathlib import Path

from vgateway.config.errors import ConfigIssue
from vgateway.config.yamlsource import SourceTree, read_yaml

DIRECTIVES = ("extends", "stream_url_template", "secrets_file")
TEMPLATE_FIELDS = frozenset({"camera_id", "stream", "town"})
_STREAM_ROLES = ("main", "sub")


@dataclass
class Resolved:
    """A file with its bases merged in, plus the secrets files the chain names (base first)."""

    tree: SourceTree
    secrets_files: list[tuple[Path, str]] = field(default_factory=list)


def resolve(
    path: Path, display: str, chain: tuple[Path, ...] = ()
) -> tuple[Resolved | None, list[ConfigIssue]]:
    """Read `path` and everything it extends. None when nothing usable could be read."""
    tree, issues = read_yaml(path, display)
    if tree is None:
        return None, issues
    if not isinstance(tree.data, dict):
        what = "file is empty" if tree.data is None else "the top level must be a mapping"
        issues.append(tree.issue((), f"{what} (expected keys district, towns, cameras, ...)"))
        return None, issues
    directives: dict[str, str] = {}
    for name in DIRECTIVES:
        value = tree.data.pop(name, None)
        if isinstance(value, str) and value.strip():
            directives[name] = value
        elif value is not None:
            issues.append(tree.issue((name,), "must be a non-empty string"))
    resolved = Resolved(tree)
    if "extends" in directives:
        base = _resolve_base(path, display, directives["extends"], tree, (*chain, path), issues)
        if base is None:
            return None, issues
        resolved = Resolved(_overlay(base.tree, tree), base.secrets_files)
    if "secrets_file" in directives:
        relative = directives["secrets_file"]
        resolved.secrets_files.append((path.parent / relative, _join(display, relative)))
    if "stream_url_template" in directives:
        issues.extend(_apply_template(resolved.tree, directives["stream_url_template"]))
    return resolved, issues


def _join(display: str, relative: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(display), relative))


def _resolve_base(
    path: Path,
    display: str,
    relative: str,
    tree: SourceTree,
    chain: tuple[Path, ...],
    issues: list[ConfigIssue],
) -> Resolved | None:
    base_path = path.parent / relative
    if not base_path.is_file():
        issues.append(tree.issue(("extends",), f"base file '{relative}' does not exist"))
        return None
    if any(base_path.resolve() == seen.resolve() for seen in chain):
        issues.append(tree.issue(("extends",), f"'{relative}' extends itself (a cycle)"))
        return None
    base, base_issues = resolve(base_path, _join(display, relative), chain)
    issues.extend(base_issues)
    return base


def _overlay(base: SourceTree, child: SourceTree) -> SourceTree:
    """Top-level keys of the child replace the base's whole sections."""
    replaced = set(child.data)
    data = {**base.data, **child.data}

    values = {p: loc for p, loc in base.values.items() if not (p and p[0] in replaced)}
    keys = {p: loc for p, loc in base.keys.items() if not (p and p[0] in replaced)}
    values.update(child.values)
    keys.update(child.keys)
    return SourceTree(data, values, keys)


def _template_problems(template: str) -> list[str]:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return ["unbalanced '{' or '}' (write {{ or }} for a literal brace)"]
    allowed = ", ".join("{" + name + "}" for name in sorted(TEMPLATE_FIELDS))
    return [
        f"unknown placeholder '{{{name}}}' (allowed: {allowed})"
        for name in fields
        if name not in TEMPLATE_FIELDS
    ]


def _apply_template(tree: SourceTree, template: str) -> list[ConfigIssue]:
    """Rewrite every camera's every stream URL; malformed cameras are left for validation."""
    problems = _template_problems(template)
    if problems:
        return [tree.issue(("stream_url_template",), problem) for problem in problems]
    where = tree.locate(("stream_url_template",))
    cameras = tree.data.get("cameras")
    for index, camera in enumerate(cameras if isinstance(cameras, list) else []):
        if not isinstance(camera, dict) or not isinstance(camera.get("streams"), dict):
            continue
        camera_id, town = camera.get("id"), camera.get("town")
        if not isinstance(camera_id, str) or not isinstance(town, str):
            continue
        for role, stream in camera["streams"].items():
            if role in _STREAM_ROLES and isinstance(stream, dict):
                stream["url"] = template.format(camera_id=camera_id, stream=role, town=town)
                if where is not None:
                    tree.values[("cameras", index, "streams", role, "url")] = where
    return []
