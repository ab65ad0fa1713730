"""The sweeps read only the ventures whose time has come (models.due), and send exactly
what a sweep over every open venture would.

- The indexed sweep against the full scan it replaced (`full_plan`, kept here as the
  reference): random schedules of sweeps and actions over six weeks, on SQLite and
  PostgreSQL (Hypothesis), each sweep sends exactly what the full scan finds due then.
- A venture's next time is set after a sweep; an hourly re-sweep with nothing new due
  reads none; any change to a venture (an audit entry) or to the programme's people
  makes it due at once; the advance sweep keeps its own time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import SQLModel, select

from checklists.loader import Library, load_library
from governance.reminders import SentKey, due_all
from models import tables as t
from models.db import read_session
from services.advancing import waiting_ventures
from services.commands import Cyd, extend, record_review, start_venture, vote
from services.reminders import load_snapshots, local_zone, reminder_policy, sent_records, sweep
from tests.flows import scenario
from tests.flows.scenario import BOARD, LEAD, REVIEWERS, make_cyd, programme_text

UTC = dt.UTC
START = dt.datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def full_plan(engine: Engine, now: dt.datetime) -> set[SentKey]:
    """The reference: what the sweep over every open venture (before due times) would
    send now. One read of every venture someone may be waited on for."""
    with read_session(engine) as session:
        policy = reminder_policy(session)
        snapshots = load_snapshots(session)
        sent = sent_records(session, [s.venture_id for s in snapshots])
    found = due_all(snapshots, policy, now, sent, tz=local_zone())
    return {item.key for items in found.values() for item in items}


def sent_keys(engine: Engine) -> set[SentKey]:
    with read_session(engine) as session:
        emails = {p.id: p.email for p in session.exec(select(t.Person))}
        return {
            SentKey(r.venture_id, r.gate_id, r.ballot, emails[r.person_id], r.action, r.step)
            for r in session.exec(select(t.ReminderSent))
        }


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != "alembic_version":
                connection.execute(table.delete())


def setup(engine: Engine, library: Library) -> tuple[Cyd, dict[str, str]]:
    """Four ventures: one in review, one at the Board, one waiting on its Welsh title,
    one in draft (its lead asks for more time below)."""
    _empty(engine)
    cyd = make_cyd(engine, library, programme_text())
    cyd.clock.set(START)  # type: ignore[attr-defined]
    ventures = {
        "review": scenario.to_review(cyd, "Community café", "Caffi cymunedol"),
        "board": scenario.to_board(cyd, "Garden project", "Prosiect gardd"),
        "title": start_venture(
            cyd, workstream="day-opportunities", title="Library", lead=LEAD
        ).venture_id,
        "draft": start_venture(
            cyd, workstream="day-opportunities", title="Allotment", lead=LEAD, title_other="Rhandir"
        ).venture_id,
    }
    return cyd, ventures


ACTIONS = ("review", "vote", "extend-draft", "extend-review", "none")


def act(cyd: Cyd, ventures: dict[str, str], action: str, who: int, day: dt.date) -> None:
    try:
        if action == "review":
            record_review(cyd, ventures["review"], by=REVIEWERS[who % 2], recommend="go")
        elif action == "vote":
            member = [m for m in BOARD if m != LEAD][who % 5]
            vote(cyd, ventures["board"], member=member, choice="approve", reason="Good.")
        elif action == "extend-draft":
            extend(
                cyd,
                ventures["draft"],
                until=day + dt.timedelta(days=3 + who),
                by=LEAD,
                reason="Time.",
            )
        elif action == "extend-review":
            extend(
                cyd,
                ventures["review"],
                until=day + dt.timedelta(days=5 + who),
                by=LEAD,
                reason="Time.",
            )
    except Exception:  # refused (already done, not allowed now): nothing changed
        return


schedules = st.lists(
    st.tuples(
        st.integers(0, 3),  # days since the last sweep
        st.integers(0, 23),  # the hour (UTC)
        st.sampled_from(ACTIONS),
        st.integers(0, 9),
    ),
    min_size=3,
    max_size=14,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schedule=schedules)
def test_the_indexed_sweep_sends_exactly_what_the_full_scan_would(
    engine: Engine, library: Library, schedule: list[tuple[int, int, str, int]]
) -> None:
    cyd, ventures = setup(engine, library)
    day = START.date()
    for gap, hour, action, who in schedule:
        day += dt.timedelta(days=gap)
        now = dt.datetime.combine(day, dt.time(hour), UTC)
        cyd.clock.set(now)  # type: ignore[attr-defined]
        act(cyd, ventures, action, who, day)
        before = sent_keys(engine)
        expected = full_plan(engine, now)
        sweep(engine, now)
        assert sent_keys(engine) - before == expected, now


def due_ids(engine: Engine, now: dt.datetime) -> list[str]:
    with read_session(engine) as session:
        return list(
            session.exec(
                select(t.Venture.id).where(t.Venture.next_reminder_at <= now)  # type: ignore[operator]
            )
        )


@pytest.fixture
def cyd_ventures(engine: Engine, library: Library) -> tuple[Cyd, dict[str, str]]:
    return setup(engine, library)


def test_after_a_sweep_nothing_is_read_until_its_time(
    engine: Engine, cyd_ventures: tuple[Cyd, dict[str, str]]
) -> None:
    cyd, ventures = cyd_ventures
    now = START + dt.timedelta(hours=1)
    assert set(due_ids(engine, now)) == set(ventures.values())  # new: due at once
    sweep(engine, now)
    assert due_ids(engine, now + dt.timedelta(hours=1)) == []  # an hourly re-sweep reads none
    with read_session(engine) as session:
        times = {v.id: v.next_reminder_at for v in session.exec(select(t.Venture))}
    # The draft has no deadline for its answers: only a change makes anything due.
    assert times[ventures["draft"]] is None
    # The Welsh title is due Thu 5 November: its "d-1" on Wed 4, from local midnight.
    assert times[ventures["title"]] == dt.datetime(2026, 11, 4, tzinfo=UTC)
    # A change to a venture makes it due at once; the others keep their time.
    cyd.clock.set(now)  # type: ignore[attr-defined]
    extend(cyd, ventures["draft"], until=dt.date(2026, 11, 20), by=LEAD, reason="Time.")
    assert due_ids(engine, now) == [ventures["draft"]]
    sweep(engine, now)
    with read_session(engine) as session:
        draft = session.get(t.Venture, ventures["draft"])
        assert draft is not None
        assert draft.next_reminder_at is not None
        assert draft.next_reminder_at > now


def test_the_advance_sweep_keeps_its_own_time(
    engine: Engine, library: Library, cyd_ventures: tuple[Cyd, dict[str, str]]
) -> None:
    _, ventures = cyd_ventures
    now = START + dt.timedelta(hours=1)
    assert waiting_ventures(engine, library, now) == []  # nothing to move on now
    with read_session(engine) as session:
        times = {v.id: v.next_advance_at for v in session.exec(select(t.Venture))}
    assert times[ventures["draft"]] is None  # waits for its lead alone
    # In review: looked at again from the next local midnight (relative date tests).
    assert times[ventures["review"]] == dt.datetime(2026, 11, 3, tzinfo=UTC)
    later = now + dt.timedelta(hours=1)
    with read_session(engine) as session:
        due_now = session.exec(
            select(t.Venture.id).where(t.Venture.next_advance_at <= later)  # type: ignore[operator]
        ).all()
    assert due_now == []
