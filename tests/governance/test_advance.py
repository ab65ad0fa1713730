"""The planner: each step of the main path, and idempotence."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklists.loader import load_library
from governance.advance import (
    AssignReviewers,
    Audience,
    Ballot,
    Effect,
    Event,
    ExtendBallot,
    Notify,
    OpenBallot,
    OpenNextGate,
    RecordDecision,
    Transition,
    VentureSnapshot,
    may_advance,
    next_advance,
    plan_advance,
)
from governance.ballots import Choice, Interest, Member, Vote
from governance.decisions import Outcome
from governance.lifecycle import Action, VentureState
from governance.reasons import Reason
from governance.reviews import Recommendation, Review
from tests.governance.factories import (
    COMPLETE,
    DELIVERY,
    GATES,
    INVALID_VALUES,
    T0,
    VALID_VALUES,
    rule,
    snapshot,
    votes,
)
from tests.governance.simulation import apply_effects

S = VentureState
DAY = dt.timedelta(days=1)
DEADLINE = T0 + 14 * DAY
REVIEWED = (
    Review("rv1", "r1", Recommendation.GO, T0 + DAY),
    Review("rv2", "r2", Recommendation.RECYCLE, T0 + DAY, note="talk to the forum first"),
)


def at_board(**overrides: object) -> VentureSnapshot:
    fields: dict[str, object] = {
        "reviewers_assigned": frozenset({"r1", "r2"}),
        "reviews": REVIEWED,
        "ballot": Ballot(1, DEADLINE),
        "now": DEADLINE,
    }
    fields.update(overrides)
    return snapshot(S.AWAITING_BOARD, **fields)


def with_votes(
    choices: dict[str, Choice], *, closed_by_chair: bool = False, **overrides: object
) -> VentureSnapshot:
    cast = tuple(votes(choices, T0 + 2 * DAY))
    return at_board(ballot=Ballot(1, DEADLINE, cast, closed_by_chair), **overrides)


def reasons_of(effect: Effect) -> tuple[Reason, ...]:
    assert isinstance(effect, Transition | ExtendBallot)
    return effect.reasons


# --- submitted ----------------------------------------------------------------------------


def test_an_incomplete_checklist_is_returned_with_reasons() -> None:
    answers = {"tiny": {"purpose": "far too many words for this answer", "welsh": True}}
    effects = plan_advance(snapshot(S.SUBMITTED, answers=answers))
    assert len(effects) == 3
    move, *notify = effects
    assert isinstance(move, Transition)
    assert (move.action, move.to) == (Action.RETURN_FOR_CHANGES, S.RETURNED)
    assert [(g.item_id, g.problem) for g in move.gaps] == [
        ("purpose", "invalid"),
        ("people", "missing"),
        ("welsh-how", "missing"),
    ]
    assert move.gaps[0].reason.en == "Use 5 words or fewer. This answer has 7."
    assert move.gaps[0].reason.cy.startswith("Defnyddiwch 5 o eiriau")
    assert move.gaps[1].reason.cy
    assert move.reasons[0].text == (
        "The checklist has 2 must-meet items without an answer (people, welsh-how)"
        " and 1 answer that is not valid (purpose)."
    )
    # The lead is told everything; the co-producers get their own copy (worded for them).
    assert notify == [
        Notify(Event.RETURNED, Audience.LEAD),
        Notify(Event.RETURNED, Audience.CO_PRODUCERS),
    ]


def test_the_shipped_design_gate_returns_an_empty_checklist() -> None:
    library = load_library()
    design = library.gate("design")
    checklists = tuple(library.checklist(c) for c in design.checklists)
    effects = plan_advance(snapshot(S.SUBMITTED, gate=design, checklists=checklists, answers={}))
    move = effects[0]
    assert isinstance(move, Transition)
    assert move.to is S.RETURNED
    assert move.gaps
    assert {g.problem for g in move.gaps} == {"missing"}
    assert {g.checklist_id for g in move.gaps} == {"coproduction-start"}


def test_a_complete_checklist_goes_to_review() -> None:
    effects = plan_advance(snapshot(S.SUBMITTED))
    assert effects == (
        Transition(Action.ACCEPT_FOR_REVIEW, S.IN_REVIEW, reasons_of(effects[0])),
        AssignReviewers(("reviewer",)),
        Notify(Event.REVIEW_REQUESTED, Audience.REVIEWERS),
    )


# --- in review ----------------------------------------------------------------------------


def test_in_review_waits_for_every_assigned_reviewer() -> None:
    s = snapshot(S.IN_REVIEW, reviewers_assigned=frozenset({"r1", "r2"}), reviews=REVIEWED[:1])
    assert plan_advance(s) == ()


def test_recommendations_are_advice_the_venture_goes_to_the_board() -> None:
    s = snapshot(
        S.IN_REVIEW, reviewers_assigned=frozenset({"r1", "r2"}), reviews=REVIEWED, now=T0 + DAY
    )
    effects = plan_advance(s)
    move = effects[0]
    assert isinstance(move, Transition)
    assert move.to is S.AWAITING_BOARD
    assert "(1 go, 1 send back for more work)" in move.reasons[0].text
    assert effects[1:] == (
        # Sent on Tue 3 March: 14 working days on is Mon 23 March, to 17:00 (GMT).
        OpenBallot(1, dt.datetime(2026, 3, 23, 17, 0, tzinfo=dt.UTC)),
        Notify(Event.BOARD_PAPERS, Audience.BOARD),
        Notify(Event.SENT_TO_BOARD, Audience.WORKSTREAM),
    )


def test_reviews_from_before_the_latest_submission_do_not_count() -> None:
    s = snapshot(
        S.IN_REVIEW,
        reviewers_assigned=frozenset({"r1", "r2"}),
        reviews=REVIEWED,
        submitted_at=T0 + 2 * DAY,
    )
    assert plan_advance(s) == ()


def test_stale_reviews_and_the_leads_own_review_do_not_count() -> None:
    reviews = (
        dataclasses.replace(REVIEWED[0], stale=True),
        Review("x", "lead", Recommendation.GO, T0),
    )
    s = snapshot(S.IN_REVIEW, reviews=(*reviews, REVIEWED[1]))
    assert plan_advance(s) == ()


def test_an_answer_removed_in_review_returns_the_venture() -> None:
    s = snapshot(S.IN_REVIEW, answers={"tiny": {"purpose": "we plan"}}, reviews=REVIEWED)
    move = plan_advance(s)[0]
    assert isinstance(move, Transition)
    assert move.to is S.RETURNED


# --- awaiting the Board -------------------------------------------------------------------


def test_a_ballot_opens_when_there_is_none() -> None:
    # Mon 2 March: 14 working days on is Fri 20 March, to 17:00 (GMT).
    assert plan_advance(at_board(ballot=None, now=T0)) == (
        OpenBallot(1, dt.datetime(2026, 3, 20, 17, 0, tzinfo=dt.UTC)),
        Notify(Event.BOARD_PAPERS, Audience.BOARD),
    )


def test_a_ballot_closes_by_the_working_day_before_its_meeting() -> None:
    # Papers for Tue 17 March go 7 working days before (Fri 6 March): a vote opened on
    # Mon 2 March is for that meeting and closes on Mon 16 March, not on the 20th.
    s = at_board(ballot=None, now=T0, meetings=(dt.date(2026, 3, 17),), papers_working_days=7)
    assert plan_advance(s)[0] == OpenBallot(1, dt.datetime(2026, 3, 16, 17, 0, tzinfo=dt.UTC))


def test_a_ballot_opened_after_the_papers_went_is_for_the_next_meeting() -> None:
    # The papers for Thu 5 March went on Tue 24 February: the vote is for 9 April's
    # meeting (papers on 31 March), and its 14 working days end first, on 20 March.
    meetings = (dt.date(2026, 3, 5), dt.date(2026, 4, 9))
    s = at_board(ballot=None, now=T0, meetings=meetings, papers_working_days=7)
    assert plan_advance(s)[0] == OpenBallot(1, dt.datetime(2026, 3, 20, 17, 0, tzinfo=dt.UTC))


def test_an_open_vote_waits() -> None:
    assert plan_advance(with_votes({"chair": Choice.APPROVE}, now=T0 + 3 * DAY)) == ()


def test_an_approval_is_recorded_and_opens_the_next_gate() -> None:
    s = with_votes({"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.REJECT})
    effects = plan_advance(s)
    record, move, told, opened, told_again = effects
    assert isinstance(record, RecordDecision)
    assert (record.gate_id, record.ballot, record.decision.outcome) == (
        "design",
        1,
        Outcome.APPROVED,
    )
    assert move == Transition(Action.APPROVE, S.APPROVED, record.decision.reasons)
    assert told == Notify(Event.DECISION, Audience.EVERYONE)
    assert opened == OpenNextGate("delivery")
    assert told_again == Notify(Event.NEXT_GATE_OPENED, Audience.WORKSTREAM)


def test_the_last_gate_opens_nothing() -> None:
    s = with_votes(
        {"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.APPROVE}, gate=DELIVERY
    )
    assert not any(isinstance(e, OpenNextGate) for e in plan_advance(s))


def test_a_rejection_opens_nothing() -> None:
    s = with_votes({"chair": Choice.REJECT, "m1": Choice.REJECT, "m2": Choice.APPROVE})
    effects = plan_advance(s)
    assert [type(e) for e in effects] == [RecordDecision, Transition, Notify]
    assert effects[1] == Transition(Action.REJECT, S.REJECTED, reasons_of(effects[1]))


def test_more_time_extends_the_ballot() -> None:
    s = with_votes({"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.MORE_TIME})
    assert plan_advance(s) == (
        # Seven working days from the deadline (Mon 16 March): Wed 25 March, 17:00 GMT.
        ExtendBallot(
            1,
            dt.datetime(2026, 3, 25, 17, 0, tzinfo=dt.UTC),
            ("m2",),
            reasons_of(plan_advance(s)[0]),
        ),
        Notify(Event.VOTE_EXTENDED, Audience.BOARD),
    )


def test_no_quorum_runs_the_vote_again() -> None:
    effects = plan_advance(with_votes({"chair": Choice.APPROVE}))
    assert isinstance(effects[0], ExtendBallot)
    assert effects[0].more_time_granted == ()
    assert effects[1] == Notify(Event.NO_QUORUM, Audience.BOARD)


def test_the_leads_vote_never_counts_even_if_recorded() -> None:
    # The lead sits on the Board, but leaves the decision on their own venture.
    s = with_votes({"lead": Choice.APPROVE, "chair": Choice.APPROVE, "m1": Choice.APPROVE})
    effects = plan_advance(s)
    assert isinstance(effects[0], ExtendBallot)  # 2 of the quorum of 3
    s = with_votes(
        {"lead": Choice.APPROVE, "chair": Choice.REJECT, "m1": Choice.REJECT, "m2": Choice.APPROVE}
    )
    record = plan_advance(s)[0]
    assert isinstance(record, RecordDecision)
    assert record.decision.outcome is Outcome.REJECTED
    assert "lead" not in {v.member_id for v in record.decision.counted_votes}
    assert record.decision.tally.eligible == 5


def test_stale_recommendations_send_it_back_to_review() -> None:
    stale = tuple(dataclasses.replace(r, stale=True) for r in REVIEWED)
    effects = plan_advance(at_board(reviews=stale))
    assert effects[0] == Transition(Action.REVIEW_AGAIN, S.IN_REVIEW, reasons_of(effects[0]))
    assert effects[1] == Notify(Event.REVIEW_REQUESTED, Audience.REVIEWERS)


def test_after_hold_a_new_ballot_opens() -> None:
    held = with_votes({"chair": Choice.HOLD, "m1": Choice.HOLD, "m2": Choice.APPROVE})
    held = apply_effects(held, plan_advance(held), gates=GATES)
    assert held.state is S.ON_HOLD
    resumed = dataclasses.replace(held, state=S.AWAITING_BOARD, now=DEADLINE + 30 * DAY)
    assert plan_advance(resumed) == (
        # Resumed on Wed 15 April: 14 working days on is Tue 5 May, 17:00 BST (16:00 UTC);
        # the snapshot's default calendar has no bank holidays (4 May is one).
        OpenBallot(2, dt.datetime(2026, 5, 5, 16, 0, tzinfo=dt.UTC)),
        Notify(Event.BOARD_PAPERS, Audience.BOARD),
    )


# --- idempotence --------------------------------------------------------------------------

MEMBERS = ("chair", "m1", "m2", "m3", "m4", "lead")


@st.composite
def snapshots(draw: st.DrawFn) -> VentureSnapshot:
    answers = dict(COMPLETE["tiny"])
    changed = st.lists(st.sampled_from(sorted(VALID_VALUES)), min_size=1, max_size=2)
    for item in draw(st.just([]) | changed):
        answers[item] = draw(st.sampled_from([None, *VALID_VALUES[item], *INVALID_VALUES[item]]))
    minutes = st.integers(0, 40 * 24 * 60).map(lambda m: T0 + dt.timedelta(minutes=m))
    early = st.integers(0, 10 * 24 * 60).map(lambda m: T0 + dt.timedelta(minutes=m))
    reviews = draw(
        st.lists(
            st.builds(
                Review,
                id=st.text("abcdef", min_size=1, max_size=4),
                reviewer_id=st.sampled_from(["r1", "r2", "r3", "lead"]),
                recommendation=st.sampled_from(Recommendation),
                given_at=minutes,
                stale=st.booleans(),
            ),
            max_size=4,
        )
    )
    ballot = None
    if draw(st.integers(0, 3)):
        ballot = Ballot(
            draw(st.integers(1, 3)),
            draw(minutes),
            votes=tuple(
                draw(
                    st.lists(
                        st.builds(
                            Vote,
                            id=st.text("abcdef", min_size=1, max_size=4),
                            member_id=st.sampled_from(MEMBERS),
                            choice=st.sampled_from(Choice),
                            cast_at=early,
                            stale=st.sampled_from([False, False, False, True]),
                        ),
                        max_size=10,
                    )
                )
            ),
            closed_by_chair=draw(st.booleans()),
            more_time_granted=frozenset(draw(st.sets(st.sampled_from(MEMBERS), max_size=2))),
        )
    # Most examples are where the planner has work: in review and awaiting the Board.
    state = draw(st.sampled_from([S.IN_REVIEW, S.AWAITING_BOARD]) | st.sampled_from(VentureState))
    submitted_at = draw(minutes)
    if draw(st.booleans()):
        reviews += [
            Review(f"fresh-{r}", r, Recommendation.GO, submitted_at + DAY) for r in ("r1", "r2")
        ]
    if state is S.SUBMITTED:
        # Nobody reviews a venture that is not in review: reviews are older than its submission.
        submitted_at = max([submitted_at, *(r.given_at + DAY for r in reviews)])
    return snapshot(
        state,
        gate=draw(st.sampled_from(list(GATES.values()))),
        answers={"tiny": answers},
        rule=rule(
            quorum=draw(st.sampled_from([1, 2, 3, 0.5, 1.0])),
            lived_experience_quorum=draw(st.integers(0, 2)),
            chair_must_vote=draw(st.booleans()),
            chair_casting_vote=draw(st.booleans()),
            threshold=draw(st.sampled_from(["simple-majority", "two-thirds", "unanimous"])),
        ),
        members=(
            Member("chair", True, True),
            Member("m1", True),
            Member("m2"),
            Member("m3"),
            Member("m4"),
            Member("lead"),
        ),
        now=draw(minutes),
        submitted_at=submitted_at,
        reviewers_assigned=frozenset(draw(st.sets(st.sampled_from(["r1", "r2"])))),
        reviews_required=draw(st.integers(1, 2)),
        reviews=tuple(reviews),
        interests=tuple(Interest(m) for m in draw(st.sets(st.sampled_from(MEMBERS), max_size=2))),
        ballot=ballot,
    )


@settings(max_examples=300, deadline=None)
@given(snapshots())
def test_planning_again_after_applying_a_plan_does_nothing(s: VentureSnapshot) -> None:
    effects = plan_advance(s)
    after = apply_effects(s, effects, gates=GATES)  # also checks every transition is legal
    assert plan_advance(after) == ()
    assert plan_advance(s) == effects  # and planning is a pure function of the snapshot


@settings(max_examples=100, deadline=None)
@given(snapshots())
def test_no_effects_for_states_that_wait_for_people(s: VentureSnapshot) -> None:
    if s.state not in {S.SUBMITTED, S.IN_REVIEW, S.AWAITING_BOARD}:
        assert plan_advance(s) == ()


# --- when the rules prove a venture cannot move (`may_advance`) ------------------------------

WAITS_FOR_PEOPLE = [state for state in VentureState if not may_advance(state)]


def test_only_submitted_in_review_and_awaiting_the_board_may_move() -> None:
    assert {state for state in VentureState if may_advance(state)} == {
        S.SUBMITTED,
        S.IN_REVIEW,
        S.AWAITING_BOARD,
    }


@settings(max_examples=200, deadline=None)
@given(snapshots(), st.sampled_from(WAITS_FOR_PEOPLE))
def test_a_state_that_may_not_move_gives_nothing_whatever_else_is_recorded(
    s: VentureSnapshot, state: VentureState
) -> None:
    """The same snapshot (complete checklists, fresh reviews, a ballot past its deadline
    or closed by the chair, ...) in a state `may_advance` refuses: no effects, now or at
    any later time, so a caller may skip planning."""
    waiting = dataclasses.replace(s, state=state)
    assert plan_advance(waiting) == ()
    assert next_advance(waiting) is None
    later = dataclasses.replace(waiting, now=waiting.now + 400 * DAY, today=None)
    assert plan_advance(later) == ()


@pytest.mark.parametrize("case", ["to review", "to the Board", "approved"])
def test_each_state_that_may_move_does_move_in_some_snapshot(case: str) -> None:
    """`may_advance` is not merely always False: each state it allows has a plan."""
    s = HANDMADE[case]
    assert may_advance(s.state)
    assert plan_advance(s)


HANDMADE = {
    "returned": snapshot(S.SUBMITTED, answers={}),
    "to review": snapshot(S.SUBMITTED),
    "to the Board": snapshot(S.IN_REVIEW, reviewers_assigned=frozenset({"r1"}), reviews=REVIEWED),
    "approved": with_votes({"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.APPROVE}),
    "approved, last gate": with_votes(
        {"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.APPROVE}, gate=DELIVERY
    ),
    "on hold": with_votes({"chair": Choice.HOLD, "m1": Choice.HOLD, "m2": Choice.HOLD}),
    "more time": with_votes({"chair": Choice.MORE_TIME}),
    "more time, chair closed": with_votes(
        {"chair": Choice.APPROVE, "m3": Choice.MORE_TIME}, closed_by_chair=True, now=T0 + 3 * DAY
    ),
    "no quorum, chair closed": at_board(ballot=Ballot(1, DEADLINE, closed_by_chair=True)),
    "stale reviews": at_board(reviews=tuple(dataclasses.replace(r, stale=True) for r in REVIEWED)),
    "open vote": with_votes({"m1": Choice.APPROVE}, now=T0 + 3 * DAY),
}


@pytest.mark.parametrize("case", list(HANDMADE))
def test_each_step_of_the_main_path_is_idempotent(case: str) -> None:
    s = HANDMADE[case]
    effects = plan_advance(s)
    if case != "open vote":
        assert effects
    assert plan_advance(apply_effects(s, effects, gates=GATES)) == ()


def test_the_lead_on_the_board_is_not_counted_as_declaring_an_interest() -> None:
    """The lead (on the Board) and one member who declared: one declaration, not two."""
    s = with_votes(
        {"chair": Choice.APPROVE, "m1": Choice.APPROVE, "m2": Choice.APPROVE},
        interests=(Interest("m3", "runs a café nearby"),),
    )
    record = plan_advance(s)[0]
    assert isinstance(record, RecordDecision)
    tally = record.decision.tally
    assert (tally.members, tally.eligible, tally.recused, tally.declared) == (6, 4, 2, 1)
    reasons = {r.code: r for r in record.decision.reasons}
    assert reasons["eligible"].text.startswith(
        "4 members of 6 may vote; 1 member declared an interest and counts"
    )
    assert "lead-does-not-vote" in reasons
