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
from dataclasses import dataclass

import holidays
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
    days = holidays.country_holidays(
        COUNTRY, subdiv=SUBDIVISION, years=range(first_year, last_year + 1)
    )
    return frozenset(days.keys())


def working_calendar(around: dt.date | None = None) -> WorkingCalendar:
    """The calendar the programme's deadlines count in, for dates near `around`
    (default: today)."""
    tz = settings.current().timezone
    year = (around or dt.datetime.now(tz).date()).year
    return WorkingCalendar(bank_holidays(year - 1, year + 3), tz)


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
