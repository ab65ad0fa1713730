"""The rules of signing in, without a password or anything to remember.

A person asks with their email; a one-time link and a six-digit code go to their own
channels. The link or the code works once, for `LINK_LIFETIME`; a code typed wrong
`MAX_CODE_ATTEMPTS` times stops working (the link does not: it cannot be guessed).
An admin may print a code for a person who cannot get messages, which lasts
`PRINTED_CODE_LIFETIME`. Requests are limited per email and per network in any
hour. A session lasts `BROWSER_SESSION` (and ends with the browser: the pages set a
cookie without an expiry), or `REMEMBERED_SESSION` on a remembered device.

Pure: the caller reads the rows and counts; these functions decide.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

LINK_LIFETIME = dt.timedelta(minutes=15)
PRINTED_CODE_LIFETIME = dt.timedelta(hours=24)
CODE_DIGITS = 6
MAX_CODE_ATTEMPTS = 5
RATE_WINDOW = dt.timedelta(hours=1)
PER_EMAIL = 5  # requests for one email in RATE_WINDOW
PER_NETWORK = 20  # requests from one network in RATE_WINDOW
BROWSER_SESSION = dt.timedelta(hours=12)
REMEMBERED_SESSION = dt.timedelta(days=30)
LAST_SEEN_EVERY = dt.timedelta(minutes=1)


class Limit(StrEnum):
    """The rate limit a request ran into."""

    EMAIL = "email"
    NETWORK = "network"


class Unusable(StrEnum):
    """Why a link or code no longer works."""

    USED = "used"
    EXPIRED = "expired"
    LOCKED = "locked"  # a code typed wrong too many times


def request_limit(*, for_email: int, from_network: int) -> Limit | None:
    """The limit a new request passes, given the requests of the last `RATE_WINDOW`
    for the same email and from the same network; None: it may go ahead."""
    if for_email >= PER_EMAIL:
        return Limit.EMAIL
    if from_network >= PER_NETWORK:
        return Limit.NETWORK
    return None


def unusable(
    *,
    expires_at: dt.datetime,
    used_at: dt.datetime | None,
    attempts: int,
    now: dt.datetime,
    by_code: bool,
) -> Unusable | None:
    """Why an issued link or code can no longer sign anyone in, or None if it can.

    Wrong codes lock the code only: a link is 256 random bits, so wrong guesses at a
    code (by someone who knows only the email) never take the link from its owner.
    """
    if used_at is not None:
        return Unusable.USED
    if now >= expires_at:
        return Unusable.EXPIRED
    if by_code and attempts >= MAX_CODE_ATTEMPTS:
        return Unusable.LOCKED
    return None


def attempts_left(attempts: int) -> int:
    return max(0, MAX_CODE_ATTEMPTS - attempts)


def session_expires(now: dt.datetime, *, remember: bool) -> dt.datetime:
    return now + (REMEMBERED_SESSION if remember else BROWSER_SESSION)


def session_live(
    *, expires_at: dt.datetime, revoked_at: dt.datetime | None, now: dt.datetime
) -> bool:
    return revoked_at is None and now < expires_at


def should_touch(last_seen: dt.datetime, now: dt.datetime) -> bool:
    """Whether a session's `last_seen` is old enough to be written again: at most once
    a minute, so a page view is a read, not a write."""
    return now - last_seen >= LAST_SEEN_EVERY
