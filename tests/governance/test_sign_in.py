"""The rules of signing in: limits, when a link or code stops working, how long a
session lasts, and who may print a code."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.permissions import Actor, Allowed, Denied, Role, may_print_sign_in_code
from governance.sign_in import (
    BROWSER_SESSION,
    MAX_CODE_ATTEMPTS,
    PER_EMAIL,
    PER_NETWORK,
    REMEMBERED_SESSION,
    Limit,
    Unusable,
    attempts_left,
    request_limit,
    session_expires,
    session_live,
    should_touch,
    unusable,
)

NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=15)


@pytest.mark.parametrize(
    ("for_email", "from_network", "limit"),
    [
        (0, 0, None),
        (PER_EMAIL - 1, PER_NETWORK - 1, None),
        (PER_EMAIL, 0, Limit.EMAIL),
        (0, PER_NETWORK, Limit.NETWORK),
        (PER_EMAIL, PER_NETWORK, Limit.EMAIL),  # the email's limit is named first
    ],
)
def test_request_limits(for_email: int, from_network: int, limit: Limit | None) -> None:
    assert request_limit(for_email=for_email, from_network=from_network) == limit


@pytest.mark.parametrize(
    ("used", "at", "attempts", "by_code", "why"),
    [
        (False, NOW, 0, True, None),
        (False, LATER - dt.timedelta(microseconds=1), MAX_CODE_ATTEMPTS - 1, True, None),
        (False, LATER, 0, True, Unusable.EXPIRED),  # 15 minutes means before the end
        (True, NOW, 0, True, Unusable.USED),
        (True, LATER, MAX_CODE_ATTEMPTS, True, Unusable.USED),  # used says most
        (False, NOW, MAX_CODE_ATTEMPTS, True, Unusable.LOCKED),
        (False, NOW, MAX_CODE_ATTEMPTS, False, None),  # wrong codes never lock the link
        (False, LATER, MAX_CODE_ATTEMPTS, True, Unusable.EXPIRED),
    ],
)
def test_when_a_link_or_code_stops_working(
    used: bool, at: dt.datetime, attempts: int, by_code: bool, why: Unusable | None
) -> None:
    got = unusable(
        expires_at=LATER,
        used_at=NOW if used else None,
        attempts=attempts,
        now=at,
        by_code=by_code,
    )
    assert got == why


def test_attempts_left_never_goes_below_nothing() -> None:
    assert [attempts_left(n) for n in range(7)] == [5, 4, 3, 2, 1, 0, 0]


def test_sessions_last_twelve_hours_or_thirty_days_when_remembered() -> None:
    assert session_expires(NOW, remember=False) - NOW == BROWSER_SESSION == dt.timedelta(hours=12)
    assert session_expires(NOW, remember=True) - NOW == REMEMBERED_SESSION == dt.timedelta(days=30)
    end = session_expires(NOW, remember=False)
    assert session_live(expires_at=end, revoked_at=None, now=end - dt.timedelta(seconds=1))
    assert not session_live(expires_at=end, revoked_at=None, now=end)
    assert not session_live(expires_at=end, revoked_at=NOW, now=NOW)


def test_last_seen_is_written_at_most_once_a_minute() -> None:
    assert not should_touch(NOW, NOW + dt.timedelta(seconds=59))
    assert should_touch(NOW, NOW + dt.timedelta(minutes=1))


def test_only_admins_print_sign_in_codes() -> None:
    admin = Actor("admin@example.org", frozenset({Role.ADMIN}))
    assert isinstance(may_print_sign_in_code(admin), Allowed)
    for roles in (frozenset(), frozenset({Role.CHAIR, Role.BOARD_MEMBER, Role.LEAD})):
        refused = may_print_sign_in_code(Actor("x@example.org", roles))
        assert isinstance(refused, Denied)
        assert refused.code == "not-admin"
