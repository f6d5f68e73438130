"""Tracks' stillness: what the stopped-vehicle rule counts on."""

from __future__ import annotations

from detectors import Detection
from detectors.base import Box
from vgateway.analytics.tracking import TrackBook

# The white car on the residential clip, as YOLOX-Nano finds it from one frame to the next: a
# sign post hides part of it, so the box is now the whole car, now the part right of the post.
WHOLE: Box = (264.0, 94.0, 303.0, 131.0)
RIGHT_PART: Box = (284.0, 107.0, 308.0, 131.0)
LEFT_PART: Box = (267.0, 103.0, 293.0, 128.0)  # ...or the part left of it


def car(box: Box, score: float = 0.5) -> list[Detection]:
    return [Detection("car", 2, score, box)]


def test_a_still_car_seen_now_whole_now_in_part_stays_still() -> None:
    book = TrackBook(fps=1.0)
    for second in range(20):  # two seconds of each, as it happens at one frame a second
        seen = book.update(car(WHOLE if second // 2 % 2 else RIGHT_PART), float(second))
    (track,) = seen
    assert track.dwell_s >= 18.0
    assert track.still_s == track.dwell_s


def test_a_car_that_moves_on_is_no_longer_still() -> None:
    book = TrackBook(fps=1.0)
    for second in range(12):
        book.update(car(WHOLE), float(second))
    for second in range(12, 16):  # creeps off along the kerb, 8 px a second
        shift = 8.0 * (second - 11)
        (track,) = book.update(
            car((WHOLE[0] + shift, WHOLE[1], WHOLE[2] + shift, WHOLE[3])), float(second)
        )
    assert track.still_s < 4.0


def test_a_still_car_seen_whole_once_stays_still_whichever_part_is_seen() -> None:
    book = TrackBook(fps=1.0)
    parts = [RIGHT_PART] * 6 + [WHOLE] + [LEFT_PART, LEFT_PART, RIGHT_PART] * 4
    for second, box in enumerate(parts):
        seen = book.update(car(box), float(second))
    (track,) = seen
    assert track.dwell_s >= len(parts) - 2  # (a track shows from its second sighting)
    assert track.still_s == track.dwell_s


def test_a_parked_car_found_again_with_a_low_score_keeps_its_track() -> None:
    book = TrackBook(fps=1.0)
    parts = [RIGHT_PART] * 11 + [WHOLE] + [LEFT_PART] * 2  # parked: still over 10 s
    for second, box in enumerate(parts):
        seen = book.update(car(box, 0.8), float(second))
    (first,) = seen
    # its box jumped from one part to the other (ByteTrack takes that for speed); unseen a while
    for second in range(14, 18):
        book.update([], float(second))
    for second in range(18, 26):  # back where it stood, below ByteTrack's score for new tracks
        seen = book.update(car(RIGHT_PART, 0.4), float(second))
        assert [track.id for track in seen] == [first.id], second
    assert [track.id for track in book.tracks()] == [first.id]


def test_both_parts_of_a_parked_car_in_one_frame_are_one_car() -> None:
    book = TrackBook(fps=1.0)
    for second in range(6):
        book.update(car(WHOLE, 0.8), float(second))
    for second in range(6, 20):  # from now on YOLOX finds its two parts as two cars
        seen = book.update(car(LEFT_PART, 0.6) + car(RIGHT_PART, 0.6), float(second))
    assert len(seen) == 1 and len(book.tracks()) == 1
    assert seen[0].still_s == seen[0].dwell_s


def test_a_car_near_the_camera_is_not_a_far_car_it_covers() -> None:
    book = TrackBook(fps=1.0)
    far: Box = (300.0, 120.0, 330.0, 140.0)
    near: Box = (285.0, 110.0, 345.0, 160.0)  # five times its area, holding it
    for second in range(12):
        seen = book.update(car(far, 0.8), float(second))
    (track,) = seen
    for second in (12, 13):  # ByteTrack hands the far car's track the passing near car
        book.update(car(near, 0.8), float(second))
    assert track.still_s < 2.0  # two strays: the far car's stop is over
