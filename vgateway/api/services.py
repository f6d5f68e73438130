"""The typed bundle of long-lived services that route handlers reach through the request."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine

from vgateway.config import NetworkConfig
from vgateway.health.history import StateHistory
from vgateway.hub import Hub
from vgateway.ingest.manager import IngestManager


@dataclass
class Services:
    config: NetworkConfig
    engine: Engine
    hub: Hub
    ingest: IngestManager
    history: StateHistory


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
