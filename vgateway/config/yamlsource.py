"""Read a YAML file into plain data while remembering the file, line and column of every part.

PyYAML's safe_load forgets positions and silently keeps the last of duplicate keys; composing the
node graph ourselves gives both: each value and each mapping key keeps its mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vgateway.config.errors import ConfigIssue, FieldPath, format_field

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Location:
    """A place in a file; line and column are 1-based."""

    file: str
    line: int
    column: int


@dataclass
class SourceTree:
    """Plain data (dicts, lists, scalars) plus where each value and mapping key was written."""

    data: Any
    values: dict[FieldPath, Location] = field(default_factory=dict)
    keys: dict[FieldPath, Location] = field(default_factory=dict)

    def locate(self, path: FieldPath, *, key: bool = False) -> Location | None:
        """Where `path` was written; falls back to its nearest ancestor that exists."""
        if key and path in self.keys:
            return self.keys[path]
        for size in range(len(path), -1, -1):
            found = self.values.get(path[:size])
            if found is not None:
                return found
        return None

    def issue(self, path: FieldPath, message: str, *, key: bool = False) -> ConfigIssue:
        where = self.locate(path, key=key)
        if where is None:
            return ConfigIssue("<unknown>", None, None, format_field(path), message)
        return ConfigIssue(where.file, where.line, where.column, format_field(path), message)


def read_yaml(path: Path, display: str) -> tuple[SourceTree | None, list[ConfigIssue]]:
    """Parse one file. None comes back when the file cannot be read or parsed at all."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [ConfigIssue(display, None, None, "", f"cannot read file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig")  # editors on Windows often save UTF-8 with a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = "file is not UTF-8 text (GBK and other encodings are not supported)"
        return None, [ConfigIssue(display, line, None, "", message)]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(display, exc)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors while parsing
        return None, [ConfigIssue(display, None, None, "", f"YAML error: {type(exc).__name__}")]
    if node is None:
        return SourceTree(None), []
    builder = _Builder(loader, display)
    data = builder.build(node, ())
    loader.dispose()
    return SourceTree(data, builder.values, builder.keys), builder.issues


def _syntax_issue(display: str, exc: yaml.MarkedYAMLError) -> ConfigIssue:
    # Built from the problem text only: str(exc) quotes the source line, which may hold a secret.
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    if context and exc.context_mark is not None and exc.context_mark is not mark:
        context += f" (from line {exc.context_mark.line + 1})"
    parts = [p for p in (context, exc.problem) if p]
    message = "YAML syntax error: " + ("; ".join(parts) or "cannot parse")
    if mark is None:
        return ConfigIssue(display, None, None, "", message)
    return ConfigIssue(display, mark.line + 1, mark.column + 1, "", message)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, display: str) -> None:
        self._loader = loader
        self._file = display
        self._active: set[int] = set()  # nodes being built: an alias back into one is a cycle
        self.values: dict[FieldPath, Location] = {}
        self.keys: dict[FieldPath, Location] = {}
        self.issues: list[ConfigIssue] = []

    def _where(self, node: Node) -> Location:
        return Location(self._file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _report(self, node: Node, path: FieldPath, message: str) -> None:
        where = self._where(node)
        self.issues.append(
            ConfigIssue(where.file, where.line, where.column, format_field(path), message)
        )

    def build(self, node: Node, path: FieldPath) -> Any:
        self.values[path] = self._where(node)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._active:
            self._report(node, path, "an alias refers to a node that contains it (recursive)")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _SEQ_TAG:
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == _MAP_TAG:
                return self._mapping(node, path)
            self._report(node, path, f"unsupported YAML tag '{node.tag}'")
            return None
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: ScalarNode, path: FieldPath) -> Any:
        try:
            return self._loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            self._report(node, path, f"cannot read value: {exc.problem}")
            return None

    def _mapping(self, node: MappingNode, path: FieldPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        # Merge keys (<<: *defaults) first, so the mapping's own keys override them.
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self._merge(value_node, path, result)
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                self._report(key_node, path, "mapping keys must be plain names")
                continue
            # Keys are names, taken as written: `on:` stays "on" instead of YAML 1.1's True.
            key = str(key_node.value)
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                message = f"duplicate key '{key}' (first at line {first})"
                self._report(key_node, (*path, key), message)
                continue
            first_seen[key] = key_node
            self.keys[(*path, key)] = self._where(key_node)
            result[key] = self.build(value_node, (*path, key))
        self.values[path] = self._where(node)  # building merge sources recorded theirs here
        return result

    def _merge(self, value_node: Node, path: FieldPath, into: dict[str, Any]) -> None:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self.build(source, path) if isinstance(source, MappingNode) else None
            if not isinstance(merged, dict):
                self._report(source, path, "'<<' must merge a mapping or a list of mappings")
                continue
            for key, value in merged.items():
                into.setdefault(key, value)
