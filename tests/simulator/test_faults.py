"""Fault modes and the per-camera board (no network)."""

from __future__ import annotations

import pytest

from vgateway.simulator.faults import FaultBoard, FaultMode


class FakeConnection:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_parse_accepts_every_mode_and_names_the_choices_on_error() -> None:
    assert [FaultMode.parse(m.value) for m in FaultMode] == list(FaultMode)
    assert FaultMode.parse(" Stall ") is FaultMode.STALL
    with pytest.raises(ValueError, match="unknown fault mode 'melt'; choose one of: ok, down"):
        FaultMode.parse("melt")


def test_cameras_start_ok_and_unknown_cameras_are_rejected() -> None:
    board = FaultBoard(["cam001", "cam002"])
    assert board.modes() == {"cam001": "ok", "cam002": "ok"}
    assert board.mode(None) is FaultMode.OK
    with pytest.raises(KeyError):
        board.set_mode("cam999", FaultMode.DOWN)


@pytest.mark.parametrize(
    ("mode", "closes"),
    [(FaultMode.DOWN, True), (FaultMode.GARBAGE, True), (FaultMode.STALL, False)],
)
def test_closing_modes_close_that_cameras_connections_only(mode: FaultMode, closes: bool) -> None:
    board = FaultBoard(["cam001", "cam002"])
    mine, other = FakeConnection(), FakeConnection()
    board.attach("cam001", mine)
    board.attach("cam002", other)
    board.set_mode("cam001", mode)
    assert board.mode("cam001") is mode
    assert (mine.closed, other.closed) == (closes, False)
    board.detach("cam001", mine)
    assert board.open_connections("cam001") == 0
