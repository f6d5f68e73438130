"""The decode governor: backs off while the machine is short, creeps back when it is not."""

from __future__ import annotations

from vgateway.analytics.governor import DecodeGovernor


def test_the_share_backs_off_under_pressure_and_recovers_slowly() -> None:
    now = [0.0]
    short = {"motion_late": False, "detect_late": False}
    governor = DecodeGovernor(
        {name: (lambda name=name: short[name]) for name in short},
        period_s=1.0,
        clock=lambda: now[0],
    )
    assert governor.share() == 1.0
    short["detect_late"] = True
    shares = []
    for _ in range(12):
        now[0] += 1.0
        shares.append(governor.share())
    assert shares == sorted(shares, reverse=True) and shares[-1] == 0.0  # down to keyframes
    assert governor.reasons == {"motion_late": 0, "detect_late": 12}
    short["detect_late"] = False
    for _ in range(10):
        now[0] += 1.0
        governor.share()
    assert 0.45 <= governor.share() <= 0.55  # +0.05 a period: no oscillation back to full
    assert governor.view()["decode_share"] == round(governor.share(), 3)


def test_the_share_is_reconsidered_at_most_once_a_period() -> None:
    now, calls = [0.0], [0]

    def late() -> bool:
        calls[0] += 1
        return True

    governor = DecodeGovernor({"motion_late": late}, period_s=2.0, clock=lambda: now[0])
    for _ in range(100):
        now[0] += 0.05
        governor.share()
    assert calls[0] == 2  # at 2 s and 4 s
