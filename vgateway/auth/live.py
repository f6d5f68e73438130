"""Open live views: recorded at start and stop, and cut when access to them ends.

The relay registers each stream it serves (`open_view`) with a callback that closes it, and
closes the view when the stream ends. A background task re-checks every open view whenever
access may have narrowed here (share revoked, user disabled, logout, token revoked) and at
least every `recheck_interval_s` (shares expiring; changes made by the CLI or another
process). A view whose principal may no longer watch its camera is cut: callback, then stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vgateway.auth.principal import Action, Principal

if TYPE_CHECKING:
    from vgateway.auth.service import AuthService

log = logging.getLogger(__name__)

# Called on the event loop with the reason; may return an awaitable (e.g. a close coroutine).
RevokedCallback = Callable[[str], Awaitable[object] | None]
_CALLBACK_TIMEOUT_S = 5.0
_IDLE_EXPIRY_EVERY = 10  # with no open views, record share expiries every 10th re-check


@dataclass(eq=False)
class LiveView:
    id: str
    principal: Principal
    camera_id: str
    action: Action
    address: str | None
    started_at: float
    detail: dict[str, Any]
    on_revoked: RevokedCallback | None = None
    alive: Callable[[], bool] | None = None  # False once the stream ended on its own
    closed: bool = field(default=False, init=False)


class LiveViews:
    def __init__(self, service: AuthService, clock: Callable[[], float]) -> None:
        self._service = service
        self._clock = clock
        self._views: dict[str, LiveView] = {}
        self._lock = threading.Lock()
        self._listeners: list[Callable[[LiveView, str], None]] = []
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle_ticks = 0

    def open(
        self,
        principal: Principal,
        camera_id: str,
        *,
        address: str | None,
        on_revoked: RevokedCallback | None = None,
        action: Action = Action.view_live,
        detail: dict[str, Any] | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> LiveView:
        """Check access, record the start, and watch the view until `close` (or until
        `alive()` turns False: its stop is then recorded at the next re-check)."""
        self._service.check(principal, action, camera_id, address=address)
        view = LiveView(
            id=secrets.token_hex(6),
            principal=principal,
            camera_id=camera_id,
            action=action,
            address=address,
            started_at=self._clock(),
            detail=dict(detail or {}),
            on_revoked=on_revoked,
            alive=alive,
        )
        self._service.record(
            "live.start",
            principal,
            camera_id=camera_id,
            address=address,
            detail={"view": view.id, **view.detail},
        )
        with self._lock:
            self._views[view.id] = view
        return view

    def close(self, view: LiveView, reason: str = "closed by viewer") -> None:
        """Record the stop with its duration; closing twice records once."""
        with self._lock:
            if view.closed:
                return
            view.closed = True
            self._views.pop(view.id, None)
        duration = round(self._clock() - view.started_at, 3)
        self._service.record(
            "live.stop",
            view.principal,
            camera_id=view.camera_id,
            address=view.address,
            reason=reason,
            detail={"view": view.id, "duration_s": duration, **view.detail},
        )

    def open_views(self) -> list[LiveView]:
        with self._lock:
            return list(self._views.values())

    def on_access_revoked(self, callback: Callable[[LiveView, str], None]) -> None:
        """Also call `callback(view, reason)` for every view cut (besides its own callback)."""
        self._listeners.append(callback)

    def still_allowed(self, principal: Principal, camera_id: str, action: Action) -> bool:
        """Whether this principal, as it stands now, may still do `action` on the camera."""
        current = self._service.refresh(principal)
        if current is None:
            return False
        try:
            camera = self._service.config.camera(camera_id)
        except KeyError:
            return False
        return self._service.decide(current, action, camera).allowed

    def revoked(self) -> list[tuple[LiveView, str]]:
        """The open views that must be cut now, with why (blocking: database reads)."""
        service = self._service
        expired = service.admin.record_expiries()
        service.refresh_shares()
        cut = []
        refreshed: dict[tuple[str, str | None], Principal | None] = {}
        for view in self.open_views():
            key = (view.principal.name, view.principal.credential_id)
            if key not in refreshed:
                refreshed[key] = service.refresh(view.principal)
            current = refreshed[key]
            if current is None:
                cut.append((view, "access revoked: session ended or account disabled"))
                continue
            camera = service.config.camera(view.camera_id)
            if service.decide(current, view.action, camera).allowed:
                continue
            if (current.role, current.town) != (view.principal.role, view.principal.town):
                why = "role or town changed"
            elif any(share.covers(camera) for share in expired):
                why = "share expired"
            else:
                why = "share revoked"
            cut.append((view, f"access revoked: {why}"))
        return cut

    # the background task ---------------------------------------------------------------------

    def wake(self) -> None:
        """Re-check now (callable from any thread)."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    async def run(self, interval_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval_s)
            self._wake.clear()
            try:
                await self._recheck()
            except Exception:
                log.exception("re-checking open live views failed; retrying")

    async def _recheck(self) -> None:
        if not self.open_views():
            # Nothing to cut: only share expiries need recording (audit), and they can wait a
            # few ticks; this keeps an idle gateway from reading the share table every second.
            self._idle_ticks += 1
            if self._idle_ticks % _IDLE_EXPIRY_EVERY == 0:
                await asyncio.to_thread(self._service.admin.record_expiries)
            return
        self._idle_ticks = 0
        for view in self.open_views():
            if view.alive is not None and not view.alive():
                await asyncio.to_thread(self.close, view, "ended")
        for view, reason in await asyncio.to_thread(self.revoked):
            log.info(
                "cutting live view %s of %s on %s: %s",
                view.id,
                view.principal.name,
                view.camera_id,
                reason,
            )
            await self._notify(view, reason)
            await asyncio.to_thread(self.close, view, reason)

    async def _notify(self, view: LiveView, reason: str) -> None:
        callbacks: list[Callable[[], Awaitable[object] | None]] = []
        if view.on_revoked is not None:
            callbacks.append(functools.partial(view.on_revoked, reason))
        callbacks += [functools.partial(listener, view, reason) for listener in self._listeners]
        for callback in callbacks:
            try:
                result = callback()
                if inspect.isawaitable(result):
                    await asyncio.wait_for(result, _CALLBACK_TIMEOUT_S)
            except Exception:
                log.exception("live view %s: revocation callback failed", view.id)
