"""Load a camera-network YAML file into a NetworkConfig, collecting every problem at once.

Steps: read YAML with positions -> merge `extends` bases and apply `stream_url_template` ->
substitute ${VAR}s -> cross-check ids and towns -> validate with pydantic -> map errors to lines.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from vgateway.config.consistency import find_inconsistencies, refs_from_raw
from vgateway.config.errors import ConfigError, ConfigIssue
from vgateway.config.models import SKIP_CROSS_CHECKS, NetworkConfig
from vgateway.config.resolve import resolve
from vgateway.config.secrets import build_lookup, substitute_tree
from vgateway.config.validation import validation_issues


def load_config(
    path: Path,
    *,
    env: Mapping[str, str] | None = None,
    secrets_file: Path | None = None,
) -> NetworkConfig:
    """Load and validate a configuration file; raises ConfigError listing every problem.

    `env` defaults to os.environ; `secrets_file` (KEY=value lines) overrides both the
    environment and any `secrets_file:` named in the YAML.
    """
    config, issues = inspect_config(path, env=env, secrets_file=secrets_file)
    if config is None:
        raise ConfigError(issues)
    return config


def inspect_config(
    path: Path,
    *,
    env: Mapping[str, str] | None = None,
    secrets_file: Path | None = None,
) -> tuple[NetworkConfig | None, list[ConfigIssue]]:
    """Like load_config, but returns (config or None, issues) instead of raising."""
    resolved, issues = resolve(path, str(path))
    if resolved is None:
        return None, _ordered(issues)
    tree = resolved.tree
    files = list(resolved.secrets_files)
    if secrets_file is not None:
        files.append((secrets_file, str(secrets_file)))
    lookup, lookup_issues = build_lookup(os.environ if env is None else env, files)
    issues += lookup_issues
    issues += substitute_tree(tree, lookup)
    town_ids, cameras = refs_from_raw(tree.data)
    issues += [tree.issue(loc, message) for loc, message in find_inconsistencies(town_ids, cameras)]
    config: NetworkConfig | None = None
    try:
        config = NetworkConfig.model_validate(tree.data, context={SKIP_CROSS_CHECKS: True})
    except ValidationError as exc:
        issues += validation_issues(exc, tree, NetworkConfig)
    if issues:
        return None, _ordered(issues)
    return config, []


def _ordered(issues: list[ConfigIssue]) -> list[ConfigIssue]:
    return sorted(dict.fromkeys(issues), key=ConfigIssue.sort_key)
