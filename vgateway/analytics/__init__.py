"""Video analytics: per-camera rules evaluated on the cameras' sub streams.

Owns the rules model and loader (`rules`, `loader`), rate-limited decoding (`decode`), the motion
gate, shared detectors, tracking (`tracking`, ByteTrack from Roboflow's `trackers`), the rule
evaluators (`object_rules`, `scene_rules`), the per-camera pipeline (`assembly`, `pipeline`),
the fair pool that observes every camera (`scheduler`, `worker`), the shared inference stage
within the process's CPU budget (`inference`, `budget`) and the service/component with its
stats routes and Prometheus collector. Consumes `MediaPacket`s from the hub
(`subscribe(camera, "sub", "analytics")`) and detectors from `detectors/`; emits
`EventMessage`s (start/update/end) to the event service.
"""

from vgateway.analytics.component import AnalyticsComponent
from vgateway.analytics.loader import RulesError, load_rules
from vgateway.analytics.rules import CameraRules, RulesFile
from vgateway.analytics.service import AnalyticsService

__all__ = [
    "AnalyticsComponent",
    "AnalyticsService",
    "CameraRules",
    "RulesError",
    "RulesFile",
    "load_rules",
]
