"""Load and check a rules file, reporting every problem as file:line:field."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from detectors import DetectorConfigError, Registry, default_registry
from vgateway.analytics.rules import RULE_TYPES, DetectorSpec, RulesFile
from vgateway.config.errors import ConfigError, ConfigIssue, FieldPath
from vgateway.config.yamlsource import SourceTree, read_yaml

_PATH_OPTIONS = ("model", "detector_model", "recognizer_model", "char_dict")


class RulesError(ConfigError):
    """A rules file could not be loaded; carries every problem found."""


def detector_options(spec: DetectorSpec, base_dir: Path) -> dict[str, Any]:
    """The spec's options with relative model paths anchored at `base_dir`."""
    options = spec.options()
    for key in _PATH_OPTIONS:
        value = options.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            options[key] = str(base_dir / value)
    return options


_RULE_REF = re.compile(r"rule '([^']+)': unknown (zone|line)")


def _loc(loc: tuple[Any, ...], message: str, data: Any) -> FieldPath:
    # Discriminated unions add the rule type to the error path; operators never wrote it.
    path = tuple(part for part in loc if not (isinstance(part, str) and part in RULE_TYPES))
    found = _RULE_REF.search(message)
    if found and len(path) == 2 and isinstance(data, dict):
        # A camera-level check about one rule: point at that rule's zone/line line.
        rules = (data.get("cameras") or {}).get(path[1], {}).get("rules") or []
        for index, rule in enumerate(rules):
            if isinstance(rule, dict) and rule.get("id") == found.group(1):
                return (*path, "rules", index, found.group(2))
    return path


def _cross_checks(
    tree: SourceTree,
    rules: RulesFile,
    camera_ids: Collection[str] | None,
    registry: Registry,
    base_dir: Path,
) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    try:
        ZoneInfo(rules.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        issues.append(tree.issue(("timezone",), f"unknown time zone {rules.timezone!r}"))
    for name, spec in rules.detectors.items():
        try:
            registry.validate(spec.type, detector_options(spec, base_dir))
        except DetectorConfigError as exc:
            issues.append(tree.issue(("detectors", name), str(exc)))
    for camera_id, camera in rules.cameras.items():
        if camera_ids is not None and camera_id not in camera_ids:
            issues.append(
                tree.issue(("cameras", camera_id), f"unknown camera id {camera_id!r}", key=True)
            )
        for index, rule in enumerate(camera.rules):
            name = getattr(rule, "detector", "default")
            try:
                rules.detector(name)
            except KeyError:
                known = ", ".join(sorted({"default", *rules.detectors}))
                path = ("cameras", camera_id, "rules", index, "detector")
                issues.append(tree.issue(path, f"unknown detector {name!r} (known: {known})"))
    return issues


def load_rules(
    path: Path,
    *,
    camera_ids: Collection[str] | None = None,
    registry: Registry | None = None,
    base_dir: Path | None = None,
) -> RulesFile:
    """Parse, validate and cross-check a rules file; raises RulesError listing every problem."""
    tree, issues = read_yaml(path, str(path))
    if tree is None or issues:
        raise RulesError(issues)
    try:
        rules = RulesFile.model_validate(tree.data if tree.data is not None else {})
    except ValidationError as exc:
        raise RulesError(
            sorted(
                (
                    tree.issue(_loc(tuple(e["loc"]), e["msg"], tree.data), e["msg"])
                    for e in exc.errors()
                ),
                key=ConfigIssue.sort_key,
            )
        ) from None
    problems = _cross_checks(
        tree, rules, camera_ids, registry or default_registry(), base_dir or Path.cwd()
    )
    if problems:
        raise RulesError(problems)
    return rules
