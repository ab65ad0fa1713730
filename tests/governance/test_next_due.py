"""`next_due`: when a venture's reminders may next be due, for the sweeps that read only
the ventures whose time has come. Never late (no day on which `due` gives something
comes before it), exact (something is due at the time it gives, unless it is the look
a month on), over random cadences, deadlines, bank holidays, zones and histories."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.programme import ReminderPolicy
from governance.reminders import MAX_LOOK_AHEAD, Sent, due, next_due
from governance.working_days import WorkingCalendar
from tests.governance.test_reminders_properties import policies, snapshot

UTC = dt.UTC
ZONES = (UTC, ZoneInfo("Europe/London"), ZoneInfo("America/New_York"))
BASE = dt.datetime(2026, 10, 1, tzinfo=UTC)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=policies(),
    deadline_hours=st.integers(0, 24 * 70),
    sweeps=st.lists(st.integers(0, 24 * 60), max_size=6),
    now_hours=st.integers(0, 24 * 60),
    holidays=st.sets(st.integers(0, 90), max_size=6),
    zone=st.sampled_from(ZONES),
)
def test_never_late_and_exact(
    policy: ReminderPolicy,
    deadline_hours: int,
    sweeps: list[int],
    now_hours: int,
    holidays: set[int],
    zone: dt.tzinfo,
) -> None:
    calendar = WorkingCalendar(frozenset(BASE.date() + dt.timedelta(days=d) for d in holidays))
    base = snapshot(BASE + dt.timedelta(hours=deadline_hours))
    s = replace(base, calendar=calendar)
    # The history: what earlier sweeps sent (each at its time), then a sweep at `now`.
    sent: list[Sent] = []
    for hours in sorted(h for h in sweeps if h < now_hours):
        at = BASE + dt.timedelta(hours=hours)
        sent += [Sent(item.key, at) for item in due(s, policy, at, sent, tz=zone)]
    now = BASE + dt.timedelta(hours=now_hours)
    sent += [Sent(item.key, now) for item in due(s, policy, now, sent, tz=zone)]
    found = next_due(s, policy, now, sent, tz=zone)
    assert found is None or found > now  # all that was due now has been sent
    # Never late: every later hour before it has nothing due.
    horizon = found if found is not None else now + MAX_LOOK_AHEAD
    at = now + dt.timedelta(hours=1)
    while at < horizon:
        assert not due(s, policy, at, sent, tz=zone), (at, found)
        at += dt.timedelta(hours=1)
    # Exact: something is due then (unless it is the look at the end of the horizon).
    if found is not None and found < now + MAX_LOOK_AHEAD:
        assert due(s, policy, found, sent, tz=zone)
