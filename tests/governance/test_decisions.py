"""The Board's decision rules, case by case.

The Board (factories.BOARD): the chair, m1 and m2 have lived experience; m3 and m4
do not. Votes are cast before the deadline unless a test says otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from governance.ballots import Choice, Interest, Member, Vote
from governance.decisions import (
    Decision,
    Deferred,
    NoQuorum,
    Outcome,
    Pending,
    Result,
    decide,
)
from governance.lifecycle import Action, VentureState
from governance.working_days import WorkingCalendar
from tests.governance.factories import BOARD, T0, rule, votes

DEADLINE = T0 + dt.timedelta(days=14)
BEFORE = DEADLINE - dt.timedelta(hours=1)

AP, AWC, RC, RJ, HD, AB, MT = (
    Choice.APPROVE,
    Choice.APPROVE_WITH_CONDITIONS,
    Choice.RECYCLE,
    Choice.REJECT,
    Choice.HOLD,
    Choice.ABSTAIN,
    Choice.MORE_TIME,
)


def run(
    choices: dict[str, Choice],
    *,
    recused: tuple[str, ...] = (),
    now: dt.datetime = DEADLINE,
    closed_by_chair: bool = False,
    granted: frozenset[str] = frozenset(),
    extra: tuple[Vote, ...] = (),
    members: tuple[Member, ...] = BOARD,
    **rule_fields: Any,
) -> Result:
    return decide(
        rule(**rule_fields),
        members,
        [*votes(choices), *extra],
        [Interest(m, "works for a partner") for m in recused],
        closed_by_chair=closed_by_chair,
        now=now,
        deadline=DEADLINE,
        more_time_granted=granted,
    )


def decision(result: Result) -> Decision:
    assert isinstance(result, Decision), result
    return result


def codes(result: Result) -> list[str]:
    return [r.code for r in result.reasons]


OUTCOMES = [
    # (case, rule fields, votes, recused, outcome)
    ("simple majority", {}, {"chair": AP, "m1": AP, "m2": RJ}, (), Outcome.APPROVED),
    ("majority against", {}, {"chair": AP, "m1": RJ, "m2": RJ}, (), Outcome.REJECTED),
    (
        "tie, no casting vote: not carried",
        {},
        {"chair": AP, "m1": AP, "m2": RJ, "m3": RJ},
        (),
        Outcome.REJECTED,
    ),
    (
        "tie, casting vote for",
        {"chair_casting_vote": True},
        {"chair": AP, "m1": AP, "m2": RJ, "m3": RJ},
        (),
        Outcome.APPROVED,
    ),
    (
        "tie, casting vote against",
        {"chair_casting_vote": True},
        {"chair": RC, "m1": AP, "m2": AP, "m3": RC},
        (),
        Outcome.RECYCLED,
    ),
    (
        "tie, chair abstained: no casting vote",
        {"chair_casting_vote": True},
        {"chair": AB, "m1": AP, "m2": RJ, "m3": AP, "m4": RJ},
        (),
        Outcome.REJECTED,
    ),
    (
        "one condition makes it approved with conditions",
        {},
        {"chair": AP, "m1": AWC, "m2": AP, "m3": RJ},
        (),
        Outcome.APPROVED_WITH_CONDITIONS,
    ),
    (
        "two-thirds: 2 of 3 carries (exact boundary)",
        {"threshold": "two-thirds"},
        {"chair": AP, "m1": AP, "m2": RJ},
        (),
        Outcome.APPROVED,
    ),
    (
        "two-thirds: 4 of 6 carries (exact boundary)",
        {"threshold": "two-thirds"},
        {"chair": AP, "m1": AP, "m2": AP, "m3": AP, "m4": RJ, "m5": RJ},
        (),
        Outcome.APPROVED,
    ),
    (
        "two-thirds: 3 of 5 does not",
        {"threshold": "two-thirds"},
        {"chair": AP, "m1": AP, "m2": AP, "m3": RJ, "m4": RJ},
        (),
        Outcome.REJECTED,
    ),
    (
        "two-thirds: abstentions left out, 2 for 1 against carries",
        {"threshold": "two-thirds"},
        {"chair": AP, "m1": AP, "m2": RC, "m3": AB, "m4": AB},
        (),
        Outcome.APPROVED,
    ),
    (
        "unanimous: one against fails",
        {"threshold": "unanimous"},
        {"chair": AP, "m1": AP, "m2": AP, "m3": AP, "m4": HD},
        (),
        Outcome.ON_HOLD,
    ),
    (
        "unanimous: abstentions do not break it",
        {"threshold": "unanimous"},
        {"chair": AP, "m1": AP, "m2": AB, "m3": AB},
        (),
        Outcome.APPROVED,
    ),
    (
        "abstentions count for quorum but not support: 1 for, 1 against, 3 abstain",
        {},
        {"chair": AB, "m1": AP, "m2": RJ, "m3": AB, "m4": AB},
        (),
        Outcome.REJECTED,
    ),
    (
        "one for and the rest abstain carries a simple majority",
        {},
        {"chair": AB, "m1": AP, "m2": AB},
        (),
        Outcome.APPROVED,
    ),
    (
        "everyone abstains: recycled",
        {},
        {"chair": AB, "m1": AB, "m2": AB},
        (),
        Outcome.RECYCLED,
    ),
    (
        "recycle and reject tie: the gentler, recycle",
        {},
        {"chair": RC, "m1": RJ, "m2": AP},
        (),
        Outcome.RECYCLED,
    ),
    (
        "hold and reject tie: the gentler, hold",
        {},
        {"chair": HD, "m1": RJ, "m2": AB},
        (),
        Outcome.ON_HOLD,
    ),
    (
        "recused member's vote is set aside",
        {},
        {"chair": AP, "m1": RJ, "m2": RJ, "m3": AP, "m4": AP},
        ("m4",),
        Outcome.REJECTED,
    ),
]


@pytest.mark.parametrize(
    ("fields", "choices", "recused", "outcome"),
    [case[1:] for case in OUTCOMES],
    ids=[case[0] for case in OUTCOMES],
)
def test_outcomes(
    fields: dict[str, Any], choices: dict[str, Choice], recused: tuple[str, ...], outcome: Outcome
) -> None:
    members = (*BOARD, Member("m5"))
    result = decision(run(choices, recused=recused, members=members, **fields))
    assert result.outcome is outcome
    assert result.tally.rule == "board"
    assert result.reasons[0].text.startswith("Decision rule 'board'")


def test_a_decision_carries_its_counts_and_reasons() -> None:
    result = decision(
        run(
            {"chair": AP, "m1": AWC, "m2": RJ, "m3": AB},
            extra=(Vote("late", "m4", AP, DEADLINE + dt.timedelta(seconds=1)),),
        )
    )
    t = result.tally
    assert (t.members, t.eligible, t.recused, t.quorum_needed, t.voted) == (5, 5, 0, 3, 4)
    assert (t.approve, t.approve_with_conditions, t.support, t.against, t.abstain) == (
        1,
        1,
        2,
        1,
        1,
    )
    assert (t.more_time, t.lived_experience_voted, t.chair_voted, t.set_aside) == (0, 3, True, 1)
    assert result.closed_by == "deadline"
    assert result.decided_at == DEADLINE
    assert codes(result) == [
        "rule",
        "eligible",
        "counts",
        "closed-at-deadline",
        "quorum-met",
        "support",
        "carried-with-conditions",
    ]
    assert all(r.text.endswith(".") for r in result.reasons)
    assert {v.member_id for v in result.counted_votes} == {"chair", "m1", "m2", "m3"}


def test_conditions_are_kept_from_the_votes_that_set_them() -> None:
    with_reason = Vote("c", "m1", AWC, T0, reason="Easy Read papers first")
    result = decision(run({"chair": AP, "m2": AP}, extra=(with_reason,)))
    assert result.outcome is Outcome.APPROVED_WITH_CONDITIONS
    assert result.conditions == ("Easy Read papers first",)


def test_outcomes_lead_to_their_states_and_actions() -> None:
    assert Outcome.APPROVED_WITH_CONDITIONS.state is VentureState.APPROVED_WITH_CONDITIONS
    assert Outcome.ON_HOLD.state is VentureState.ON_HOLD
    assert Outcome.ON_HOLD.action is Action.HOLD
    assert {o.state for o in Outcome} <= set(VentureState)


# --- the casting vote ---------------------------------------------------------------------


def test_the_casting_vote_is_reported() -> None:
    result = decision(run({"chair": AP, "m1": AP, "m2": RJ, "m3": RJ}, chair_casting_vote=True))
    assert result.casting_vote_used
    assert "tie-casting-vote" in codes(result)
    assert "(approve) is the casting vote, so it is carried" in result.reasons[-2].text


def test_a_tie_without_a_casting_vote_says_so() -> None:
    result = decision(run({"chair": AP, "m1": AP, "m2": RJ, "m3": RJ}))
    assert not result.casting_vote_used
    assert "tie" in codes(result)


def test_the_casting_vote_only_breaks_simple_majority_ties() -> None:
    # 2 for, 2 against under two-thirds is not a tie to break: it fails.
    result = decision(
        run(
            {"chair": AP, "m1": AP, "m2": RJ, "m3": RJ},
            threshold="two-thirds",
            chair_casting_vote=True,
        )
    )
    assert result.outcome is Outcome.REJECTED
    assert not result.casting_vote_used


# --- quorum -------------------------------------------------------------------------------


def test_no_decision_without_quorum() -> None:
    result = run({"chair": AP, "m1": AP})
    assert isinstance(result, NoQuorum)
    assert result.closed_by == "deadline"
    assert "quorum-not-met" in codes(result)
    # Seven working days from Mon 16 March: Wed 25 March, to 17:00 (GMT).
    assert result.new_deadline == dt.datetime(2026, 3, 25, 17, 0, tzinfo=dt.UTC)
    assert "2 members took part and quorum is 3: quorum is not met." in [
        r.text for r in result.reasons
    ]


def test_recused_members_count_towards_neither_quorum_nor_tally() -> None:
    # m3 voted before declaring an interest: the vote is set aside, and quorum fails.
    result = run({"chair": AP, "m1": AP, "m3": AP}, recused=("m3",))
    assert isinstance(result, NoQuorum)
    assert (result.tally.eligible, result.tally.recused, result.tally.voted) == (4, 1, 2)
    assert "recused-vote-set-aside" in codes(result)


@pytest.mark.parametrize(
    ("fraction", "recused", "needed"),
    [
        (0.5, (), 3),  # half of 5 is 2.5: rounded up
        (0.5, ("m4",), 2),  # half of the 4 eligible
        (0.6, (), 3),
        (0.61, (), 4),
        (1.0, (), 5),
        (0.01, (), 1),
        (0.5, ("chair", "m1", "m2", "m3", "m4"), 1),  # never less than one
    ],
)
def test_a_fraction_quorum_is_of_eligible_members_rounded_up(
    fraction: float, recused: tuple[str, ...], needed: int
) -> None:
    result = run({}, quorum=fraction, recused=recused, now=BEFORE)
    assert result.tally.quorum_needed == needed


def test_a_fraction_quorum_is_computed_exactly() -> None:
    ten = tuple(Member(f"p{i}") for i in range(10))
    result = run({f"p{i}": AP for i in range(7)}, quorum=0.7, members=ten)
    assert decision(result).tally.quorum_needed == 7  # not 8, as 0.7 * 10 in floats would give


def test_abstentions_count_towards_quorum() -> None:
    result = run({"chair": AP, "m1": AB, "m2": AB})
    assert decision(result).outcome is Outcome.APPROVED
    assert result.tally.voted == 3


def test_lived_experience_quorum_failing() -> None:
    # four take part, but only the chair has lived experience
    result = run({"chair": AP, "m3": AP, "m4": AP}, lived_experience_quorum=2)
    assert isinstance(result, NoQuorum)
    assert "lived-experience-quorum-not-met" in codes(result)
    assert result.tally.lived_experience_voted == 1


def test_lived_experience_quorum_passing() -> None:
    result = run({"chair": AP, "m1": RJ, "m3": AP}, lived_experience_quorum=2)
    assert decision(result).outcome is Outcome.APPROVED
    assert "lived-experience-quorum-met" in codes(result)


def test_lived_experience_quorum_counts_only_those_taking_part() -> None:
    # m1 asked for more time and already had it: that is not taking part.
    result = run(
        {"chair": AP, "m1": MT, "m3": AP, "m4": AP},
        granted=frozenset({"m1"}),
        lived_experience_quorum=2,
    )
    assert isinstance(result, NoQuorum)


def test_chair_must_vote() -> None:
    result = run({"m1": AP, "m2": AP, "m3": AP}, chair_must_vote=True)
    assert isinstance(result, NoQuorum)
    assert "chair-did-not-vote" in codes(result)
    result = run({"chair": AB, "m2": AP, "m3": AP}, chair_must_vote=True)
    assert decision(result).outcome is Outcome.APPROVED
    assert "chair-voted" in codes(result)


def test_chair_must_vote_is_waived_when_the_chair_is_recused() -> None:
    result = run({"m1": AP, "m2": AP, "m3": AP}, chair_must_vote=True, recused=("chair",))
    assert decision(result).outcome is Outcome.APPROVED
    assert "chair-recused" in codes(result)


# --- which votes count --------------------------------------------------------------------


def test_stale_votes_are_ignored() -> None:
    stale = tuple(
        dataclasses.replace(v, id=f"old-{v.member_id}", stale=True)
        for v in votes({"m2": AP, "m3": AP, "m4": AP})
    )
    result = decision(run({"chair": RJ, "m1": RJ, "m2": AB}, extra=stale))
    assert result.outcome is Outcome.REJECTED
    assert result.tally.set_aside == 3
    assert result.tally.approve == 0


def test_a_members_latest_vote_counts() -> None:
    later = Vote("again", "m1", RJ, T0 + dt.timedelta(days=1))
    result = decision(run({"chair": AP, "m1": AP, "m2": RJ}, extra=(later,)))
    assert result.outcome is Outcome.REJECTED
    assert result.tally.set_aside == 1


def test_votes_after_the_deadline_and_from_outside_the_board_do_not_count() -> None:
    extra = (
        Vote("late", "m3", AP, DEADLINE + dt.timedelta(minutes=1)),
        Vote("stranger", "someone", AP, T0),
    )
    result = run({"chair": RJ, "m1": AP}, extra=extra)
    assert isinstance(result, NoQuorum)
    assert result.tally.set_aside == 2


# --- open, closed, more time --------------------------------------------------------------


def test_the_vote_is_pending_until_its_deadline() -> None:
    result = run({"chair": AP, "m1": AP, "m2": AP, "m3": AP, "m4": AP}, now=BEFORE)
    assert isinstance(result, Pending)
    assert result.deadline == DEADLINE
    assert result.tally.voted == 5
    assert codes(result)[-1] == "vote-open"


def test_the_chair_may_close_early() -> None:
    result = run({"chair": AP, "m1": AP, "m2": AP}, now=BEFORE, closed_by_chair=True)
    assert decision(result).closed_by == "chair"
    assert "closed-by-chair" in codes(result)


def test_more_time_defers_and_extends_the_deadline() -> None:
    result = run({"chair": AP, "m1": AP, "m2": AP, "m3": MT}, more_time_days=10)
    assert isinstance(result, Deferred)
    # Ten working days from Mon 16 March: Mon 30 March, 17:00 summer time (16:00 UTC).
    assert result.new_deadline == dt.datetime(2026, 3, 30, 16, 0, tzinfo=dt.UTC)
    assert result.granted_to == ("m3",)
    assert result.tally.more_time == 1
    assert result.tally.abstain == 0  # more time is not an abstention


def test_more_time_is_counted_from_now_when_the_deadline_passed_long_ago() -> None:
    late = DEADLINE + dt.timedelta(days=30)
    result = run({"m3": MT}, now=late)
    assert isinstance(result, Deferred)
    # Seven working days from Wed 15 April: Fri 24 April, 17:00 summer time.
    assert result.new_deadline == dt.datetime(2026, 4, 24, 16, 0, tzinfo=dt.UTC)


def test_more_time_skips_the_bank_holidays() -> None:
    easter = WorkingCalendar(frozenset({dt.date(2026, 4, 3), dt.date(2026, 4, 6)}))
    thursday = dt.datetime(2026, 4, 2, 16, 0, tzinfo=dt.UTC)  # 17:00 BST
    result = decide(
        rule(more_time_days=2),
        BOARD,
        votes({"m3": MT}),
        [],
        closed_by_chair=False,
        now=thursday,
        deadline=thursday,
        calendar=easter,
    )
    assert isinstance(result, Deferred)
    # Good Friday, the weekend and Easter Monday are not working days: Wed 8 April.
    assert result.new_deadline == dt.datetime(2026, 4, 8, 16, 0, tzinfo=dt.UTC)


def test_more_time_is_honoured_when_the_chair_closes_early() -> None:
    result = run({"chair": AP, "m1": AP, "m2": AP, "m3": MT}, now=BEFORE, closed_by_chair=True)
    assert isinstance(result, Deferred)
    assert result.new_deadline == dt.datetime(2026, 3, 25, 17, 0, tzinfo=dt.UTC)


def test_more_time_is_granted_once_per_member() -> None:
    result = run({"chair": AP, "m1": AP, "m2": AP, "m3": MT}, granted=frozenset({"m3"}))
    assert decision(result).outcome is Outcome.APPROVED
    assert result.tally.voted == 3  # m3 counts as not having voted
    assert "more-time-spent" in codes(result)
    # someone else may still ask
    result = run({"chair": AP, "m1": AP, "m3": MT, "m4": MT}, granted=frozenset({"m3"}))
    assert isinstance(result, Deferred)
    assert result.granted_to == ("m4",)


def test_more_time_while_the_vote_is_open_is_just_counted() -> None:
    result = run({"m3": MT}, now=BEFORE)
    assert isinstance(result, Pending)
    assert result.tally.more_time == 1


# --- who leaves the decision: declared interests, and the lead -----------------------------

# (case, lead, declared, votes cast, eligible, recused, declared count, reason codes expected
# among the "who counts" reasons, and the eligible reason's English words)
LEAVING = [
    (
        "one declared, the lead on the Board",
        "m4",
        ("m3",),
        {},
        3,
        2,
        1,
        ["eligible", "lead-does-not-vote"],
        "3 members of 5 may vote; 1 member declared an interest and counts",
    ),
    (
        "none declared, the lead on the Board",
        "m4",
        (),
        {},
        4,
        1,
        0,
        ["eligible", "lead-does-not-vote"],
        "4 members of 5 may vote; 0 members declared an interest and count",
    ),
    (
        "two declared, the lead not on the Board",
        "outsider",
        ("m3", "m4"),
        {},
        3,
        2,
        2,
        ["eligible"],
        "3 members of 5 may vote; 2 members declared an interest and count",
    ),
    (
        "the lead declared as well: counted once, as the lead",
        "m4",
        ("m4", "m3"),
        {},
        3,
        2,
        1,
        ["eligible", "lead-does-not-vote"],
        "3 members of 5 may vote; 1 member declared an interest and counts",
    ),
    (
        "no lead given: declarations only",
        None,
        ("m3",),
        {},
        4,
        1,
        1,
        ["eligible"],
        "4 members of 5 may vote; 1 member declared an interest and counts",
    ),
    (
        "the lead's vote and a declared member's vote are set aside apart",
        "m4",
        ("m3",),
        {"m3": AP, "m4": AP},
        3,
        2,
        1,
        ["eligible", "lead-does-not-vote", "recused-vote-set-aside", "lead-vote-set-aside"],
        "3 members of 5 may vote; 1 member declared an interest and counts",
    ),
]


@pytest.mark.parametrize(
    ("lead", "declared", "cast", "eligible", "recused", "declarations", "expected", "words"),
    [case[1:] for case in LEAVING],
    ids=[case[0] for case in LEAVING],
)
def test_the_lead_leaves_the_decision_with_a_reason_of_their_own(
    lead: str | None,
    declared: tuple[str, ...],
    cast: dict[str, Choice],
    eligible: int,
    recused: int,
    declarations: int,
    expected: list[str],
    words: str,
) -> None:
    result = decide(
        rule(),
        BOARD,
        votes({"chair": AP, "m1": AP, "m2": RJ, **cast}),
        [Interest(m, "works for a partner") for m in declared],
        closed_by_chair=False,
        now=DEADLINE,
        deadline=DEADLINE,
        lead=lead,
    )
    tally = decision(result).tally
    assert (tally.eligible, tally.recused, tally.declared) == (eligible, recused, declarations)
    assert tally.lead_recused is (lead in {m.id for m in BOARD})
    who = [r.code for r in result.reasons[1:] if r.code not in {"counts"}]
    assert who[: len(expected)] == expected
    [said] = [r for r in result.reasons if r.code == "eligible"]
    assert said.text.startswith(words), said.text
    assert said.params["declared"] == declarations
    # Whatever the reasons say, the lead's vote never counts.
    assert all(v.member_id != lead for v in decision(result).counted_votes)


def test_a_chair_who_leads_the_venture_is_not_said_to_have_declared_an_interest() -> None:
    result = decide(
        rule(chair_must_vote=True),
        BOARD,
        votes({"m1": AP, "m2": AP, "m3": AP}),
        [],
        closed_by_chair=False,
        now=DEADLINE,
        deadline=DEADLINE,
        lead="chair",
    )
    [chair] = [r for r in result.reasons if r.code == "chair-recused"]
    assert chair.params == {"why": "lead"}
    assert chair.text.startswith("The chair leads this venture")
    declared = run({"m1": AP, "m2": AP, "m3": AP}, chair_must_vote=True, recused=("chair",))
    [chair] = [r for r in declared.reasons if r.code == "chair-recused"]
    assert chair.text.startswith("The chair declared an interest")
