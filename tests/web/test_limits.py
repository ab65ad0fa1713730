"""The in-memory limit on sign-in posts per address (web.limits)."""

from __future__ import annotations

import pytest

from web import limits
from web.limits import WINDOW_S, PostLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_may_post_so_often_a_minute_then_waits() -> None:
    clock = Clock()
    limiter = PostLimiter(3, clock=clock)
    assert [limiter.allow("192.0.2.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("192.0.2.2")  # another address has its own share
    assert limiter.retry_after("192.0.2.1") == int(WINDOW_S)
    clock.now += 30
    assert not limiter.allow("192.0.2.1")  # a refused post does not count, but the window holds
    assert limiter.retry_after("192.0.2.1") == int(WINDOW_S) - 30
    clock.now += 30
    assert limiter.allow("192.0.2.1")  # the first three have left the window


def test_memory_is_bounded_by_forgetting_the_quietest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ADDRESSES", 3)
    limiter = PostLimiter(1, clock=Clock())
    for n in range(5):
        assert limiter.allow(f"192.0.2.{n}")
    assert limiter.allow("192.0.2.0")  # forgotten: a new share
    assert not limiter.allow("192.0.2.4")  # remembered
    assert not limiter.allow("192.0.2.3")
