"""Working days and deadlines: properties over any day, and the holidays people know.

The holidays here are England and Wales bank holidays of 2026 and 2027 written out,
so the pure rules are tested without the library the services load them with.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from governance.working_days import (
    WorkingCalendar,
    add_working_days,
    deadline_after,
    end_of_working_day,
    extended,
    is_working_day,
    last_working_day_before,
    local_day,
    meeting_for,
    next_working_day,
    papers_day,
    vote_closes,
    working_day_on_or_after,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")
BANK_HOLIDAYS = frozenset(
    dt.date.fromisoformat(d)
    for d in [
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",
        "2027-12-28",
    ]
)
CAL = WorkingCalendar(BANK_HOLIDAYS, LONDON)

moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2027, 11, 30),
    timezones=st.just(dt.UTC),
)
counts = st.integers(min_value=0, max_value=40)


def at_five_local(moment: dt.datetime) -> bool:
    local = moment.astimezone(LONDON)
    return (local.hour, local.minute, local.second, local.microsecond) == (17, 0, 0, 0)


@given(moments, counts)
def test_a_deadline_is_a_working_day_at_five_local_and_never_before_now(
    now: dt.datetime, n: int
) -> None:
    deadline = deadline_after(now, n, CAL)
    assert deadline.tzinfo is dt.UTC
    assert at_five_local(deadline)
    assert CAL.is_working_day(deadline.astimezone(LONDON).date())
    assert deadline >= now


@given(moments, counts)
def test_a_deadline_counts_exactly_n_working_days_from_today(now: dt.datetime, n: int) -> None:
    today = local_day(now, LONDON)
    day = deadline_after(now, max(n, 1), CAL).astimezone(LONDON).date()
    assert working_days_between(today, day, BANK_HOLIDAYS) == max(n, 1)


@given(moments, counts, counts)
def test_deadlines_are_monotone_in_n(now: dt.datetime, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert deadline_after(now, low, CAL) <= deadline_after(now, high, CAL)
    if 1 <= low < high:
        assert deadline_after(now, low, CAL) < deadline_after(now, high, CAL)


@given(moments, moments, counts)
def test_deadlines_are_monotone_in_now(a: dt.datetime, b: dt.datetime, n: int) -> None:
    early, late = sorted((a, b))
    assert deadline_after(early, n, CAL) <= deadline_after(late, n, CAL)


@given(moments)
def test_whoever_acts_on_a_day_gets_the_same_deadline(now: dt.datetime) -> None:
    today = local_day(now, LONDON)
    morning = dt.datetime.combine(today, dt.time(0, 1), tzinfo=LONDON)
    assert deadline_after(now, 5, CAL) == deadline_after(morning, 5, CAL)


@given(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), st.integers(-40, 40))
def test_adding_working_days_lands_on_a_working_day_and_counts_back(day: dt.date, n: int) -> None:
    landed = add_working_days(day, n, BANK_HOLIDAYS)
    assert is_working_day(landed, BANK_HOLIDAYS)
    if n != 0:
        assert working_days_between(day, landed, BANK_HOLIDAYS) == n


@given(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
def test_the_next_working_day_skips_only_days_off(day: dt.date) -> None:
    nxt = next_working_day(day, BANK_HOLIDAYS)
    assert nxt > day
    assert is_working_day(nxt, BANK_HOLIDAYS)
    between = (day + dt.timedelta(days=i) for i in range(1, (nxt - day).days))
    assert not any(is_working_day(d, BANK_HOLIDAYS) for d in between)


def test_christmas_2026_moves_to_the_next_working_day() -> None:
    # Thu 24 Dec; Fri 25 Christmas Day; Sat, Sun; Mon 28 Boxing Day (substitute).
    assert working_day_on_or_after(dt.date(2026, 12, 25), BANK_HOLIDAYS) == dt.date(2026, 12, 29)
    assert working_day_on_or_after(dt.date(2026, 12, 28), BANK_HOLIDAYS) == dt.date(2026, 12, 29)
    christmas_eve = dt.datetime(2026, 12, 24, 18, 42, tzinfo=LONDON)
    assert deadline_after(christmas_eve, 1, CAL) == dt.datetime(2026, 12, 29, 17, 0, tzinfo=dt.UTC)


def test_easter_monday_2027_is_not_a_working_day() -> None:
    thursday = dt.datetime(2027, 3, 25, 9, 0, tzinfo=LONDON)
    # Good Friday 26 March and Easter Monday 29 March are skipped.
    assert deadline_after(thursday, 1, CAL).astimezone(LONDON) == dt.datetime(
        2027, 3, 30, 17, 0, tzinfo=LONDON
    )


def test_five_pm_local_follows_summer_time() -> None:
    assert end_of_working_day(dt.date(2026, 7, 1), LONDON) == dt.datetime(
        2026, 7, 1, 16, 0, tzinfo=dt.UTC
    )
    assert end_of_working_day(dt.date(2026, 12, 1), LONDON) == dt.datetime(
        2026, 12, 1, 17, 0, tzinfo=dt.UTC
    )


def test_a_deadline_of_no_days_is_today_until_five_then_the_next_working_day() -> None:
    friday_noon = dt.datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)
    friday_six = dt.datetime(2026, 12, 4, 18, 0, tzinfo=LONDON)
    assert deadline_after(friday_noon, 0, CAL).astimezone(LONDON).day == 4
    assert deadline_after(friday_six, 0, CAL).astimezone(LONDON).day == 7


@given(moments, moments, st.integers(1, 20))
def test_more_time_is_never_less_than_it_says(
    deadline: dt.datetime, now: dt.datetime, n: int
) -> None:
    new = extended(deadline, now, n, CAL)
    later = max(deadline, now)
    assert new > later
    counted = working_days_between(local_day(later, LONDON), local_day(new, LONDON), BANK_HOLIDAYS)
    assert counted == n


def test_papers_go_seven_working_days_before_a_meeting() -> None:
    # Tue 12 Jan 2027: back over the weekends and New Year's Day.
    assert papers_day(dt.date(2027, 1, 12), 7, CAL) == dt.date(2026, 12, 31)
    assert papers_day(dt.date(2026, 12, 8), 7, CAL) == dt.date(2026, 11, 27)


@given(
    moments,
    st.integers(1, 30),
    st.lists(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), max_size=6),
    st.integers(0, 10),
)
def test_a_vote_never_closes_after_the_meeting_it_is_for(
    now: dt.datetime, days: int, meetings: list[dt.date], before: int
) -> None:
    closes = vote_closes(now, days, CAL, meetings, before)
    assert closes > now
    assert at_five_local(closes)
    assert closes <= deadline_after(now, days, CAL)
    meeting = meeting_for(local_day(now, LONDON), meetings, before, CAL)
    if meeting is not None and last_working_day_before(meeting, CAL) > now:
        assert local_day(closes, LONDON) < meeting


def test_a_vote_opened_before_the_papers_closes_the_working_day_before_the_meeting() -> None:
    opened = dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
    closes = vote_closes(opened, 14, CAL, [dt.date(2026, 12, 8)], 7)
    assert closes.astimezone(LONDON) == dt.datetime(2026, 12, 7, 17, 0, tzinfo=LONDON)


@given(
    st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    st.integers(-40, 40),
    st.sets(st.dates(dt.date(2026, 1, 1), dt.date(2028, 3, 31)), max_size=30),
)
def test_remembered_answers_are_the_holidays_own(
    day: dt.date, n: int, days_off: set[dt.date]
) -> None:
    """Answers are remembered by (day, n, holidays): another set of days off, equal or
    not, hashable or not (a plain `set` is counted each time), gets its own answer."""
    frozen = frozenset(days_off)
    landed = add_working_days(day, n, frozen)
    assert add_working_days(day, n, days_off) == landed  # a plain set, not remembered
    assert is_working_day(landed, frozen)
    if n != 0:
        assert working_days_between(day, landed, frozen) == n
    with_one_more = frozen | {landed}
    assert add_working_days(day, n, with_one_more) != landed
