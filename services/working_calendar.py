"""The programme's working calendar: the bank holidays of England and Wales, loaded
here at the edge and handed to the pure rules (`governance.working_days`).

The `holidays` library knows them ("GB", subdivision "WLS": England and Wales share
their bank holidays; Wales has no days of its own), substitute days included (Boxing
Day 2026 falls on a Saturday and is kept on Monday 28 December). The years loaded span
the year before `around` to three years after it: every policy in working days (at most
180 working days) ends inside that span, and a deadline recorded last year still counts
to a day within it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

import settings
from governance.programme import ReminderPolicy
from governance.working_days import WorkingCalendar
from services.local_time import local_day

COUNTRY = "GB"
SUBDIVISION = "WLS"


@functools.cache
def bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    """Bank holidays of England and Wales in the years `first_year`..`last_year`."""
    import holidays  # here, not at the top: a command that counts no days never pays it

    days = holidays.country_holidays(
        COUNTRY, subdiv=SUBDIVISION, years=range(first_year, last_year + 1)
    )
    return frozenset(days.keys())


class BankHolidays(AbstractSet[dt.date]):
    """The bank holidays of `first_year`..`last_year`, read when first asked about: most
    commands (an answer, a vote that decides nothing) count no working day, and loading
    the holidays library costs more than the rest of such a command's own work."""

    __slots__ = ("_days", "_years")

    def __init__(self, first_year: int, last_year: int) -> None:
        self._years = (first_year, last_year)
        self._days: frozenset[dt.date] | None = None

    def _loaded(self) -> frozenset[dt.date]:
        if self._days is None:
            self._days = bank_holidays(*self._years)
        return self._days

    def __contains__(self, day: object) -> bool:
        days = self._days  # asked thousands of times a sweep: no call once loaded
        return day in (days if days is not None else self._loaded())

    def __iter__(self) -> Iterator[dt.date]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __hash__(self) -> int:
        return hash(self._years)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BankHolidays):
            return self._years == other._years
        return AbstractSet.__eq__(self, other)

    def __reduce__(self) -> tuple[Any, ...]:
        return (BankHolidays, self._years)  # sent elsewhere (a flow's task) as its years

    def __repr__(self) -> str:
        return f"BankHolidays{self._years}"


def working_calendar(around: dt.date | None = None) -> WorkingCalendar:
    """The calendar the programme's deadlines count in, for dates near `around`
    (default: today)."""
    tz = settings.current().timezone
    year = (around or dt.datetime.now(tz).date()).year
    return WorkingCalendar(BankHolidays(year - 1, year + 3), tz)


@dataclass(frozen=True, slots=True)
class BoardCalendar:
    """What a vote's closing needs: the working calendar and the Board's meetings."""

    calendar: WorkingCalendar
    meetings: tuple[dt.date, ...] = ()
    papers_working_days: int = ReminderPolicy().board_pack_days_before


def board_calendar(session: Session, now: dt.datetime) -> BoardCalendar:
    """The calendar for a vote opened `now`, from the programme in force. Derived from
    `now` and the stored programme only, so a replay of the audit log closes each vote
    when the original did."""
    from services.programme_import import NoProgrammeError, current_programme

    calendar = working_calendar(local_day(now))
    try:
        programme = current_programme(session)
    except NoProgrammeError:
        return BoardCalendar(calendar)
    return BoardCalendar(
        calendar,
        tuple(sorted(set(programme.board.meetings))),
        programme.reminders.board_pack_days_before,
    )
