"""Typed configuration of the district camera network and its loader.

Owns: the YAML format under camera_configs/ (towns, cameras, streams, gateway and ingest
settings), its validation, `extends`/`stream_url_template`/`secrets_file` directives and
${VAR} secret substitution.
Consumes: a YAML path, the environment and optional KEY=value secrets files.
Emits: an immutable NetworkConfig, or a ConfigError whose ConfigIssues name file:line:column
and field for every problem at once; never a camera password.
"""

from vgateway.config.check import check_config, summarize
from vgateway.config.errors import ConfigError, ConfigIssue
from vgateway.config.loader import inspect_config, load_config
from vgateway.config.models import (
    Camera,
    Coordinates,
    GatewaySettings,
    IngestSettings,
    NetworkConfig,
    StreamConfig,
    StreamRole,
    Town,
    Transport,
)

__all__ = [
    "Camera",
    "ConfigError",
    "ConfigIssue",
    "Coordinates",
    "GatewaySettings",
    "IngestSettings",
    "NetworkConfig",
    "StreamConfig",
    "StreamRole",
    "Town",
    "Transport",
    "check_config",
    "inspect_config",
    "load_config",
    "summarize",
]
