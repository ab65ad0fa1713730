"""Local time for the relay: when a person's quiet hours end, and the moment of the
daily digest, in the programme's time zone (`CYD_TIMEZONE`, see settings)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import settings

DIGEST_AT = dt.time(9, 0)  # local time of the daily digest


def local_zone() -> ZoneInfo:
    """The programme's local time zone (`CYD_TIMEZONE`, see settings)."""
    return settings.current().timezone


def quiet_until(at: dt.datetime, start: str | None, end: str | None) -> dt.datetime | None:
    """When the quiet hours around `at` end (UTC), or None if `at` is not in them.

    `start` and `end` are 'HH:MM' local times; quiet hours may run past midnight.
    """
    if not start or not end:
        return None
    zone = local_zone()
    local = at.astimezone(zone)
    begins, ends = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    now = local.time().replace(tzinfo=None)
    if begins < ends:
        inside, end_day = begins <= now < ends, local.date()
    else:  # e.g. 21:00 to 08:00: past midnight
        inside = now >= begins or now < ends
        end_day = local.date() + dt.timedelta(days=1) if now >= begins else local.date()
    if not inside:
        return None
    until = dt.datetime.combine(end_day, ends, tzinfo=zone).astimezone(dt.UTC)
    return until if until > at else None  # (a clock change can fold the end back)


def digest_time(day: dt.date) -> dt.datetime:
    """The moment (UTC) of the digest of the local day `day`."""
    return dt.datetime.combine(day, DIGEST_AT, tzinfo=local_zone()).astimezone(dt.UTC)
