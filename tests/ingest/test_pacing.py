"""ReadPacer: when to read the next frame, from the frames' timestamps and arrival times."""

from __future__ import annotations

import pytest

from vgateway.ingest.pacing import MARGIN_S, MAX_WAIT_S, PROBE_S, WINDOW_S, ReadPacer

STEP = 1 / 25
BASE = 100.0  # monotonic time of stamp 0's arrival


class Camera:
    """A reader of a live camera whose frame i completes at BASE + i * STEP + late(i), driven
    the way `RtspSource.pump` drives the pacer (sleeping what it is told)."""

    def __init__(self, pacer: ReadPacer, start: float = BASE) -> None:
        self.pacer = pacer
        self.clock = start
        self.frame = 0
        self.waits: list[float] = []
        self.observed = 0  # reads that had to wait for their frame

    def read(self, late: float = 0.0, stamp_shift: float = 0.0) -> float:
        started = self.clock
        arrival = BASE + self.frame * STEP + late
        if arrival > self.clock:
            self.clock = arrival  # the read blocks until the frame is complete
            self.observed += 1
        self.clock += 0.0002  # the read itself
        stamp = self.frame * STEP + stamp_shift
        wait = self.pacer.wait_after(stamp, started, self.clock)
        self.waits.append(wait)
        self.clock += wait
        self.frame += 1
        return wait


def test_a_punctual_camera_is_read_once_per_frame_with_probes_about_once_a_second() -> None:
    camera = Camera(ReadPacer(frames=1))
    for _ in range(250):  # 10 s
        camera.read()
    # about one read a second waits for its frame (after the probe); the rest find it buffered
    assert camera.observed <= 2 + int(250 * STEP / PROBE_S)
    assert all(w == 0 or STEP - 0.001 < w <= STEP + MARGIN_S + 1e-9 for w in camera.waits[3:])
    # the next read comes at most the margin (and one read's time) after its frame is complete
    assert camera.clock - (BASE + camera.frame * STEP) <= MARGIN_S + 0.0005


def test_two_frames_per_wake_sleep_every_other_frame_and_add_one_frame_of_delay() -> None:
    camera = Camera(ReadPacer(frames=2))
    for _ in range(250):
        camera.read()
    sleeps = [w for w in camera.waits[10:] if w]
    assert len(sleeps) >= 0.45 * len(camera.waits[10:])  # about one in two reads sleeps
    assert all(2 * STEP - 0.001 < w <= 2 * STEP + MARGIN_S + 1e-9 for w in sleeps)
    # after each probe both frames of the batch are waited for
    assert camera.observed <= 2 + 2 * int(250 * STEP / PROBE_S)
    # reads trail arrival by at most one frame interval and the margin
    assert camera.clock - (BASE + camera.frame * STEP) <= STEP + MARGIN_S + 0.0005


def test_jitter_never_delays_reads_past_the_earliest_arrivals_schedule() -> None:
    camera = Camera(ReadPacer(frames=1))
    lates = [0.0, 0.012, 0.003, 0.0, 0.020, 0.001] * 40
    for late in lates:
        camera.read(late)
    # each read ends no later than its frame's arrival plus the margin (plus the read itself)
    for i in range(10, len(lates) - 1):
        assert camera.waits[i] <= STEP + MARGIN_S + 1e-9


def test_a_reader_that_fell_behind_reads_on_without_sleeping() -> None:
    camera = Camera(ReadPacer())
    for _ in range(30):
        camera.read()
    camera.clock += 0.5  # the machine stalled the thread for half a second
    waits = [camera.read() for _ in range(10)]
    assert waits[:10] == [0.0] * 10  # 12 frames queued meanwhile: read them at once


def test_a_camera_clock_running_fast_is_followed() -> None:
    camera = Camera(ReadPacer(frames=1))
    for _ in range(50):
        camera.read()
    # from now on frames complete 30 ms earlier than their stamps said before
    for _ in range(int(3 * WINDOW_S / STEP)):
        camera.read(late=-0.030)
    arrival = BASE + camera.frame * STEP - 0.030
    assert camera.clock - arrival <= MARGIN_S + 0.001


@pytest.mark.parametrize("jump", [-10.0, 3600.0])
def test_a_timestamp_jump_starts_learning_again(jump: float) -> None:
    camera = Camera(ReadPacer(frames=1))
    for _ in range(30):
        camera.read()
    assert camera.read(stamp_shift=jump) == 0.0
    assert sum(camera.read(stamp_shift=jump) for _ in range(30)) > 0  # paced again


def test_no_timestamps_and_slideshows_are_not_paced_and_sleeps_stay_short() -> None:
    pacer = ReadPacer()
    assert pacer.wait_after(None, 0.9, 1.0) == 0.0
    assert pacer.wait_after(None, 1.0, 1.1) == 0.0
    assert pacer.wait_after(5.0, 1.1, 1.2) == 0.0
    assert pacer.wait_after(5.0, 1.2, 1.3) == 0.0  # a repeated stamp is no step to pace by
    slow = ReadPacer(frames=1)  # one frame every 0.4 s: paced, but the thread wakes every 0.1 s
    slow.wait_after(0.0, 49.9, 50.0)
    slow.wait_after(0.4, 50.0, 50.4)  # the first chance to sleep is a probe
    assert slow.wait_after(0.8, 50.4, 50.8) == MAX_WAIT_S
    with pytest.raises(ValueError):
        ReadPacer(frames=0)
