"""Event lifecycle on synthetic conditions: start, update, end, de-duplication, cooldown."""

from __future__ import annotations

from vgateway.events.lifecycle import Condition, EventLifecycle, RuleRef
from vgateway.events.model import EventBox

RULE = RuleRef("stopped", "stopped_vehicle", "车辆违停", "normal", cooldown_s=60, end_after_s=5)


def render(_boxes: object) -> bytes:
    return b"jpeg"


def parked(track: int, score: float = 0.6, box=(100.0, 100.0, 160.0, 140.0)) -> Condition:
    return Condition(
        RULE,
        f"track:{track}",
        "curb",
        score,
        (EventBox(label="car", score=score, box=box, track_id=track),),
        track_id=track,
        label="car",
    )


def test_start_update_end() -> None:
    life = EventLifecycle("cam001", "chengguan", update_interval_s=5)
    start = life.observe([parked(1)], 100.0, render)
    assert [m.kind for m in start] == ["start"]
    assert start[0].snapshot == b"jpeg" and start[0].event.camera_id == "cam001"
    assert life.observe([parked(1, 0.62)], 101.0, render) == []  # same subject: no new event
    update = life.observe([parked(1, 0.9)], 106.0, render)  # better score after the interval
    assert [m.kind for m in update] == ["update"] and update[0].event.score == 0.9
    assert life.observe([], 110.0, render) == []  # gone 4 s: not yet ended
    end = life.observe([], 112.0, render)
    assert [m.kind for m in end] == ["end"]
    assert end[0].event.state == "ended" and end[0].event.ended_at == 106.0
    assert end[0].event.id == start[0].event.id


def test_parked_car_under_new_track_id_is_one_event() -> None:
    life = EventLifecycle("cam001", "chengguan")
    assert len(life.observe([parked(1)], 100.0, render)) == 1
    # the tracker lost the car and found it again under a new id, same place
    assert life.observe([parked(7, box=(102.0, 101.0, 161.0, 141.0))], 101.0, render) == []
    assert len(life.open_events) == 1


def test_cooldown_after_end_stops_realarming() -> None:
    life = EventLifecycle("cam001", "chengguan")
    life.observe([parked(1)], 100.0, render)
    assert [m.kind for m in life.observe([], 106.0, render)] == ["end"]
    for second in range(107, 200):  # the car is still there every second, new ids
        assert life.observe([parked(second)], float(second), render) == []
    # elsewhere in the picture, another car is a new event
    other = life.observe([parked(500, box=(400.0, 100.0, 460.0, 140.0))], 200.0, render)
    assert [m.kind for m in other] == ["start"]


def test_quiet_period_expires() -> None:
    life = EventLifecycle("cam001", "chengguan")
    life.observe([parked(1)], 100.0, render)
    life.observe([], 106.0, render)
    assert [m.kind for m in life.observe([parked(2)], 170.0, render)] == ["start"]
