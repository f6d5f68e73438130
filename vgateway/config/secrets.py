"""${VAR} substitution in configuration strings, from the environment and KEY=value secrets files.

Camera passwords live outside the YAML; messages name the variable, never its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from vgateway.config.errors import ConfigIssue, FieldPath
from vgateway.config.yamlsource import SourceTree

# `$${` is an escaped literal `${`; `${NAME}` a reference; any other `${` is malformed.
_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(text: str, lookup: Mapping[str, str]) -> tuple[str, list[str]]:
    """Replace references in one string; returns the result and its problems (no values)."""
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        name = match.group(1)
        if name is None or not _NAME.fullmatch(name):
            problems.append("malformed ${...} reference (write ${NAME}, or $${ for a literal '${')")
            return token
        if name not in lookup:
            problems.append(
                f"environment variable '{name}' is not set "
                "(export it or put it in the secrets file)"
            )
            return token
        return lookup[name]

    return _REFERENCE.sub(replace, text), problems


def substitute_tree(tree: SourceTree, lookup: Mapping[str, str]) -> list[ConfigIssue]:
    """Substitute every string value of the tree in place; one issue per unresolved reference."""
    issues: list[ConfigIssue] = []

    def walk(value: Any, path: FieldPath) -> Any:
        if isinstance(value, str):
            result, problems = substitute(value, lookup)
            issues.extend(tree.issue(path, problem) for problem in problems)
            return result
        if isinstance(value, dict):
            for key in value:
                value[key] = walk(value[key], (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                value[index] = walk(item, (*path, index))
        return value

    tree.data = walk(tree.data, ())
    return issues


def read_secrets_file(path: Path, display: str) -> tuple[dict[str, str], list[ConfigIssue]]:
    """Parse KEY=value lines; blank lines and # comments are skipped, `export ` is allowed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "file is not UTF-8 text"
        return {}, [ConfigIssue(display, None, None, "", f"cannot read secrets file: {reason}")]
    values: dict[str, str] = {}
    issues: list[ConfigIssue] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not _NAME.fullmatch(key):
            # Never quote the line: it is probably a password.
            issues.append(ConfigIssue(display, number, 1, "", "expected a KEY=value line"))
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values, issues


def build_lookup(
    env: Mapping[str, str], secrets_files: Iterable[tuple[Path, str]]
) -> tuple[dict[str, str], list[ConfigIssue]]:
    """The environment overlaid by each secrets file in turn (later files win)."""
    lookup = dict(env)
    issues: list[ConfigIssue] = []
    for path, display in secrets_files:
        values, problems = read_secrets_file(path, display)
        lookup.update(values)
        issues.extend(problems)
    return lookup, issues
