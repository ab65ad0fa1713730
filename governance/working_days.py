"""Working days and the deadlines people read. Pure: the bank holidays come in as values.

A working day is Monday to Friday and not a bank holiday of England and Wales (the
services load them, `services.working_calendar`). A deadline is the end of a working
day, 17:00 in the programme's local time: people plan by days, and a minute-precise
deadline computed from when someone happened to act ("6:42pm on Christmas Eve") is
one nobody can use. Every policy counted in days (`voting_days`, `more_time_days`,
`review_days`, `board_pack_days_before`) counts working days.

Deadlines are given back in UTC, as every stored time is; 17:00 local is 16:00 UTC in
summer time and 17:00 UTC in winter.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

END_OF_DAY = dt.time(17, 0)
LONDON = ZoneInfo("Europe/London")


# The days off: any set of dates (the services pass one read when first asked).
Holidays = AbstractSet[dt.date]


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """The days that count: weekdays that are not `holidays`, in the zone `tz`.

    The default (no bank holidays) is for pure code and tests that do not care about
    them; the services always pass the programme's calendar with its bank holidays.
    """

    holidays: Holidays = field(default_factory=frozenset)
    tz: dt.tzinfo = LONDON

    def is_working_day(self, day: dt.date) -> bool:
        return is_working_day(day, self.holidays)


WEEKDAYS = WorkingCalendar()


def is_working_day(day: dt.date, holidays: Holidays = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: dt.date, holidays: Holidays = frozenset()) -> dt.date:
    """The first working day after `day` (never `day` itself)."""
    day += dt.timedelta(days=1)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date, holidays: Holidays = frozenset()) -> dt.date:
    """`day` if people work that day, else the next working day: where a deadline that
    would fall on a weekend or a bank holiday moves to."""
    return day if is_working_day(day, holidays) else next_working_day(day, holidays)


def previous_working_day(day: dt.date, holidays: Holidays = frozenset()) -> dt.date:
    """The last working day before `day` (never `day` itself)."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day, holidays):
        day -= dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int, holidays: Holidays = frozenset()) -> dt.date:
    """The `n`-th working day after `day` (before it, for a negative `n`).

    With `n` = 0: `day` if it is a working day, else the next one.
    """
    try:
        return _add_remembered(day, n, holidays)
    except TypeError:  # a set that cannot be hashed (a plain `set`): counted each time
        return _add_working_days(day, n, holidays)


# A sweep asks the same few questions for thousands of ventures (each step of the cadence
# from each deadline day): the answers depend only on the day, the count and the
# (immutable) holidays, so they are remembered. 16,384 answers: a few MB at most.
@functools.lru_cache(maxsize=16384)
def _add_remembered(day: dt.date, n: int, holidays: Holidays) -> dt.date:
    return _add_working_days(day, n, holidays)


def _add_working_days(day: dt.date, n: int, holidays: Holidays) -> dt.date:
    if n == 0:
        return working_day_on_or_after(day, holidays)
    step = next_working_day if n > 0 else previous_working_day
    for _ in range(abs(n)):
        day = step(day, holidays)
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Holidays) -> int:
    """The `k` with `add_working_days(start, k) == end`, for a working day `end`: the
    working days after `start` up to `end`, or minus those from `end` up to before
    `start` when `end` is earlier."""
    if end >= start:
        days = (start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1))
        return sum(is_working_day(d, holidays) for d in days)
    days = (end + dt.timedelta(days=i) for i in range((start - end).days))
    return -sum(is_working_day(d, holidays) for d in days)


def end_of_working_day(day: dt.date, tz: dt.tzinfo = LONDON) -> dt.datetime:
    """17:00 local on `day`, in UTC. 17:00 is never in a clock change's gap or overlap
    (those are at 01:00 and 02:00), so the local time always exists and is unique."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=tz).astimezone(dt.UTC)


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The local day at `moment`; a time without a zone is UTC, as every stored one is."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz).date()


def deadline_after(
    now: dt.datetime, n_working_days: int, calendar: WorkingCalendar = WEEKDAYS
) -> dt.datetime:
    """The end (17:00 local) of the `n_working_days`-th working day after the local day
    of `now`. Counting from the day rather than the minute is the point: whoever acts
    on a given day gets the same deadline, whatever the hour. With 0: the end of today
    if it is a working day not yet over, else of the next working day."""
    today = local_day(now, calendar.tz)
    if n_working_days <= 0:
        day = working_day_on_or_after(today, calendar.holidays)
        end = end_of_working_day(day, calendar.tz)
        if end >= now:
            return end
        return end_of_working_day(next_working_day(day, calendar.holidays), calendar.tz)
    return end_of_working_day(
        add_working_days(today, n_working_days, calendar.holidays), calendar.tz
    )


def extended(
    deadline: dt.datetime, now: dt.datetime, n_working_days: int, calendar: WorkingCalendar
) -> dt.datetime:
    """A deadline given `n_working_days` more: counted from the later of the deadline in
    force and now, so more time is never less than it says."""
    return deadline_after(max(deadline, now), n_working_days, calendar)


def last_working_day_before(meeting: dt.date, calendar: WorkingCalendar) -> dt.datetime:
    """The end of the last working day before a meeting: when a vote for it must close,
    so the Board meets knowing its decision."""
    return end_of_working_day(previous_working_day(meeting, calendar.holidays), calendar.tz)


def papers_day(meeting: dt.date, working_days_before: int, calendar: WorkingCalendar) -> dt.date:
    """The day papers for `meeting` go out: `working_days_before` working days before it
    (at least that many full working days to read them)."""
    if working_days_before <= 0:
        return meeting
    return add_working_days(meeting, -working_days_before, calendar.holidays)


def meeting_for(
    opened: dt.date,
    meetings: Iterable[dt.date],
    working_days_before: int,
    calendar: WorkingCalendar,
) -> dt.date | None:
    """The meeting a vote opened on `opened` is for: the first whose papers have not
    gone yet (its papers day is `opened` or later), so the venture is on its agenda."""
    ahead = sorted(
        m
        for m in set(meetings)
        if papers_day(m, working_days_before, calendar) >= opened and m > opened
    )
    return ahead[0] if ahead else None


def vote_closes(
    now: dt.datetime,
    voting_days: int,
    calendar: WorkingCalendar,
    meetings: Iterable[dt.date] = (),
    working_days_before: int = 0,
) -> dt.datetime:
    """When a vote opened `now` closes: `voting_days` working days on, but never after
    the meeting it is for (the end of the working day before it), when one is known."""
    closes = deadline_after(now, voting_days, calendar)
    meeting = meeting_for(local_day(now, calendar.tz), meetings, working_days_before, calendar)
    if meeting is None:
        return closes
    cap = last_working_day_before(meeting, calendar)
    return min(closes, cap) if cap > now else closes
