"""Failed-login throttling per user and per address."""

from __future__ import annotations

from vgateway.auth.throttle import LoginThrottle


def test_user_and_address_limits_with_a_sliding_window() -> None:
    now = [0.0]
    throttle = LoginThrottle(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("zhang", "10.0.0.1") is None
        throttle.failed("zhang", "10.0.0.1")
    assert throttle.retry_after("zhang", "10.0.0.9") == 60  # the user, from anywhere
    assert throttle.retry_after("li", "10.0.0.1") == 60  # anyone, from that address
    assert throttle.retry_after("li", "10.0.0.2") is None
    now[0] = 30
    assert throttle.retry_after("zhang", None) == 30
    now[0] = 60.5
    assert throttle.retry_after("zhang", "10.0.0.1") is None


def test_success_clears_the_user_but_not_the_address() -> None:
    throttle = LoginThrottle(max_failures=2, window_s=60, clock=lambda: 0.0)
    throttle.failed("wang", "10.0.0.3")
    throttle.failed("zhao", "10.0.0.3")
    throttle.succeeded("wang")
    assert throttle.retry_after("wang", "10.0.0.4") is None
    assert throttle.retry_after("wang", "10.0.0.3") is not None
