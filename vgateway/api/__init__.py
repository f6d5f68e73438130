"""The HTTP API (FastAPI): the app factory and its lifespan, where every service is wired.

Consumes the hub, ingest and health; emits JSON, JPEG snapshots and Prometheus metrics.
Nothing imports this package except the CLI and tests.
"""
