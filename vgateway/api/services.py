"""The typed bundle of long-lived services that route handlers reach through the request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from vgateway.config import NetworkConfig
from vgateway.health.history import StateHistory
from vgateway.hub import Hub
from vgateway.ingest.manager import IngestManager


@dataclass(frozen=True)
class ComponentHealth:
    """A feature's own health for /api/health: level ok | warning | critical."""

    level: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Services:
    config: NetworkConfig
    engine: Engine
    hub: Hub
    ingest: IngestManager
    history: StateHistory
    # Components add their Prometheus collectors here at start; /metrics serves them all.
    collectors: list[Collector] = field(default_factory=list)
    # Components add a health check here at start (name -> check); /api/health reports them.
    health_checks: dict[str, Callable[[], ComponentHealth]] = field(default_factory=dict)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
