"""What `vgateway check-config` reports: every problem across files, or a summary of a network."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from vgateway.config.errors import ConfigIssue
from vgateway.config.loader import inspect_config
from vgateway.config.models import NetworkConfig, StreamRole


def check_config(
    paths: Sequence[Path],
    env: Mapping[str, str] | None = None,
    *,
    secrets_file: Path | None = None,
) -> list[ConfigIssue]:
    """All issues of all files (empty when every file loads)."""
    issues: list[ConfigIssue] = []
    for path in paths:
        issues += inspect_config(path, env=env, secrets_file=secrets_file)[1]
    return issues


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def summarize(config: NetworkConfig) -> str:
    """A few lines for operators: towns, cameras per town, streams. Holds no URLs."""
    roles = [role for camera in config.cameras for role in camera.streams]
    enabled = sum(1 for camera in config.cameras if camera.enabled)
    name = config.district + (f" ({config.district_en})" if config.district_en else "")
    lines = [
        f"{name}: {len(config.towns)} towns, {len(config.cameras)} cameras ({enabled} enabled), "
        f"{len(roles)} streams ({roles.count(StreamRole.main)} main, "
        f"{roles.count(StreamRole.sub)} sub)"
    ]
    name_width = max((_width(town.name) for town in config.towns), default=0)
    id_width = max((len(town.id) for town in config.towns), default=0)
    for town in config.towns:
        own = len(config.cameras_in_town(town.id))
        shared = len(config.cameras_visible_to_town(town.id)) - own
        lines.append(
            f"  {_pad(town.name, name_width)}  {town.id:<{id_width}}  {own:>3} cameras"
            + (f", +{shared} shared with it" if shared else "")
        )
    ingest, gateway = config.ingest, config.gateway
    lines.append(
        f"ingest: {ingest.transport}, stall {ingest.stall_timeout_s:g} s, backoff "
        f"{ingest.backoff_initial_s:g}-{ingest.backoff_max_s:g} s; "
        f"gateway: http://{gateway.host}:{gateway.port}"
    )
    return "\n".join(lines)
