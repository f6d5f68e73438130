"""Camera simulator: simulated RTSP cameras with fault injection, for demos, tests and benches.

Owns: a GStreamer RTSP server child (``gst_server.py``, run by Debian's python3) that loops clips
from memory on ``/{camera}/main`` and ``/{camera}/sub``; a TCP proxy in front of it that injects
per-camera faults; an HTTP control API; ``SimulatorProcess``, a handle that runs all of it as a
subprocess. Consumes: clips from ``../shared/media/videos`` (or a generated pattern). Emits: RTSP
streams, and per-mount session counts as counted by the GStreamer server.
"""

from vgateway.simulator.client import SimulatorProcess
from vgateway.simulator.faults import FaultMode
from vgateway.simulator.gst_child import SimulatorError, gst_unavailable_reason
from vgateway.simulator.runner import SimulatorOptions, run_simulator

__all__ = [
    "FaultMode",
    "SimulatorError",
    "SimulatorOptions",
    "SimulatorProcess",
    "gst_unavailable_reason",
    "run_simulator",
]
