"""The fallback path: one shared fMP4 fragmenter per stream, fanned out to WebSocket viewers.

`MseStream` pulls one hub subscription, fragments it once and keeps the init segment and the
fragments since the latest keyframe, so a new viewer starts with a decodable GOP at once.
Each `MseViewer` has a bounded queue: a viewer whose socket cannot keep up drops its backlog
and resumes at the next keyframe fragment; the fragmenter and other viewers never wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from vgateway.hub import Hub, StreamKey, SubscriptionClosed
from vgateway.relay.fmp4 import Fragment, Fragmenter, InitSegment, UnsupportedCodec

log = logging.getLogger(__name__)

MAX_GOP_FRAGMENTS = 600  # a longer GOP is not cached; late joiners wait for a keyframe


@dataclass(frozen=True, slots=True)
class StreamEnded:
    """The stream cannot go on: `codec` is set when the browser cannot play it."""

    codec: str | None = None


Item = InitSegment | Fragment | StreamEnded


class MseViewer:
    def __init__(self, maxlen: int) -> None:
        self.maxlen = maxlen
        self.skips = 0
        self._queue: deque[Item] = deque()
        self._ready = asyncio.Event()
        self._skipping = False

    def offer(self, item: Item) -> None:
        if isinstance(item, Fragment):
            if self._skipping:
                if not item.keyframe:
                    return
                self._skipping = False
            if len(self._queue) >= self.maxlen:
                self._drop_backlog()
                if not item.keyframe:
                    self._skipping = True
                    return
        self._queue.append(item)
        self._ready.set()

    def _drop_backlog(self) -> None:
        # An init segment not yet sent must survive: later fragments need it.
        inits = [i for i in self._queue if not isinstance(i, Fragment)]
        self._queue.clear()
        self._queue.extend(inits[-1:])
        self.skips += 1

    async def get(self) -> Item:
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()


class MseStream:
    """Shared by every WebSocket viewer of one (camera, role); runs while it has viewers."""

    def __init__(
        self, key: StreamKey, hub: Hub, queue_packets: int, on_idle: Callable[[MseStream], None]
    ) -> None:
        self.key = key
        self._hub = hub
        self._queue_packets = queue_packets
        self._on_idle = on_idle
        self.viewers: set[MseViewer] = set()
        self.init: InitSegment | None = None
        self.gop: list[Fragment] = []
        self.ended: StreamEnded | None = None
        self.fragments = 0
        self._task: asyncio.Task[None] | None = None

    def attach(self, viewer: MseViewer) -> None:
        self.viewers.add(viewer)
        if self.ended is not None:
            viewer.offer(self.ended)
            return
        if self.init is not None:
            viewer.offer(self.init)
            for fragment in self.gop:
                viewer.offer(fragment)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"mse-{self.key}")

    def detach(self, viewer: MseViewer) -> None:
        self.viewers.discard(viewer)
        if not self.viewers:
            self._on_idle(self)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        sub = self._hub.subscribe(*self.key, "relay-mse", self._queue_packets, live=True)
        fragmenter = Fragmenter()
        ended = StreamEnded()
        try:
            while True:
                packet = await sub.get()
                for item in fragmenter.push(packet):
                    self._publish(item)
        except SubscriptionClosed:
            pass
        except UnsupportedCodec as exc:
            ended = StreamEnded(exc.codec)
        except Exception:
            log.exception("live %s: the fMP4 fragmenter failed", self.key)
        finally:
            sub.close()
            fragmenter.close()
        self.ended = ended
        for viewer in list(self.viewers):
            viewer.offer(ended)

    def _publish(self, item: InitSegment | Fragment) -> None:
        if isinstance(item, InitSegment):
            self.init, self.gop = item, []
        elif item.keyframe:
            self.gop = [item]
        elif self.gop and len(self.gop) < MAX_GOP_FRAGMENTS:
            self.gop.append(item)
        else:
            self.gop = []
        self.fragments += 1
        for viewer in self.viewers:
            viewer.offer(item)
