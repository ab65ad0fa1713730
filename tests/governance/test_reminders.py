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
    ReminderSnapshot,
    SentKey,
    deadline_for,
    due,
    due_all,
    step_due,
    steps,
    waiting_on,
)
from governance.reviews import Recommendation, Review

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
POLICY = ReminderPolicy()  # [7, 1, 0] before, [1, 7] after, lead after 2, chair after 4
LEAD, CHAIR = "lead@x.org", "chair@x.org"
R1, R2 = "rev1@x.org", "rev2@x.org"
M1, M2, M3 = "m1@x.org", "m2@x.org", "m3@x.org"
DEADLINE = dt.datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
SUBMITTED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


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


# --- the policy ------------------------------------------------------------------------------


def test_the_default_policy() -> None:
    assert [s.name for s in steps(POLICY)] == ["d-7", "d-1", "d0", "d+1", "d+7"]
    assert POLICY.chair_after == 4
    assert POLICY.board_pack_days_before == 5
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
        # a review: review_days after the submission, unless a deadline is set since
        (in_review(), Action.REVIEW, SUBMITTED + dt.timedelta(days=14)),
        (
            in_review(deadlines=(DeadlineSet("answers", DEADLINE, SUBMITTED - dt.timedelta(1)),)),
            Action.REVIEW,
            SUBMITTED + dt.timedelta(days=14),
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
        (at(2), None),  # 8 days before
        (at(3, 0), "d-7"),  # 7 days before, from the start of the day
        (at(8, 23), "d-7"),
        (at(9), "d-1"),
        (at(10, 8), "d0"),
        (at(10, 18), "d0"),  # the deadline passed today: still the day itself
        (at(11), "d+1"),
        (at(16), "d+1"),
        (at(17), "d+7"),
        (dt.datetime(2027, 3, 1, tzinfo=UTC), "d+7"),
    ],
)
def test_the_step_due_is_the_latest_whose_day_has_come(now: dt.datetime, step: str | None) -> None:
    found = step_due(POLICY, DEADLINE, now, UTC)
    assert (found.name if found else None) == step


def test_days_are_counted_in_local_time() -> None:
    # 23:30 UTC on 2 June is 00:30 on 3 June in London (summer time): 7 days before.
    deadline = dt.datetime(2026, 6, 10, 12, tzinfo=UTC)
    late = dt.datetime(2026, 6, 2, 23, 30, tzinfo=UTC)
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
    assert reminders == [
        (R2, "d-7@2026-12-10", 1, 7),
        (R2, "d-1@2026-12-10", 2, 1),
        (R2, "d0@2026-12-10", 3, 0),
        (R2, "d+1@2026-12-10", 4, -1),
        (R2, "d+7@2026-12-10", 5, -7),
    ]


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
    for day in (9, 10, 11, 16):
        assert due(extended, POLICY, at(day), sent(history)) == (), day
    # Reminded afresh, counting on, before the new deadline.
    found = due(extended, POLICY, at(17), sent(history))
    assert {(d.step, d.count, d.days_left) for d in found} == {("d-7@2026-12-24", 2, 7)}
    history += found
    found = due(extended, POLICY, at(23), sent(history))
    reminders = {(d.step, d.count, d.days_left) for d in found if d.kind == "reminder"}
    assert reminders == {("d-1@2026-12-24", 3, 1)}
    assert {d.to for d in found if d.kind == "escalation"} == {CHAIR}  # after 2 reminders


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
    first = due(snapshot, policy, at(27, month=11))
    assert [d.kind for d in first] == ["reminder"]
    second = due(snapshot, policy, at(3), sent(first))
    assert sorted((d.kind, d.to) for d in second) == [
        ("escalation", CHAIR),
        ("escalation", LEAD),
        ("reminder", R2),
    ]


def test_due_all_leaves_out_ventures_with_nothing_due() -> None:
    quiet = replace(answers(), venture_id="v-2", state=S.APPROVED)
    found = due_all([answers(), quiet], POLICY, at(3))
    assert list(found) == ["v-1"]
