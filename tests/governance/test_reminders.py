"""The reminder rules: who has not acted, the cadence, escalation, extended deadlines,
never the same reminder twice. Table-driven, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from governance.ballots import Choice, Interest, Vote
from governance.lifecycle import VentureState as S
from governance.programme import ReminderPolicy
from governance.reminders import (
    Action,
    DeadlineSet,
    Due,
    OpenBallot,
    OpenTranslation,
    ReminderSnapshot,
    Sent,
    SentKey,
    deadline_for,
    due,
    due_all,
    parse_step,
    spacing,
    step_due,
    steps,
    waiting_on,
)
from governance.reviews import Recommendation, Review
from governance.working_days import WorkingCalendar

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
POLICY = ReminderPolicy()  # [7, 1, 0] before, [1, 7] after, lead after 2, chair after 4
LEAD, CHAIR = "lead@x.org", "chair@x.org"
R1, R2 = "rev1@x.org", "rev2@x.org"
M1, M2, M3 = "m1@x.org", "m2@x.org", "m3@x.org"
DEADLINE = dt.datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
SUBMITTED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# 14 working days from Fri 20 November: Thu 10 December, 17:00 (GMT).
REVIEW_DUE = dt.datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=UTC)


REVIEW_BY = (DeadlineSet("review", DEADLINE, dt.datetime(2026, 11, 21, tzinfo=UTC)),)


def review(who: str, when: dt.datetime = SUBMITTED, *, stale: bool = False) -> Review:
    return Review(
        id=who,
        reviewer_id=who,
        recommendation=Recommendation.GO,
        given_at=when + dt.timedelta(hours=1),
        stale=stale,
    )


def vote(who: str, choice: Choice = Choice.APPROVE, *, stale: bool = False) -> Vote:
    return Vote(id=who, member_id=who, choice=choice, cast_at=at(1), stale=stale)


def answers(deadline: dt.datetime = DEADLINE, **kw: object) -> ReminderSnapshot:
    values: dict[str, object] = {
        "venture_id": "v-1",
        "gate_id": "design",
        "state": S.DRAFT,
        "lead": LEAD,
        "chair": CHAIR,
        "board": (CHAIR, M1, M2, M3),
        "venture_deadline": deadline,
        "deadlines": (DeadlineSet("answers", deadline, at(1, month=11)),),
    }
    values.update(kw)
    return ReminderSnapshot(**values)  # type: ignore[arg-type]


def in_review(**kw: object) -> ReminderSnapshot:
    values: dict[str, object] = {
        "state": S.IN_REVIEW,
        "submitted_at": SUBMITTED,
        "reviewers_assigned": frozenset({R1, R2}),
        "deadlines": (),
        "venture_deadline": None,
    }
    values.update(kw)
    return answers(**values)


def at_board(ballot: OpenBallot | None = None, **kw: object) -> ReminderSnapshot:
    values: dict[str, object] = {
        "state": S.AWAITING_BOARD,
        "ballot": ballot or OpenBallot(1, DEADLINE),
        "deadlines": (),
    }
    values.update(kw)
    return answers(**values)


def sent(items: Iterable[Due]) -> list[SentKey]:
    return [d.key for d in items]


def timed(items: Iterable[Due], when: dt.datetime) -> list[Sent]:
    """What a sweep at `when` records: each key with the time it was sent."""
    return [Sent(d.key, when) for d in items]


# --- the policy ------------------------------------------------------------------------------


def test_the_default_policy() -> None:
    assert [s.name for s in steps(POLICY)] == ["d-7", "d-1", "d0", "d+1", "d+7"]
    assert POLICY.chair_after == 4
    assert POLICY.board_pack_days_before == 7  # working days: programme policy
    assert POLICY.review_days == 14


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"before_deadline_days": [1, 1]}, "listed twice"),
        ({"before_deadline_days": [-1]}, "between 0 and 365"),
        ({"before_deadline_days": "7"}, "list of whole numbers"),
        ({"after_deadline_days": [0]}, "counts from 1"),
        ({"escalate_after": 0}, "greater than or equal to 1"),
        ({"escalate_after": 3, "escalate_to_chair_after": 2}, "must not be less"),
        ({"remind_every": 3}, "Extra inputs are not permitted"),
        # papers go at least 7 working days before a meeting (programme policy)
        ({"board_pack_days_before": 6}, "at least 7, not 6: papers go at least 7 working"),
        ({"board_pack_days_before": 0}, r"\(programme policy\)"),
    ],
)
def test_a_policy_that_makes_no_sense_is_refused(given: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ReminderPolicy.model_validate(given)


# --- who has not acted -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "action", "people"),
    [
        # answers: the lead, only with a deadline, in draft, returned or recycled
        (answers(), Action.ANSWER, (LEAD,)),
        (answers(state=S.RETURNED), Action.ANSWER, (LEAD,)),
        (answers(state=S.RECYCLED), Action.ANSWER, (LEAD,)),
        (answers(venture_deadline=None, deadlines=()), None, ()),
        (answers(state=S.SUBMITTED), None, ()),
        (answers(state=S.APPROVED), None, ()),
        # reviews: assigned reviewers without a current review since the submission
        (in_review(), Action.REVIEW, (R1, R2)),
        (in_review(reviews=(review(R1),)), Action.REVIEW, (R2,)),
        (in_review(reviews=(review(R1), review(R2))), None, ()),
        (in_review(reviews=(review(R1, stale=True),)), Action.REVIEW, (R1, R2)),
        (
            in_review(reviews=(review(R1, SUBMITTED - dt.timedelta(days=3)),)),
            Action.REVIEW,
            (R1, R2),
        ),
        (in_review(reviewers_assigned=frozenset({R1, LEAD})), Action.REVIEW, (R1,)),
        (in_review(submitted_at=None), None, ()),
        # votes: members not recused and without a vote that counts
        (at_board(), Action.VOTE, (CHAIR, M1, M2, M3)),
        (at_board(OpenBallot(1, DEADLINE, (vote(M1), vote(M2)))), Action.VOTE, (CHAIR, M3)),
        (
            at_board(OpenBallot(1, DEADLINE, (vote(M1, Choice.ABSTAIN),))),
            Action.VOTE,
            (CHAIR, M2, M3),
        ),
        (
            at_board(OpenBallot(1, DEADLINE, (vote(M1, stale=True),))),
            Action.VOTE,
            (CHAIR, M1, M2, M3),
        ),
        (at_board(interests=(Interest(M2, "my sister runs it"),)), Action.VOTE, (CHAIR, M1, M3)),
        (at_board(board=(CHAIR, M1, LEAD)), Action.VOTE, (CHAIR, M1)),  # the lead never decides
        # "I need more time" is acting, until they have had it on this ballot
        (
            at_board(OpenBallot(1, DEADLINE, (vote(M1, Choice.MORE_TIME),))),
            Action.VOTE,
            (CHAIR, M2, M3),
        ),
        (
            at_board(OpenBallot(1, DEADLINE, (vote(M1, Choice.MORE_TIME),), frozenset({M1}))),
            Action.VOTE,
            (CHAIR, M1, M2, M3),
        ),
        (replace(at_board(), ballot=None), None, ()),  # no open ballot
    ],
)
def test_only_those_who_have_not_acted_are_waited_on(
    snapshot: ReminderSnapshot, action: Action | None, people: tuple[str, ...]
) -> None:
    waiting = waiting_on(snapshot, POLICY)
    if action is None:
        assert waiting is None
    else:
        assert waiting is not None
        assert (waiting.action, waiting.people) == (action, people)


# --- the deadline in force ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "action", "expected"),
    [
        (answers(), Action.ANSWER, DEADLINE),
        # the latest deadline set wins, even when it is earlier (a lead may shorten it)
        (
            answers(
                deadlines=(
                    DeadlineSet("answers", DEADLINE, at(1, month=11)),
                    DeadlineSet("answers", DEADLINE + dt.timedelta(days=9), at(2, month=11)),
                )
            ),
            Action.ANSWER,
            DEADLINE + dt.timedelta(days=9),
        ),
        # a review: review_days working days after the submission's day, to 17:00 local,
        # unless a deadline is set since
        (in_review(), Action.REVIEW, REVIEW_DUE),
        (
            in_review(deadlines=(DeadlineSet("answers", DEADLINE, SUBMITTED - dt.timedelta(1)),)),
            Action.REVIEW,
            REVIEW_DUE,
        ),
        (
            in_review(deadlines=(DeadlineSet("answers", at(20), SUBMITTED + dt.timedelta(1)),)),
            Action.REVIEW,
            at(20),
        ),
        (in_review(deadlines=(DeadlineSet("review", at(21), at(1)),)), Action.REVIEW, at(21)),
        # a vote: the ballot's deadline, which every extension moves
        (at_board(OpenBallot(2, at(24))), Action.VOTE, at(24)),
    ],
)
def test_the_deadline_in_force(
    snapshot: ReminderSnapshot, action: Action, expected: dt.datetime
) -> None:
    assert deadline_for(snapshot, action, POLICY) == expected


# --- the cadence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "step"),
    [
        # Thu 10 December's deadline; the steps count working days.
        (at(30, month=11), None),  # Mon 30 November: 8 working days before
        (at(1, 0), "d-7"),  # Tue 1 December: 7 working days before, from the day's start
        (at(8, 23), "d-7"),
        (at(9), "d-1"),
        (at(10, 8), "d0"),
        (at(10, 18), "d0"),  # the deadline passed today: still the day itself
        (at(11), "d+1"),  # Fri 11
        (at(12), None),  # a Saturday: nobody is reminded on a day off
        (at(18), "d+1"),  # Fri 18: six working days after
        (at(21), "d+7"),  # Mon 21: seven working days after
        (dt.datetime(2027, 3, 1, tzinfo=UTC), "d+7"),
    ],
)
def test_the_step_due_is_the_latest_whose_day_has_come(now: dt.datetime, step: str | None) -> None:
    found = step_due(POLICY, DEADLINE, now, UTC)
    assert (found.name if found else None) == step


def test_days_are_counted_in_local_time() -> None:
    # 23:30 UTC on Sunday 31 May is 00:30 on Monday 1 June in London (summer time): 7
    # working days before Wednesday 10 June. In UTC it is still the Sunday: nothing.
    deadline = dt.datetime(2026, 6, 10, 12, tzinfo=UTC)
    late = dt.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert step_due(POLICY, deadline, late, UTC) is None
    found = step_due(POLICY, deadline, late, LONDON)
    assert found is not None
    assert found.name == "d-7"


def test_reminders_follow_the_cadence_and_count_up() -> None:
    snapshot = in_review(reviews=(review(R1),), deadlines=(DeadlineSet("review", DEADLINE, at(1)),))
    history: list[Due] = []
    for day in range(1, 31):
        history += due(snapshot, POLICY, at(day), sent(history))
    reminders = [(d.to, d.step, d.count, d.days_left) for d in history if d.kind == "reminder"]
    # Working days: d-7 on Tue 1, d+7 on Mon 21; `days_left` (what a message says)
    # stays in calendar days.
    assert reminders == [
        (R2, "d-7@2026-12-10", 1, 9),
        (R2, "d-1@2026-12-10", 2, 1),
        (R2, "d0@2026-12-10", 3, 0),
        (R2, "d+1@2026-12-10", 4, -1),
        (R2, "d+7@2026-12-10", 5, -11),
    ]


@pytest.mark.parametrize(
    ("deadline", "steps_on"),
    [
        # A Monday's deadline: "d-1" is the Friday, "d-7" the Tuesday of the week before.
        (
            dt.datetime(2026, 12, 14, 17, tzinfo=UTC),
            {"d-7": 3, "d-1": 11, "d0": 14, "d+1": 15, "d+7": 23},
        ),
        # A Friday's: "d+1" is the Monday.
        (
            dt.datetime(2026, 12, 11, 17, tzinfo=UTC),
            {"d-7": 2, "d-1": 10, "d0": 11, "d+1": 14, "d+7": 22},
        ),
    ],
)
def test_steps_count_working_days_and_never_fall_on_a_weekend(
    deadline: dt.datetime, steps_on: dict[str, int]
) -> None:
    snapshot = answers(deadline)
    history: list[Sent] = []
    found_on: dict[str, int] = {}
    for day in range(1, 31):
        found = due(snapshot, POLICY, at(day), history)
        history += timed(found, at(day))
        found_on |= {d.step.split("@")[0]: day for d in found if d.kind == "reminder"}
    assert found_on == steps_on
    assert all(dt.date(2026, 12, day).weekday() < 5 for day in found_on.values())


def test_no_step_falls_on_a_bank_holiday() -> None:
    # Fri 25 December, Mon 28 December (Boxing Day's substitute) and Fri 1 January are
    # bank holidays: "d-1" before Tue 29 December is Thu 24, "d+1" after Thu 31 is Mon 4.
    holidays = frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1)})
    calendar = WorkingCalendar(holidays, UTC)
    before = answers(dt.datetime(2026, 12, 29, 17, tzinfo=UTC), calendar=calendar)
    assert [d.step for d in due(before, POLICY, at(24))] == ["d-1@2026-12-29"]
    for day in (25, 26, 27, 28):
        assert due(before, POLICY, at(day)) == (), day
    after = answers(dt.datetime(2026, 12, 31, 17, tzinfo=UTC), calendar=calendar)
    assert [d.step for d in due(after, POLICY, dt.datetime(2027, 1, 4, 9, tzinfo=UTC))] == [
        "d+1@2026-12-31"
    ]
    assert due(after, POLICY, dt.datetime(2027, 1, 1, 9, tzinfo=UTC)) == ()


def test_a_late_sweep_sends_the_latest_reminder_only() -> None:
    found = due(answers(), POLICY, at(9))  # the first sweep in a week: the day before
    assert [(d.kind, d.step, d.count) for d in found] == [("reminder", "d-1@2026-12-10", 1)]


def test_never_the_same_reminder_twice() -> None:
    first = due(at_board(), POLICY, at(3))
    assert {d.to for d in first} == {CHAIR, M1, M2, M3}
    assert due(at_board(), POLICY, at(3), sent(first)) == ()
    assert due(at_board(), POLICY, at(5), sent(first)) == ()  # still the same step
    # keys of other ventures (or an older gate) do not stop this one's
    elsewhere = [k._replace(venture_id="v-2") for k in sent(first)]
    assert len(due(at_board(), POLICY, at(3), elsewhere)) == 4


def test_a_new_ballot_reminds_afresh() -> None:
    first = due(at_board(), POLICY, at(9))
    second = at_board(OpenBallot(2, DEADLINE))
    again = due(second, POLICY, at(9), sent(first))
    assert {(d.ballot, d.count) for d in again} == {(2, 1)}


# --- extended deadlines ------------------------------------------------------------------------


def test_an_extended_deadline_is_respected() -> None:
    ballot = OpenBallot(1, DEADLINE)
    history = list(due(at_board(ballot), POLICY, at(3)))  # d-7 of the 10th
    extended = at_board(replace(ballot, deadline=DEADLINE + dt.timedelta(days=14)))
    # The days around the old deadline pass without a reminder: it is not the deadline now.
    for day in (9, 10, 11, 14):
        assert due(extended, POLICY, at(day), sent(history)) == (), day
    # Reminded afresh, counting on, before the new deadline (7 working days: Tue 15).
    found = due(extended, POLICY, at(15), sent(history))
    assert {(d.step, d.count, d.days_left) for d in found} == {("d-7@2026-12-24", 2, 9)}
    history += found
    found = due(extended, POLICY, at(23), sent(history))
    reminders = {(d.step, d.count, d.days_left) for d in found if d.kind == "reminder"}
    assert reminders == {("d-1@2026-12-24", 3, 1)}
    assert {d.to for d in found if d.kind == "escalation"} == {CHAIR}  # after 2 reminders


# --- a deadline that moves a little ----------------------------------------------------------


def test_the_spacing_of_each_step_is_the_days_to_the_next() -> None:
    assert spacing(POLICY) == {-7: 6, -1: 1, 0: 1, 1: 6, 7: 6}  # the last: the gap before it
    assert spacing(ReminderPolicy(before_deadline_days=[3], after_deadline_days=[])) == {-3: 7}
    assert spacing(ReminderPolicy(before_deadline_days=[14, 2], after_deadline_days=[])) == {
        -14: 12,
        -2: 12,
    }
    assert parse_step("d-7@2026-12-10") == (-7, dt.date(2026, 12, 10))
    assert parse_step("d0@2026-12-10") == (0, dt.date(2026, 12, 10))
    assert parse_step("d+1@2026-12-10") == (1, dt.date(2026, 12, 10))
    for other in ("escalate-lead", "escalate-chair", "old-1", "d-7@2026-13-40", "d7@2026-12-10"):
        assert parse_step(other) is None


def sweep_daily(
    snapshot_on: dict[int, ReminderSnapshot], first: int, last: int
) -> list[tuple[int, str, str, int]]:
    """Daily sweeps at 9:00 from day `first` to `last` of December, each on the snapshot
    in force that day (the latest key of `snapshot_on` not after it): (day, to, step,
    count) of each reminder, each recorded with the time it was sent."""
    history: list[Sent] = []
    reminders = []
    for day in range(first, last + 1):
        snapshot = snapshot_on[max(k for k in snapshot_on if k <= day)]
        found = due(snapshot, POLICY, at(day), history)
        history += timed(found, at(day))
        reminders += [(day, d.to, d.step, d.count) for d in found if d.kind == "reminder"]
    return reminders


def moved(deadline: dt.datetime) -> ReminderSnapshot:
    """A Board member (the only one) waited on, the vote's deadline at `deadline`."""
    return at_board(OpenBallot(1, deadline), board=(M1,), chair=None)


def test_a_deadline_moved_by_a_day_does_not_repeat_the_step_a_day_later() -> None:
    # Reminded "d-7" on 3 December about the 10th; on the 4th the deadline moves to the
    # 11th. Keyed to the new deadline, "d-7@2026-12-11" is a new key, due that very day:
    # it must not go, nor on any later day while it is the step due.
    found = due(moved(DEADLINE), POLICY, at(3))
    assert [d.step for d in found] == ["d-7@2026-12-10"]
    history = timed(found, at(3))
    later = moved(DEADLINE + dt.timedelta(days=1))
    for day in range(4, 10):
        assert due(later, POLICY, at(day), history) == (), day
    # The new deadline's next step comes on its day, counting on.
    found = due(later, POLICY, at(10), history)
    assert [(d.step, d.count, d.days_left) for d in found] == [("d-1@2026-12-11", 2, 1)]


@pytest.mark.parametrize(
    ("until", "expected", "then"),
    [
        # Thu 10 December moved (on Fri 4) by one, two or five working days: the "d-7"
        # (Tue 1) is not said again
        (11, [(1, "d-7@2026-12-10"), (10, "d-1@2026-12-11"), (11, "d0@2026-12-11")], (14, 22)),
        (14, [(1, "d-7@2026-12-10"), (11, "d-1@2026-12-14"), (14, "d0@2026-12-14")], (15, 23)),
        (17, [(1, "d-7@2026-12-10"), (16, "d-1@2026-12-17"), (17, "d0@2026-12-17")], (18, 28)),
        # moved by the step's spacing (6 working days to "d-1") or more: a new occasion
        (18, [(1, "d-7@2026-12-10"), (9, "d-7@2026-12-18"), (17, "d-1@2026-12-18")], (21, 29)),
        (21, [(1, "d-7@2026-12-10"), (10, "d-7@2026-12-21"), (18, "d-1@2026-12-21")], (22, 30)),
    ],
)
def test_a_step_is_said_again_only_when_the_move_gives_it_a_new_occasion(
    until: int, expected: list[tuple[int, str]], then: tuple[int, int]
) -> None:
    new_deadline = DEADLINE.replace(day=until)
    reminders = sweep_daily({1: moved(DEADLINE), 4: moved(new_deadline)}, 1, 31)
    assert [(day, step) for day, _, step, _ in reminders][:3] == expected
    assert [count for *_, count in reminders] == list(range(1, len(reminders) + 1))
    # The rest of the new cadence runs: on the day, the working day after, seven after.
    assert [(day, step.split("@")[0]) for day, _, step, _ in reminders][-3:] == [
        (until, "d0"),
        (then[0], "d+1"),
        (then[1], "d+7"),
    ]


def test_a_closer_step_already_had_holds_back_an_earlier_one() -> None:
    # "d-1" on Wed 9; that evening the deadline moves from Thu 10 to Mon 14. On the 10th
    # the step due is "d-7" of the 14th: they heard a closer one yesterday.
    reminders = sweep_daily({1: moved(DEADLINE), 10: moved(DEADLINE.replace(day=14))}, 1, 14)
    assert [(day, step) for day, _, step, _ in reminders] == [
        (1, "d-7@2026-12-10"),
        (9, "d-1@2026-12-10"),
        (11, "d-1@2026-12-14"),  # the Friday: the cadence's own spacing after "d-1" is a day
        (14, "d0@2026-12-14"),
    ]
    # A week more, given the day after "d-1": the new "d-7" is already past, so the next
    # reminder is the new deadline's "d-1".
    reminders = sweep_daily({1: moved(DEADLINE), 10: moved(DEADLINE.replace(day=17))}, 1, 17)
    assert [(day, step) for day, _, step, _ in reminders] == [
        (1, "d-7@2026-12-10"),
        (9, "d-1@2026-12-10"),
        (16, "d-1@2026-12-17"),
        (17, "d0@2026-12-17"),
    ]


def test_the_time_a_reminder_was_sent_is_what_counts() -> None:
    # "d-7" of the 10th went late, on Tue 8 (the first sweep in days). Moved on the 8th
    # to Fri 18: its "d-7" falls on Wed 9, a working day after the last reminder.
    late = due(moved(DEADLINE), POLICY, at(8))
    assert [d.step for d in late] == ["d-7@2026-12-10"]
    later = moved(DEADLINE.replace(day=18))
    assert due(later, POLICY, at(9), timed(late, at(8))) == ()
    # A bare key (no time known) counts as sent on its step's own day, Tue 1: six
    # working days before.
    assert [d.step for d in due(later, POLICY, at(9), sent(late))] == ["d-7@2026-12-18"]
    # The sent day is the local day: 23:00 UTC on the 8th is still the 8th in London.
    assert due(later, POLICY, at(9), [Sent(late[0].key, at(8, 23))], tz=LONDON) == ()


def test_a_held_back_step_is_not_a_reminder_and_escalates_nothing() -> None:
    policy = ReminderPolicy(escalate_after=1)
    snapshot = at_board(OpenBallot(1, DEADLINE), board=(CHAIR, M1))
    first = due(snapshot, policy, at(3))
    history = timed(first, at(3))
    moved_a_day = at_board(OpenBallot(1, DEADLINE + dt.timedelta(days=1)), board=(CHAIR, M1))
    assert due(moved_a_day, policy, at(4), history) == ()
    found = due(moved_a_day, policy, at(10), history)
    assert sorted((d.kind, d.to, d.count) for d in found) == [
        ("escalation", CHAIR, 1),  # about M1, after the one reminder that was sent
        ("reminder", CHAIR, 2),
        ("reminder", M1, 2),
    ]


def test_a_new_ballot_is_not_held_back_by_the_last_ones_reminders() -> None:
    first = due(at_board(), POLICY, at(3))
    second = at_board(OpenBallot(2, DEADLINE + dt.timedelta(days=1)))
    again = due(second, POLICY, at(4), timed(first, at(3)))
    assert {(d.ballot, d.step, d.count) for d in again} == {(2, "d-7@2026-12-11", 1)}


# --- supporters --------------------------------------------------------------------------------

TOM, ANN = "tom@x.org", "ann@x.org"


def test_a_reminder_is_copied_to_the_persons_supporters() -> None:
    snapshot = at_board(
        board=(CHAIR, M1, M2),
        supporters=frozenset({(TOM, M1), (ANN, M1), (R1, CHAIR)}),
    )
    found = due(snapshot, POLICY, at(3))
    assert {(d.to, d.copies) for d in found} == {
        (CHAIR, (R1,)),
        (M1, (ANN, TOM)),
        (M2, ()),
    }
    # A supporter is not reminded themselves: only the people waited on are.
    assert {d.to for d in found} == {CHAIR, M1, M2}
    # With the reminders sent, nothing is due, copies included.
    assert due(snapshot, POLICY, at(3), timed(found, at(3))) == ()


def test_escalations_are_not_copied_and_a_held_back_reminder_has_no_copy() -> None:
    snapshot = in_review(
        reviews=(review(R1),),
        deadlines=REVIEW_BY,
        supporters=frozenset({(TOM, R2), (R1, R2), (R2, R2)}),  # R2 cannot support R2
    )
    earlier = [SentKey("v-1", "design", 0, R2, "review", f"old-{n}") for n in range(2)]
    found = due(snapshot, POLICY, at(3), earlier)
    assert sorted((d.kind, d.to, d.copies) for d in found) == [
        ("escalation", LEAD, ()),
        ("reminder", R2, (R1, TOM)),  # a supporter who is a reviewer too gets the copy
    ]
    moved_a_day = in_review(
        reviews=(review(R1),),
        deadlines=(DeadlineSet("review", DEADLINE + dt.timedelta(days=1), at(4)),),
        supporters=frozenset({(TOM, R2)}),
    )
    assert due(moved_a_day, POLICY, at(4), [*earlier, *timed(found, at(3))]) == ()


# --- escalation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "before", "told"),
    [
        # a reviewer: the lead after 2 reminders, the chair after 4
        (in_review(reviews=(review(R1),), deadlines=REVIEW_BY), 1, []),
        (in_review(reviews=(review(R1),), deadlines=REVIEW_BY), 2, [(LEAD, "escalate-lead")]),
        (
            in_review(reviews=(review(R1),), deadlines=REVIEW_BY),
            4,
            [(LEAD, "escalate-lead"), (CHAIR, "escalate-chair")],
        ),
        # the lead's own answers: nobody to tell but the chair, after 4
        (answers(), 2, []),
        (answers(), 4, [(CHAIR, "escalate-chair")]),
        # a Board member: the chair, after 2; never the chair about themselves
        (at_board(board=(CHAIR, M1)), 2, [(CHAIR, "escalate-chair")]),
        (at_board(board=(CHAIR,)), 5, []),
        (at_board(board=(M1,), chair=None), 5, []),
    ],
)
def test_escalation_after_unheeded_reminders(
    snapshot: ReminderSnapshot, before: int, told: list[tuple[str, str]]
) -> None:
    waiting = waiting_on(snapshot, POLICY)
    assert waiting is not None
    person = waiting.people[-1]
    earlier = [
        SentKey("v-1", "design", waiting.ballot, person, waiting.action.value, f"old-{n}")
        for n in range(before)
    ]
    found = [d for d in due(snapshot, POLICY, at(11), earlier) if d.person == person]
    assert [(d.kind, d.count) for d in found if d.kind == "reminder"] == [("reminder", before + 1)]
    assert [(d.to, d.step) for d in found if d.kind == "escalation"] == told
    assert all(d.count == before for d in found if d.kind == "escalation")
    # told once: with the escalations sent, the next step does not tell them again
    later = due(snapshot, POLICY, at(17), [*earlier, *sent(found)])
    again = {(d.to, d.step) for d in later if d.person == person and d.kind == "escalation"}
    assert not again & set(told)


def test_the_policy_sets_when_to_escalate() -> None:
    policy = ReminderPolicy(escalate_after=1, escalate_to_chair_after=1)
    snapshot = in_review(reviews=(review(R1),))
    first = due(snapshot, policy, at(3))  # d-7 of the review due on 10 December
    assert [d.kind for d in first] == ["reminder"]
    second = due(snapshot, policy, at(9), sent(first))
    assert sorted((d.kind, d.to) for d in second) == [
        ("escalation", CHAIR),
        ("escalation", LEAD),
        ("reminder", R2),
    ]


def test_a_review_due_over_christmas_skips_the_bank_holidays() -> None:
    holidays = frozenset(
        dt.date.fromisoformat(d) for d in ("2026-12-25", "2026-12-28", "2027-01-01")
    )
    late = dt.datetime(2026, 12, 10, 18, 42, tzinfo=UTC)
    snapshot = in_review(submitted_at=late, calendar=WorkingCalendar(holidays, LONDON))
    # From Thu 10 December, 14 working days, not counting 25 and 28 December or New
    # Year's Day: Mon 4 January, 17:00, whatever the hour of the submission.
    expected = dt.datetime(2027, 1, 4, 17, 0, tzinfo=UTC)
    assert deadline_for(snapshot, Action.REVIEW, POLICY) == expected


def test_due_all_leaves_out_ventures_with_nothing_due() -> None:
    quiet = replace(answers(), venture_id="v-2", state=S.APPROVED)
    found = due_all([answers(), quiet], POLICY, at(3))
    assert list(found) == ["v-1"]


# --- translations ------------------------------------------------------------------------------

T1, T2, ADMIN = "lowri@x.org", "tomos@x.org", "admin@x.org"


def translating(*open_: OpenTranslation, **kw: object) -> ReminderSnapshot:
    """A draft venture with no deadline for its answers (nobody else waited on), its
    title being translated."""
    values: dict[str, object] = {
        "venture_deadline": None,
        "deadlines": (),
        "translations": open_ or (OpenTranslation(7, DEADLINE),),
        "translators": (T2, T1),
        "admins": (ADMIN,),
    }
    values.update(kw)
    return answers(**values)


def daily(snapshot: ReminderSnapshot, first: int = 1, last: int = 31) -> list[tuple[int, Due]]:
    history: list[Sent] = []
    found_on = []
    for day in range(first, last + 1):
        found = due(snapshot, POLICY, at(day), history)
        history += timed(found, at(day))
        found_on += [(day, d) for d in found]
    return found_on


def test_every_translator_is_reminded_of_a_translation_on_the_cadence() -> None:
    found = daily(translating())
    reminders = [(day, d.to, d.step, d.count) for day, d in found if d.kind == "reminder"]
    steps_on = [(1, "d-7"), (9, "d-1"), (10, "d0"), (11, "d+1"), (21, "d+7")]
    assert reminders == [
        (day, who, f"{step}@2026-12-10", n)
        for n, (day, step) in enumerate(steps_on, start=1)
        for who in (T1, T2)
    ]
    # Keyed by the translation: its id as the ballot, the action `translate`.
    assert {(d.ballot, d.action, d.kind) for _, d in found} == {
        (7, Action.TRANSLATE, "reminder"),
        (7, Action.TRANSLATE, "escalation"),
    }


def test_an_overdue_translation_is_told_to_the_admins_once() -> None:
    escalations = [(day, d) for day, d in daily(translating()) if d.kind == "escalation"]
    # On the day (three reminders) it is still in time: the admins are told the day
    # after, once, whatever comes next.
    assert [(day, d.to, d.person, d.step, d.count) for day, d in escalations] == [
        (11, ADMIN, ADMIN, "escalate-admin", 3)
    ]
    assert escalations[0][1].days_left == -1
    # The chair is never told of a translation; nor is an admin who translates.
    both = translating(admins=(ADMIN, T1))
    assert {d.to for _, d in daily(both) if d.kind == "escalation"} == {ADMIN}
    assert all(d.to != CHAIR for _, d in daily(translating(state=S.IN_REVIEW)))


def test_a_translation_given_or_a_withdrawn_venture_is_not_reminded() -> None:
    assert due(translating(translations=()), POLICY, at(9)) == ()
    assert due(translating(state=S.WITHDRAWN), POLICY, at(9)) == ()
    assert due(translating(translators=()), POLICY, at(9)) == ()  # nobody to remind
    # A decided venture's title is still read (its decision record): reminded.
    assert {d.to for d in due(translating(state=S.APPROVED), POLICY, at(9))} == {T1, T2}


def test_a_translation_waits_alongside_the_answers_each_on_its_cadence() -> None:
    both = translating(
        OpenTranslation(7, DEADLINE),
        OpenTranslation(8, DEADLINE.replace(day=14)),
        venture_deadline=DEADLINE,
        deadlines=(DeadlineSet("answers", DEADLINE, at(1, month=11)),),
    )
    found = due(both, POLICY, at(9))
    assert sorted((d.to, d.action.value, d.ballot, d.step) for d in found) == [
        (LEAD, "answer", 0, "d-1@2026-12-10"),
        (T1, "translate", 7, "d-1@2026-12-10"),
        (T1, "translate", 8, "d-7@2026-12-14"),  # Thu 3 was its "d-7": still the step due
        (T2, "translate", 7, "d-1@2026-12-10"),
        (T2, "translate", 8, "d-7@2026-12-14"),
    ]
    # One translation's reminders do not hold back or count towards the other's.
    again = due(both, POLICY, at(11, 10), timed(found, at(9)))
    assert sorted((d.to, d.ballot, d.step, d.count) for d in again if d.kind == "reminder") == [
        (LEAD, 0, "d+1@2026-12-10", 2),
        (T1, 7, "d+1@2026-12-10", 2),
        (T1, 8, "d-1@2026-12-14", 2),
        (T2, 7, "d+1@2026-12-10", 2),
        (T2, 8, "d-1@2026-12-14", 2),
    ]
