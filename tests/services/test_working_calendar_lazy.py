"""The programme's bank holidays are read when first asked about, not when a calendar
is made: a command that counts no working day never loads them."""

from __future__ import annotations

import datetime as dt
import pickle

from governance.working_days import WorkingCalendar, add_working_days
from services.working_calendar import BankHolidays, bank_holidays, working_calendar


def test_a_calendar_made_counts_nothing_until_asked_then_the_same_as_the_holidays() -> None:
    calendar = working_calendar(dt.date(2026, 12, 7))
    holidays = calendar.holidays
    assert isinstance(holidays, BankHolidays)
    assert holidays._days is None  # made, not read
    christmas, boxing_substitute = dt.date(2026, 12, 25), dt.date(2026, 12, 28)
    assert christmas in holidays
    assert boxing_substitute in holidays
    assert holidays._days is not None
    assert set(holidays) == bank_holidays(2025, 2029)
    assert len(holidays) == len(bank_holidays(2025, 2029))
    # Counting working days over Christmas skips the same days as an eager calendar.
    eager = WorkingCalendar(bank_holidays(2025, 2029), calendar.tz)
    start = dt.date(2026, 12, 23)
    assert add_working_days(start, 3, calendar.holidays) == add_working_days(
        start, 3, eager.holidays
    )
    assert add_working_days(start, 3, calendar.holidays) == dt.date(2026, 12, 30)
    assert holidays == bank_holidays(2025, 2029)
    assert bank_holidays(2025, 2029) == holidays


def test_a_calendar_travels_as_its_years() -> None:
    holidays = BankHolidays(2025, 2029)
    again = pickle.loads(pickle.dumps(holidays))  # noqa: S301 - our own object
    assert again == holidays
    assert again._days is None
    assert dt.date(2026, 12, 25) in again
