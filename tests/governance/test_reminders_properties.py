"""Properties of the reminder rules over random cadences and deadlines that move:
never the same reminder twice, never about an old deadline, never two reminders
closer than the cadence's spacing (in working days), never on a weekend, and a
genuinely new occasion always reminded.
A vote with two members waiting (the chair and another, who has a supporter) and no
database: each sweep gives `due` what the sweeps before it sent, with the time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.lifecycle import VentureState as S
from governance.programme import ReminderPolicy
from governance.reminders import (
    Due,
    OpenBallot,
    OpenTranslation,
    ReminderSnapshot,
    Sent,
    local_day,
    occasion,
    parse_step,
    spacing,
    steps,
)
from governance.reminders import (
    due as due_now,
)
from governance.working_days import (
    add_working_days,
    is_working_day,
    previous_working_day,
    working_days_between,
)

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
LEAD, CHAIR, MEMBER, SUPPORTER = "lead@x.org", "chair@x.org", "m1@x.org", "sup@x.org"
FIRST_DAY = dt.date(2026, 11, 1)  # the first sweep's day

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def policies() -> st.SearchStrategy[ReminderPolicy]:
    before = st.lists(st.integers(0, 14), unique=True, max_size=4)
    after = st.lists(st.integers(1, 10), unique=True, max_size=3)
    return st.builds(
        lambda b, a, e: ReminderPolicy(
            before_deadline_days=b, after_deadline_days=a, escalate_after=e
        ),
        before,
        after,
        st.integers(1, 4),
    ).filter(lambda p: len(steps(p)) > 0)


def snapshot(deadline: dt.datetime) -> ReminderSnapshot:
    return ReminderSnapshot(
        venture_id="v-1",
        gate_id="design",
        state=S.AWAITING_BOARD,
        lead=LEAD,
        chair=CHAIR,
        board=(CHAIR, MEMBER),
        ballot=OpenBallot(1, deadline),
        supporters=frozenset({(SUPPORTER, MEMBER)}),
    )


@dataclass
class Record:
    """One reminder or escalation a sweep sent: what, when, and the deadline in force."""

    item: Due
    at: dt.datetime
    deadline: dt.datetime


@dataclass
class Run:
    """Sweeps on the given days, the deadline moved before the sweep of some days."""

    policy: ReminderPolicy
    tz: dt.tzinfo
    sent: list[Record] = field(default_factory=list)
    moved_on: list[dt.date] = field(default_factory=list)

    def sweep(self, deadline: dt.datetime, now: dt.datetime) -> None:
        history = [Sent(s.item.key, s.at) for s in self.sent]
        for item in due_now(snapshot(deadline), self.policy, now, history, tz=self.tz):
            self.sent.append(Record(item, now, deadline))

    def reminders(self, person: str) -> list[Record]:
        return [s for s in self.sent if s.item.kind == "reminder" and s.item.person == person]

    def day(self, moment: dt.datetime) -> dt.date:
        return local_day(moment, self.tz)


def at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=UTC)


def simulate(
    policy: ReminderPolicy,
    start: dt.datetime,
    moves: dict[int, int],
    days: int,
    *,
    skipped: frozenset[int] = frozenset(),
    hours: tuple[int, ...] = (9,),
    tz: dt.tzinfo = UTC,
) -> tuple[Run, dt.datetime]:
    """Sweep on each of `days` days (but the skipped), at each of `hours`; on day n
    of `moves`, before its sweeps, the deadline moves by that many days."""
    run = Run(policy, tz)
    deadline = start
    for n in range(days):
        day = FIRST_DAY + dt.timedelta(days=n)
        if n in moves:
            deadline += dt.timedelta(days=moves[n])
            run.moved_on.append(day)
        if n in skipped:
            continue
        for hour in hours:
            run.sweep(deadline, dt.datetime.combine(day, dt.time(hour), tzinfo=UTC))
    return run, deadline


def deadlines() -> st.SearchStrategy[dt.datetime]:
    """A first deadline 22–46 days after the first sweep, at any hour: the earliest step
    (14 working days before, at most 20 days) comes after the first sweep."""
    return st.builds(
        lambda d, h: dt.datetime.combine(FIRST_DAY + dt.timedelta(days=d), dt.time(h), UTC),
        st.integers(22, 46),
        st.integers(0, 23),
    )


# Moves: on a day of the run (0–60), by -3 to +21 days (a lead may also shorten one).
MOVES = st.dictionaries(st.integers(0, 60), st.integers(-3, 21), max_size=5)


@SETTINGS
@given(
    policy=policies(),
    start=deadlines(),
    moves=MOVES,
    skipped=st.frozensets(st.integers(0, 90), max_size=30),
    hours=st.lists(st.integers(0, 23), min_size=1, max_size=3, unique=True).map(
        lambda h: tuple(sorted(h))
    ),
    tz=st.sampled_from([UTC, LONDON]),
)
def test_never_twice_never_too_soon_never_about_an_old_deadline(
    policy: ReminderPolicy,
    start: dt.datetime,
    moves: dict[int, int],
    skipped: frozenset[int],
    hours: tuple[int, ...],
    tz: dt.tzinfo,
) -> None:
    run, _ = simulate(policy, start, moves, 90, skipped=skipped, hours=hours, tz=tz)
    keys = [s.item.key for s in run.sent]
    assert len(keys) == len(set(keys)), "the same reminder or escalation twice"
    gaps = spacing(policy)
    for person in (CHAIR, MEMBER):
        mine = run.reminders(person)
        assert [s.item.count for s in mine] == list(range(1, len(mine) + 1))
        for s in mine:
            # Each names the deadline in force when it was sent, never an old one.
            parsed = parse_step(s.item.step)
            assert parsed is not None
            assert parsed[1] == local_day(s.deadline, tz)
            # A supporter's copy goes with each reminder to the person they support.
            assert s.item.copies == ((SUPPORTER,) if person == MEMBER else ())
        for i, earlier in enumerate(mine):
            first = parse_step(earlier.item.step)
            assert first is not None
            for later in mine[i + 1 :]:
                second = parse_step(later.item.step)
                assert second is not None
                if first[0] >= second[0]:
                    # The same step (or an earlier one) again: never within its spacing.
                    apart = working_days_between(
                        run.day(earlier.at), run.day(later.at), frozenset()
                    )
                    assert apart >= gaps[second[0]], (earlier.item.step, later.item.step)
    # Nobody is reminded, nor anyone told, on a weekend.
    assert all(is_working_day(run.day(s.at)) for s in run.sent)
    assert all(s.item.copies == () for s in run.sent if s.item.kind == "escalation")
    assert SUPPORTER not in {s.item.to for s in run.sent}  # copied, never reminded


@SETTINGS
@given(policy=policies(), start=deadlines(), moves=MOVES)
def test_a_step_whose_day_comes_its_spacing_after_the_last_move_is_sent_that_day(
    policy: ReminderPolicy, start: dt.datetime, moves: dict[int, int]
) -> None:
    run, deadline = simulate(policy, start, moves, 90)
    last_move = max(run.moved_on, default=FIRST_DAY)
    gaps = spacing(policy)
    final_day = deadline.date()
    for person in (CHAIR, MEMBER):
        sent_on = {(s.item.step, run.day(s.at)) for s in run.reminders(person)}
        for step in steps(policy):
            own_day = occasion(step, final_day)
            if FIRST_DAY < own_day < FIRST_DAY + dt.timedelta(days=90) and (
                working_days_between(last_move, own_day, frozenset()) >= gaps[step.offset]
            ):
                assert (f"{step.name}@{final_day.isoformat()}", own_day) in sent_on


@SETTINGS
@given(
    policy=policies(),
    start=deadlines(),
    move_on=st.integers(1, 45),
    extra=st.integers(0, 14),
)
def test_after_an_extension_of_a_week_or_more_the_cadence_runs_again(
    policy: ReminderPolicy, start: dt.datetime, move_on: int, extra: int
) -> None:
    # Moved later by at least every spacing of the cadence (a week, for the default one),
    # in working days from the last working day of the first deadline, to a working day.
    gaps = spacing(policy)
    first_day = start.date()
    last_working = first_day if is_working_day(first_day) else previous_working_day(first_day)
    new_day = add_working_days(last_working, max(7, *gaps.values()) + extra)
    days = (new_day - first_day).days
    run, deadline = simulate(policy, start, {move_on: days}, 100)
    moved = FIRST_DAY + dt.timedelta(days=move_on)
    final_day = deadline.date()
    offsets = [s.offset for s in steps(policy)]
    for person in (CHAIR, MEMBER):
        mine = run.reminders(person)
        before = [s for s in mine if run.day(s.at) < moved]
        if not before:
            continue
        last = parse_step(before[-1].item.step)
        assert last is not None
        if last[0] == offsets[-1]:
            continue  # the cadence was over; the steps of the new deadline are judged afresh
        # The step last sent, and every one after it, again for the new deadline, each on
        # its own day.
        sent_on = {(s.item.step, run.day(s.at)) for s in mine}
        for offset, step in zip(offsets, steps(policy), strict=True):
            own_day = occasion(step, final_day)
            if offset >= last[0] and own_day < FIRST_DAY + dt.timedelta(days=100):
                assert own_day >= moved
                assert (f"{step.name}@{final_day.isoformat()}", own_day) in sent_on


TRANSLATORS, ADMINS = ("t1@x.org", "t2@x.org"), ("a1@x.org", "a2@x.org")


@SETTINGS
@given(
    policy=policies(),
    due_at=deadlines(),
    skipped=st.frozensets(st.integers(0, 60), max_size=20),
    translators=st.integers(1, 2),
)
def test_translators_are_reminded_like_anyone_and_the_admins_told_once_when_overdue(
    policy: ReminderPolicy, due_at: dt.datetime, skipped: frozenset[int], translators: int
) -> None:
    people = TRANSLATORS[:translators]
    snapshot = ReminderSnapshot(
        venture_id="v-1",
        gate_id="design",
        state=S.DRAFT,  # no deadline for the answers: only the translation is waited on
        lead=LEAD,
        chair=CHAIR,
        translations=(OpenTranslation(5, due_at),),
        translators=people,
        admins=ADMINS,
    )
    history: list[Sent] = []
    found: list[tuple[dt.date, Due]] = []
    for n in range(60):
        if n in skipped:
            continue
        now = at_nine(FIRST_DAY + dt.timedelta(days=n))
        items = due_now(snapshot, policy, now, history)
        history += [Sent(d.key, now) for d in items]
        found += [(now.date(), d) for d in items]
    keys = [d.key for _, d in found]
    assert len(keys) == len(set(keys)), "the same reminder or escalation twice"
    assert all(is_working_day(day) for day, _ in found)
    assert {(d.ballot, d.action.value) for _, d in found} <= {(5, "translate")}
    reminders = [(day, d) for day, d in found if d.kind == "reminder"]
    # Each step reminds every translator, together, counting up.
    by_day: dict[dt.date, set[str]] = {}
    for day, d in reminders:
        by_day.setdefault(day, set()).add(d.to)
    assert all(told == set(people) for told in by_day.values())
    for person in people:
        mine = [d.count for _, d in reminders if d.to == person]
        assert mine == list(range(1, len(mine) + 1))
    # The admins, each once, only when it is overdue and after `escalate_after`.
    escalations = [d for _, d in found if d.kind == "escalation"]
    assert sorted(d.to for d in escalations) == sorted({d.to for d in escalations})
    assert {d.to for d in escalations} <= set(ADMINS)
    assert all(d.days_left < 0 and d.count >= policy.escalate_after for d in escalations)
