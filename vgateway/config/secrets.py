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
_MALFORMED = "malformed ${...} reference (write ${NAME}, or $${ for a literal '${')"


def substitute(text: str, lookup: Mapping[str, str]) -> tuple[str, list[str], list[str]]:
    """Replace references in one string: (result, unset variable names, malformed-use messages)."""
    missing: list[str] = []
    malformed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        name = match.group(1)
        if name is None or not _NAME.fullmatch(name):
            malformed.append(_MALFORMED)
            return token
        if name not in lookup:
            missing.append(name)
            return token
        return lookup[name]

    return _REFERENCE.sub(replace, text), missing, malformed


def substitute_tree(tree: SourceTree, lookup: Mapping[str, str]) -> list[ConfigIssue]:
    """Substitute every string value of the tree in place.

    An unset variable is one issue at its first use (with a count), not one per camera:
    a missing department password would otherwise bury everything else under 90 lines.
    """
    issues: list[ConfigIssue] = []
    unset: dict[str, tuple[FieldPath, int]] = {}

    def walk(value: Any, path: FieldPath) -> Any:
        if isinstance(value, str):
            result, missing, malformed = substitute(value, lookup)
            issues.extend(tree.issue(path, problem) for problem in malformed)
            for name in missing:
                first, count = unset.get(name, (path, 0))
                unset[name] = (first, count + 1)
            return result
        if isinstance(value, dict):
            for key in value:
                value[key] = walk(value[key], (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                value[index] = walk(item, (*path, index))
        return value

    tree.data = walk(tree.data, ())
    for name, (path, count) in unset.items():
        uses = f"; used {count} times, first here" if count > 1 else ""
        message = (
            f"environment variable '{name}' is not set{uses} "
            "(export it or add it to the secrets file)"
        )
        issues.append(tree.issue(path, message))
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
