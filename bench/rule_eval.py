"""Per-rule event precision/recall on the shared clips against hand-labelled intervals.

    python bench/detect_eval.py --rules          # (or: python bench/rule_eval.py)
    python bench/rule_eval.py --whole-frames     # the same, detecting on whole frames only

Truth and the rules run on each clip are in tests/data/rule_intervals.yaml (how they were
labelled is written at its top). An event matches one truth interval when their spans overlap
(with `slack` seconds); each interval and each event is used at most once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from vgateway.analytics.detectors_pool import DetectorPool
from vgateway.analytics.offline import run_clip
from vgateway.analytics.rules import CameraRules, RulesFile
from vgateway.events.model import Event

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TRUTH = REPO / "tests" / "data" / "rule_intervals.yaml"


@dataclass
class RuleScore:
    clip: str
    rule: str
    truths: int = 0
    events: int = 0
    matched_truths: int = 0
    matched_events: int = 0
    spans: list[tuple[float, float]] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.matched_truths / self.truths if self.truths else None

    @property
    def precision(self) -> float | None:
        return self.matched_events / self.events if self.events else None


def match(
    spans: Sequence[tuple[float, float]], truths: Sequence[Sequence[float]], slack: float
) -> tuple[int, int]:
    """Greedy one-to-one matching by overlap; returns (matched truths, matched events)."""
    used: set[int] = set()
    matched = 0
    for start, end in sorted(spans):
        for index, (a, b) in enumerate(truths):
            if index not in used and start <= b + slack and end >= a - slack:
                used.add(index)
                matched += 1
                break
    return len(used), matched


def event_span(event: Event, t0: float) -> tuple[float, float]:
    end = event.ended_at if event.ended_at is not None else event.updated_at
    return (round(event.started_at - t0, 2), round(end - t0, 2))


def evaluate_clip(
    clip: dict[str, Any], shared: Path, pool: DetectorPool, slack: float = 0.5, regions: bool = True
) -> list[RuleScore]:
    rules = CameraRules.model_validate({**clip["rules"], "motion_band": regions})
    tz = ZoneInfo("Asia/Shanghai")
    t0 = dt.datetime.fromisoformat(clip["t0"]).replace(tzinfo=tz).timestamp()
    events, _ = run_clip(
        shared / "media" / "videos" / clip["file"],
        rules,
        pool,
        t0=t0,
        loops=int(clip.get("loops", 1)),
        reverse=bool(clip.get("reverse", False)),
    )
    scores = []
    for rule_id, truths in clip["truth"].items():
        spans = [event_span(e, t0) for e in events if e.rule_id == rule_id]
        score = RuleScore(clip["name"], rule_id, len(truths), len(spans), spans=spans)
        score.matched_truths, score.matched_events = match(spans, truths, slack)
        scores.append(score)
    return scores


def rules_eval(shared: Path = SHARED, truth: Path = TRUTH, regions: bool = True) -> list[RuleScore]:
    doc = yaml.safe_load(truth.read_text(encoding="utf-8"))
    pool = DetectorPool(RulesFile(), REPO)
    pool.put("default", pool.get("default"))
    return [s for clip in doc["clips"] for s in evaluate_clip(clip, shared, pool, regions=regions)]


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def print_rules(scores: Sequence[RuleScore]) -> None:
    print(f"{'clip':<28}{'rule':<12}{'truth':>6}{'events':>7}{'TP':>4}{'recall':>8}{'prec.':>7}")
    totals: dict[str, list[int]] = {}
    for s in scores:
        print(
            f"{s.clip:<28}{s.rule:<12}{s.truths:>6}{s.events:>7}{s.matched_truths:>4}"
            f"{_fmt(s.recall):>8}{_fmt(s.precision):>7}"
        )
        t = totals.setdefault(s.rule, [0, 0, 0, 0])
        t[0] += s.truths
        t[1] += s.events
        t[2] += s.matched_truths
        t[3] += s.matched_events
    print("per rule over all clips:")
    for rule, (truths, events, mt, me) in totals.items():
        recall = mt / truths if truths else None
        precision = me / events if events else None
        print(
            f"  {rule:<12} recall {_fmt(recall)}  precision {_fmt(precision)}"
            f"  ({mt}/{truths} intervals, {me}/{events} events)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument(
        "--whole-frames",
        action="store_true",
        help="always detect on the whole frame, not on the region that moved",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print_rules(rules_eval(args.shared, args.truth, regions=not args.whole_frames))
    print(f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
