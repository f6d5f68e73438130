"""How much decoding between keyframes the machine can afford, adjusted as load changes.

Every camera's keyframes are always checked: that costs one decode per GOP. Checks between
keyframes cost the decodes from the keyframe up to the checked frame (about 25 for a check 1 s
into a 2 s GOP), which is most of the analytics CPU. `DecodeGovernor.share()` is the share of
GOPs the samplers decode past their keyframe. It backs off (multiplicatively) while anything
shows the machine is short: the motion passes run late, the object detector leaves a camera
waiting longer than the detection target, or the process is over its CPU budget; and it creeps
back (additively) while none does. So under overload the check rate drops evenly towards one
per GOP, the CPU goes to the detector first, and the share is reported, not hidden.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

Signal = Callable[[], bool]


class DecodeGovernor:
    def __init__(
        self,
        pressures: Mapping[str, Signal],
        *,
        period_s: float = 2.0,
        decrease: float = 0.6,
        increase: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pressures = dict(pressures)
        self._period_s = period_s
        self._decrease = decrease
        self._increase = increase
        self._clock = clock
        self._share = 1.0
        self._updated = clock()
        self._lock = threading.Lock()
        self.reasons: dict[str, int] = {name: 0 for name in self._pressures}  # times each cut

    def share(self) -> float:
        """The current share in [0, 1]; re-evaluated at most once per period (cheap to call)."""
        now = self._clock()
        if now - self._updated < self._period_s:
            return self._share
        with self._lock:
            if now - self._updated >= self._period_s:
                self._updated = now
                self._adjust()
            return self._share

    def _adjust(self) -> None:
        short = [name for name, signal in self._pressures.items() if signal()]
        for name in short:
            self.reasons[name] += 1
        if short:
            self._share = self._share * self._decrease
            if self._share < 0.02:
                self._share = 0.0
        else:
            self._share = min(1.0, self._share + self._increase)

    def view(self) -> dict[str, object]:
        return {"decode_share": round(self._share, 3), "cut_by": dict(self.reasons)}
