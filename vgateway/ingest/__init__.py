"""Ingest: exactly one upstream RTSP pull per camera stream, kept alive forever.

Owns the PyAV demux threads (no decoding), reconnection with capped backoff and jitter, stall
detection and on-demand start/stop. Consumes the network config; emits packets into the hub and
state/rate updates into camera health.
"""
