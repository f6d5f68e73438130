"""Analytics stats: per-camera achieved rate, drops and inferences, as JSON and Prometheus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from vgateway.analytics.service import AnalyticsService
from vgateway.auth.deps import ScopeDep, require
from vgateway.auth.principal import Action
from vgateway.events.service import EventService

router = APIRouter(tags=["analytics"])


def get_analytics(request: Request) -> AnalyticsService:
    service: AnalyticsService = request.app.state.analytics
    return service


def _events(request: Request) -> EventService | None:
    return getattr(request.app.state, "events", None)


Analytics = Annotated[AnalyticsService, Depends(get_analytics)]
Events = Annotated[EventService | None, Depends(_events)]


@router.get("/api/analytics/stats", summary="Per-camera analytics rates, drops, inferences")
def stats(service: Analytics, events: Events, scope: ScopeDep) -> dict[str, Any]:
    visible = scope.camera_ids()
    cameras = [c for c in service.stats() if c["camera_id"] in visible]
    return {
        "cameras": cameras,
        "analysed_fps": round(sum(float(str(c["fps_achieved"])) for c in cameras), 3),
        "detect_fps": round(sum(float(str(c["detect_fps"])) for c in cameras), 3),
        "shared": service.summary(),
        "event_latency_s": events.latency() if events is not None else None,
    }


class AnalyticsCollector(Collector):
    """Register on any Prometheus registry (the app's /metrics can add it in one line)."""

    def __init__(self, service: AnalyticsService, events: EventService | None = None) -> None:
        self._service = service
        self._events = events

    def collect(self) -> Iterator[Metric]:
        labels = ["camera"]
        fps = GaugeMetricFamily(
            "vgateway_analytics_fps", "analysed frames per second", labels=labels
        )
        target = GaugeMetricFamily(
            "vgateway_analytics_fps_target", "configured rate", labels=labels
        )
        gap = GaugeMetricFamily(
            "vgateway_analytics_max_gap_seconds",
            "longest gap between analysed frames, 60 s",
            labels=labels,
        )
        counters = {
            key: CounterMetricFamily(f"vgateway_analytics_{key}", help_text, labels=labels)
            for key, help_text in (
                ("analysed", "frames analysed"),
                ("dropped_frames", "due frames replaced by newer ones before analysis"),
                ("hub_dropped_packets", "packets the hub dropped for this slow consumer"),
                ("gated_frames", "frames with motion in a zone an object rule watches"),
                ("detect_requests", "frames sent to the detector"),
                ("detect_replaced", "detector requests replaced by a newer frame"),
                ("inferences", "object detector runs"),
                ("gated_detected", "frames with motion in a watched zone the detector answered"),
                ("lean_gops", "GOPs checked at their keyframe only, for want of CPU"),
                ("events", "events started"),
                ("decode_errors", "packets the decoder rejected"),
            )
        }
        for view in self._service.stats():
            camera = [str(view["camera_id"])]
            fps.add_metric(camera, float(str(view["fps_achieved"])))
            target.add_metric(camera, float(str(view["fps_target"])))
            if view["max_gap_s"] is not None:
                gap.add_metric(camera, float(str(view["max_gap_s"])))
            for key, family in counters.items():
                family.add_metric(camera, float(str(view[key])))
        yield from (fps, target, gap, *counters.values())
        yield from self._shared()
        if self._events is not None:
            latency = self._events.latency()
            summary = GaugeMetricFamily(
                "vgateway_event_latency_seconds", "capture to publish", labels=["quantile"]
            )
            for q in ("p50", "p95"):
                value = latency[q]
                if value is not None:
                    summary.add_metric([q], float(value))
            yield summary

    def _shared(self) -> Iterator[Metric]:
        summary = self._service.summary()
        stage = summary["inference"]
        assert isinstance(stage, dict)
        for key, name, help_text in (
            ("served", "served", "inference jobs run"),
            ("replaced", "replaced", "inference jobs replaced by a newer frame of the camera"),
            ("throttled_s", "throttled_seconds", "time the stage paused for the CPU budget"),
        ):
            yield CounterMetricFamily(
                f"vgateway_analytics_inference_{name}", help_text, value=float(str(stage[key]))
            )
        yield GaugeMetricFamily(
            "vgateway_analytics_inference_pending",
            "cameras waiting for the detector",
            value=float(str(stage["pending"])),
        )
        yield GaugeMetricFamily(
            "vgateway_analytics_cpu_budget_cores",
            "process CPU past which detection waits",
            value=float(str(stage["cpu_budget_cores"])),
        )
        yield GaugeMetricFamily(
            "vgateway_analytics_decode_share",
            "share of GOPs decoded past their keyframe (below 1: checks between keyframes are"
            " cut for want of CPU)",
            value=float(str(summary["decode_share"])),
        )
        longest = summary["pass_s_max"]
        if longest is not None:
            yield GaugeMetricFamily(
                "vgateway_analytics_pass_max_seconds",
                "longest pass over all cameras in the last minute (1 s or less: every camera"
                " checked at least once a second)",
                value=float(str(longest)),
            )


@router.get(
    "/metrics/analytics",
    summary="Analytics metrics (Prometheus)",
    response_class=Response,
    dependencies=[Depends(require(Action.view_metrics))],
)
def metrics(service: Analytics, events: Events) -> Response:
    registry = CollectorRegistry()
    registry.register(AnalyticsCollector(service, events))
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
