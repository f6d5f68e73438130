"""Prometheus metrics, read from health at scrape time (nothing on the packet path)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from vgateway.api.services import Services, get_services
from vgateway.auth.deps import require
from vgateway.auth.principal import Action
from vgateway.health import CameraState

router = APIRouter(tags=["metrics"])


class HealthCollector(Collector):
    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[Metric]:
        labels = ["camera", "stream", "town"]
        state = GaugeMetricFamily(
            "vgateway_stream_state", "1 for the stream's current state", labels=[*labels, "state"]
        )
        fps = GaugeMetricFamily("vgateway_stream_fps", "packets per second", labels=labels)
        bitrate = GaugeMetricFamily("vgateway_stream_bitrate_bps", "bits per second", labels=labels)
        reconnects = CounterMetricFamily(
            "vgateway_stream_reconnects", "upstream reconnections", labels=labels
        )
        received = CounterMetricFamily(
            "vgateway_stream_received_bytes", "bytes received", labels=labels
        )
        subscribers = GaugeMetricFamily(
            "vgateway_stream_subscribers", "hub subscribers", labels=labels
        )
        towns = {c.id: c.town for c in self._services.config.cameras}
        for key, health in self._services.ingest.health.items():
            view = health.view()
            values = [key.camera_id, key.role, towns.get(key.camera_id, "")]
            for candidate in CameraState:
                state.add_metric([*values, candidate.value], float(view.state == candidate))
            fps.add_metric(values, view.fps)
            bitrate.add_metric(values, view.bitrate_bps)
            reconnects.add_metric(values, view.reconnects)
            received.add_metric(values, view.bytes)
            stream = self._services.hub.get(*key)
            subscribers.add_metric(values, stream.subscriber_count if stream else 0)
        yield from (state, fps, bitrate, reconnects, received, subscribers)


@router.get(
    "/metrics",
    summary="Prometheus metrics (admin, district officer, or an API token of one)",
    response_class=Response,
    dependencies=[Depends(require(Action.view_metrics))],
)
def metrics(services: Services = Depends(get_services)) -> Response:  # noqa: B008
    registry = CollectorRegistry()
    registry.register(HealthCollector(services))
    for collector in services.collectors:
        registry.register(collector)
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
