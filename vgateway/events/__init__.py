"""Events: what analytics found, with a lifecycle, on a bus, stored, queried and pushed live.

Owns the event model (`model`), the start/update/end lifecycle with cooldown and de-duplication
(`lifecycle`), snapshots with boxes (`snapshot`), the event bus (in process, or Redis Streams with
consumer groups: `bus`, `redis_bus`), the `events` tables and store, the REST routes and the SSE
live push. Consumes `Condition`s from analytics (one per rule firing per frame); emits
`EventMessage`s (kind start/update/end/ack) to the bus, the database and SSE listeners.
"""

from vgateway.events.component import EventsComponent
from vgateway.events.lifecycle import Condition, EventLifecycle, RuleRef
from vgateway.events.model import Event, EventBox, EventMessage
from vgateway.events.service import EventService

__all__ = [
    "Condition",
    "Event",
    "EventBox",
    "EventLifecycle",
    "EventMessage",
    "EventService",
    "EventsComponent",
    "RuleRef",
]
