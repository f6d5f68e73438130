"""Prometheus gauges of recording, read from the service at scrape time.

Served at /metrics/recording by this package's router; the collector can also be registered
into the gateway's main /metrics registry (one line in vgateway/api/metrics.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from vgateway.auth.deps import require
from vgateway.auth.principal import Action
from vgateway.recording.service import RecordingService

router = APIRouter(tags=["metrics"])
LEVELS = ("ok", "warning", "critical")


class RecordingCollector(Collector):
    def __init__(self, service: RecordingService) -> None:
        self._service = service

    def collect(self) -> Iterator[Metric]:
        service = self._service
        last = service.last
        if last is None:
            return
        disk = last.disk
        yield _gauge(
            "vgateway_recording_disk_total_bytes",
            "size of the recordings file system",
            disk.fs_total_bytes,
        )
        yield _gauge("vgateway_recording_disk_free_bytes", "free space on it", disk.fs_free_bytes)
        yield _gauge(
            "vgateway_recording_bytes", "bytes of segments and clips", disk.recordings_bytes
        )
        if disk.quota_bytes is not None:
            yield _gauge(
                "vgateway_recording_quota_bytes", "configured disk quota", disk.quota_bytes
            )
        level = GaugeMetricFamily(
            "vgateway_recording_disk_level",
            "1 for the current disk level (warning: nearly full; critical: full or over quota)",
            labels=["level"],
        )
        for name in LEVELS:
            level.add_metric([name], float(disk.level == name))
        yield level
        yield _gauge(
            "vgateway_recording_clip_jobs_running",
            "clip jobs waiting or writing",
            len(service.clips.jobs.running()),
        )
        labels = ["camera", "mode"]
        writing = GaugeMetricFamily(
            "vgateway_recording_writing", "1 while a segment is open", labels=labels
        )
        buffer_s = GaugeMetricFamily(
            "vgateway_recording_buffer_seconds", "pre-roll buffer length", labels=labels
        )
        buffer_b = GaugeMetricFamily(
            "vgateway_recording_buffer_bytes", "pre-roll buffer memory", labels=labels
        )
        disk_full = GaugeMetricFamily(
            "vgateway_recording_disk_full", "1 while paused by a full disk", labels=labels
        )
        segments = CounterMetricFamily(
            "vgateway_recording_segments", "segments finished", labels=labels
        )
        written = CounterMetricFamily(
            "vgateway_recording_written_bytes", "segment bytes written", labels=labels
        )
        errors = CounterMetricFamily("vgateway_recording_errors", "recording errors", labels=labels)
        for camera_id, recorder in service.recorders.items():
            values = [camera_id, recorder.plan.mode.value]
            stats = recorder.buffer.stats()
            buffer_s.add_metric(values, stats.seconds)
            buffer_b.add_metric(values, stats.bytes)
            seg = recorder.segments.stats if recorder.segments else None
            writing.add_metric(values, float(bool(seg and seg.current_start is not None)))
            disk_full.add_metric(values, float(bool(seg and seg.disk_full)))
            segments.add_metric(values, seg.segments if seg else 0)
            written.add_metric(values, seg.bytes if seg else 0)
            errors.add_metric(values, seg.errors if seg else 0)
        yield from (writing, buffer_s, buffer_b, disk_full, segments, written, errors)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _service(request: Request) -> RecordingService:
    service: RecordingService = request.app.state.recording
    return service


@router.get(
    "/metrics/recording",
    summary="Prometheus metrics of recording",
    response_class=Response,
    dependencies=[Depends(require(Action.view_metrics))],
)
def recording_metrics(service: Annotated[RecordingService, Depends(_service)]) -> Response:
    registry = CollectorRegistry()
    registry.register(RecordingCollector(service))
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
