"""Advance a venture as far as the rules allow: a pure planner.

`plan_advance(snapshot)` reads what is recorded about a venture's current gate and
returns the effects that the rules call for now, in order. The caller
(`services.advance`, run directly or by the `advance-venture` flow) applies one plan's
effects together, in one unit of work, with their audit entries and outbox messages.

Planning is idempotent: once a plan's effects are applied, planning again returns
no effects until a person acts or the clock passes a deadline. Every plan ends in
a state that waits for people: a returned venture waits for its lead, a venture
in review for its reviewers, an open ballot for its members or its deadline.

What applying each effect means is said in its docstring.

Choices made here:
- Recommendations are advice. A venture goes to the Board once every assigned
  reviewer (and at least `reviews_required` reviewers) has recommended since the
  latest submission, whatever they recommended; the Board sees them all.
- A checklist that becomes incomplete in review or awaiting the Board (an answer
  was changed or removed) is returned for changes at once.
- Awaiting the Board with stale recommendations (an answer changed after review)
  goes back to review: the Board must not decide on advice about other answers.
- The venture's lead leaves the Board's decision on their own venture, whatever
  their roles: their vote never counts (`decide(..., lead=...)`, which gives it a
  reason of its own rather than counting it as a declared interest).
- Each time a venture goes (or comes back) to the Board a new ballot opens, so a
  decision is recorded at most once per ballot: a ballot with a decision is never
  decided again.
- A ballot closes at 17:00 local on the `voting_days`-th working day after it opens,
  or at the end of the working day before the meeting it is for if that comes first
  (`working_days.vote_closes`): the Board should not meet on a vote still open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from checklists.spec import ChecklistDefinition, GateDefinition
from governance.ballots import Interest, Member, Vote
from governance.completeness import ChecklistGap, checklist_gaps
from governance.decisions import Decision, Deferred, NoQuorum, Pending, decide
from governance.lifecycle import APPROVED_STATES, Action, VentureState, transition
from governance.reasons import Reason, reason
from governance.reviews import Recommendation, Review
from governance.rules import DecisionRule
from governance.working_days import WEEKDAYS, WorkingCalendar, vote_closes

S = VentureState


class Event(StrEnum):
    RETURNED = "returned"
    REVIEW_REQUESTED = "review-requested"
    SENT_TO_BOARD = "sent-to-board"
    BOARD_PAPERS = "board-papers"
    VOTE_EXTENDED = "vote-extended"
    NO_QUORUM = "no-quorum"
    DECISION = "decision"
    NEXT_GATE_OPENED = "next-gate-opened"


class Audience(StrEnum):
    LEAD = "lead"
    WORKSTREAM = "workstream"  # the lead and the workstream's members
    CO_PRODUCERS = "co-producers"  # the workstream's members but the venture's lead
    REVIEWERS = "reviewers"  # the reviewers assigned to the venture
    BOARD = "board"  # members not recused
    EVERYONE = "everyone"  # all of the above: the people concerned


@dataclass(frozen=True, slots=True)
class Ballot:
    """One round of voting by the Board on the venture's current gate."""

    number: int  # 1, 2, … within the gate
    deadline: dt.datetime
    votes: tuple[Vote, ...] = ()
    closed_by_chair: bool = False
    more_time_granted: frozenset[str] = frozenset()
    decision: Decision | None = None


@dataclass(frozen=True, slots=True)
class VentureSnapshot:
    """What is recorded about a venture's current gate, as the planner needs it."""

    venture_id: str
    lead_id: str
    state: VentureState
    gate: GateDefinition
    checklists: tuple[ChecklistDefinition, ...]  # the pinned versions of the gate's checklists
    answers: Mapping[str, Mapping[str, Any]]  # checklist id → item id → value
    rule: DecisionRule  # pinned
    members: tuple[Member, ...]  # the Board
    now: dt.datetime
    # The programme's local date at `now` (relative date tests in checklists count from
    # it); None: now's own date.
    today: dt.date | None = None
    # The gate's sign-off: how many co-producers with lived experience must confirm the
    # checklist before it goes to review, and how many sign-offs stand.
    sign_offs_required: int = 0
    sign_offs_given: int = 0
    submitted_at: dt.datetime | None = None  # latest submission; older reviews do not count
    reviews_required: int = 1
    reviewers_assigned: frozenset[str] = frozenset()
    reviews: tuple[Review, ...] = ()
    interests: tuple[Interest, ...] = ()  # declarations about this venture
    ballot: Ballot | None = None  # the latest ballot of this gate
    # The days deadlines count in (bank holidays, local zone), and the Board's meeting
    # calendar with how many working days before a meeting its papers go: a vote closes
    # by the working day before the meeting it is for.
    calendar: WorkingCalendar = WEEKDAYS
    meetings: tuple[dt.date, ...] = ()
    papers_working_days: int = 7


@dataclass(frozen=True, slots=True)
class Transition:
    """Move the venture: state = `to`. The caller may check it with `lifecycle.transition`."""

    action: Action
    to: VentureState
    reasons: tuple[Reason, ...]
    gaps: tuple[ChecklistGap, ...] = ()  # for a return: what is missing or invalid


@dataclass(frozen=True, slots=True)
class AssignReviewers:
    """Assign every person with one of `roles` who may review it (`may_review`).

    Everyone in the gate's reviewing roles is asked (a co-production workstream reviews
    together); how many must have recommended before the venture moves on is the
    snapshot's `reviews_required`, not a number of people to pick.
    """

    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notify:
    """Tell `audience` about `event` (through the outbox, keyed by the unit of work)."""

    event: Event
    audience: Audience


@dataclass(frozen=True, slots=True)
class OpenBallot:
    """Open ballot `number` with this deadline; later votes belong to it."""

    number: int
    deadline: dt.datetime


@dataclass(frozen=True, slots=True)
class ExtendBallot:
    """Ballot `number` runs on: new deadline, no longer closed, `granted` had more time."""

    number: int
    deadline: dt.datetime
    more_time_granted: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """Record the decision of ballot `number` (once: unique per venture, gate and ballot)."""

    gate_id: str
    ballot: int
    decision: Decision


@dataclass(frozen=True, slots=True)
class OpenNextGate:
    """Open `gate_id` for the venture: pin its latest definitions; the venture is in draft."""

    gate_id: str


Effect = (
    Transition
    | AssignReviewers
    | Notify
    | OpenBallot
    | ExtendBallot
    | RecordDecision
    | OpenNextGate
)


# The states in which the rules may move a venture on, time alone among them (a vote's
# deadline passing, a relative date test of a checklist counting from a new day).
_WAITING = frozenset({S.SUBMITTED, S.IN_REVIEW, S.AWAITING_BOARD})


def may_advance(state: VentureState) -> bool:
    """Whether `plan_advance` can call for anything for a venture in `state`, whatever
    else is recorded about it and whatever the time. False proves that it cannot: a
    draft, a returned or recycled venture waits for its workstream, one on hold for the
    chair, a decided or withdrawn one for nothing; an action that leaves a venture in
    such a state (an answer to a draft) needs no advance after it. True only says that
    the rules must look (`plan_advance` on the whole snapshot)."""
    return state in _WAITING


def plan_advance(snapshot: VentureSnapshot) -> tuple[Effect, ...]:
    """The effects the rules call for now, in order; () when the venture waits for people."""
    s = snapshot
    if not may_advance(s.state):
        # draft, returned and recycled wait for the workstream; on hold waits for the
        # chair; the final states wait for nothing.
        return ()
    if s.state is S.SUBMITTED:
        return _submitted(s)
    if s.state is S.IN_REVIEW:
        return _in_review(s)
    if s.state is S.AWAITING_BOARD:
        return _awaiting_board(s)
    raise AssertionError(f"a waiting state the planner does not handle: {s.state}")


def current_reviews(snapshot: VentureSnapshot) -> tuple[Review, ...]:
    """The latest non-stale review of each reviewer since the latest submission."""
    latest: dict[str, Review] = {}
    for review in snapshot.reviews:
        if review.stale or review.reviewer_id == snapshot.lead_id:
            continue
        if snapshot.submitted_at is not None and review.given_at < snapshot.submitted_at:
            continue
        held = latest.get(review.reviewer_id)
        if held is None or held.given_at <= review.given_at:
            latest[review.reviewer_id] = review
    return tuple(latest.values())


def reviews_complete(snapshot: VentureSnapshot) -> bool:
    done = {r.reviewer_id for r in current_reviews(snapshot)}
    return snapshot.reviewers_assigned <= done and len(done) >= snapshot.reviews_required


def _submitted(s: VentureSnapshot) -> tuple[Effect, ...]:
    gaps = checklist_gaps(s.checklists, s.answers, s.today or s.now.date())
    if gaps or s.sign_offs_given < s.sign_offs_required:
        return _return_for_changes(s, gaps)
    return (
        _move(
            s,
            Action.ACCEPT_FOR_REVIEW,
            reason("checklist-complete"),
        ),
        AssignReviewers(tuple(s.gate.reviewers)),
        Notify(Event.REVIEW_REQUESTED, Audience.REVIEWERS),
    )


def _in_review(s: VentureSnapshot) -> tuple[Effect, ...]:
    gaps = checklist_gaps(s.checklists, s.answers, s.today or s.now.date())
    if gaps:
        return _return_for_changes(s, gaps)
    if not reviews_complete(s):
        return ()
    given = current_reviews(s)
    go = sum(1 for r in given if r.recommendation is Recommendation.GO)
    number = 1 if s.ballot is None else s.ballot.number + 1
    return (
        _move(
            s,
            Action.SEND_TO_BOARD,
            reason("reviews-complete", go=go, recycle=len(given) - go),
        ),
        OpenBallot(number, _closes(s)),
        Notify(Event.BOARD_PAPERS, Audience.BOARD),
        Notify(Event.SENT_TO_BOARD, Audience.WORKSTREAM),
    )


def _awaiting_board(s: VentureSnapshot) -> tuple[Effect, ...]:
    gaps = checklist_gaps(s.checklists, s.answers, s.today or s.now.date())
    if gaps:
        return _return_for_changes(s, gaps)
    if not reviews_complete(s):
        return (
            _move(
                s,
                Action.REVIEW_AGAIN,
                reason("reviews-stale"),
            ),
            Notify(Event.REVIEW_REQUESTED, Audience.REVIEWERS),
        )
    if s.ballot is None or s.ballot.decision is not None:
        # First time at the Board, or back from hold: a new ballot.
        number = 1 if s.ballot is None else s.ballot.number + 1
        return (
            OpenBallot(number, _closes(s)),
            Notify(Event.BOARD_PAPERS, Audience.BOARD),
        )
    return _count_ballot(s, s.ballot)


def _closes(s: VentureSnapshot) -> dt.datetime:
    return vote_closes(s.now, s.rule.voting_days, s.calendar, s.meetings, s.papers_working_days)


def _count_ballot(s: VentureSnapshot, ballot: Ballot) -> tuple[Effect, ...]:
    result = decide(
        s.rule,
        s.members,
        ballot.votes,
        s.interests,
        closed_by_chair=ballot.closed_by_chair,
        now=s.now,
        deadline=ballot.deadline,
        more_time_granted=ballot.more_time_granted,
        lead=s.lead_id,
        calendar=s.calendar,
    )
    if isinstance(result, Pending):
        return ()
    if isinstance(result, Deferred):
        return (
            ExtendBallot(ballot.number, result.new_deadline, result.granted_to, result.reasons),
            Notify(Event.VOTE_EXTENDED, Audience.BOARD),
        )
    if isinstance(result, NoQuorum):
        return (
            ExtendBallot(ballot.number, result.new_deadline, (), result.reasons),
            Notify(Event.NO_QUORUM, Audience.BOARD),
        )
    return _record(s, ballot, result)


def _record(s: VentureSnapshot, ballot: Ballot, decision: Decision) -> tuple[Effect, ...]:
    effects: list[Effect] = [
        RecordDecision(s.gate.id, ballot.number, decision),
        Transition(decision.outcome.action, decision.outcome.state, decision.reasons),
        Notify(Event.DECISION, Audience.EVERYONE),
    ]
    next_gate = s.gate.next_gate
    if decision.outcome.state in APPROVED_STATES and next_gate is not None:
        effects += [OpenNextGate(next_gate), Notify(Event.NEXT_GATE_OPENED, Audience.WORKSTREAM)]
    return tuple(effects)


def _return_for_changes(s: VentureSnapshot, gaps: tuple[ChecklistGap, ...]) -> tuple[Effect, ...]:
    missing = [g.item_id for g in gaps if g.problem == "missing"]
    invalid = [g.item_id for g in gaps if g.problem == "invalid"]
    not_met = [g.item_id for g in gaps if g.problem == "not-met"]
    why: list[Reason] = []
    if missing or invalid:
        why.append(
            reason(
                "checklist-incomplete",
                which="both" if missing and invalid else "missing" if missing else "invalid",
                missing=len(missing),
                missing_items=", ".join(missing),
                invalid=len(invalid),
                invalid_items=", ".join(invalid),
            )
        )
    if not_met:
        why.append(reason("checklist-not-met", not_met=len(not_met), items=", ".join(not_met)))
    if s.state is VentureState.SUBMITTED and s.sign_offs_given < s.sign_offs_required:
        # Only a submission asks for sign-offs: a changed answer in review voids them,
        # and it then goes back to its reviewers, not to the workstream.
        why.append(
            reason("sign-offs-missing", needed=s.sign_offs_required, given=s.sign_offs_given)
        )
    # The lead hears of every gap; the co-producers are told the same news, but asked
    # only about the items for them (the message's wording follows its audience).
    return (
        _move(s, Action.RETURN_FOR_CHANGES, *why, gaps=gaps),
        Notify(Event.RETURNED, Audience.LEAD),
        Notify(Event.RETURNED, Audience.CO_PRODUCERS),
    )


def _move(
    s: VentureSnapshot, action: Action, *why: Reason, gaps: tuple[ChecklistGap, ...] = ()
) -> Transition:
    target = transition(s.state, action)
    if not isinstance(target, VentureState):
        # The planner only takes actions the table allows from the state it handles.
        raise AssertionError(target.reason)
    return Transition(action, target, why, gaps)


def next_advance(snapshot: VentureSnapshot) -> dt.datetime | None:
    """The earliest time from `snapshot.now` at which `plan_advance` may give something if
    nothing about the venture changes meanwhile (a change makes the caller look again):
    `now` when it gives something now; None for a venture that waits for people alone
    (a draft, on hold, decided or withdrawn).

    Errs early, never late: a waiting venture is looked at again at the next local
    midnight, since a checklist's relative date tests (`within_days`, `not_in_future`)
    count from the local day and may fail on any new day; and at its open ballot's
    deadline, when the vote may be decided, extended or found without quorum."""
    s = snapshot
    if not may_advance(s.state):
        return None
    if plan_advance(s):
        return s.now
    tz = s.calendar.tz
    today = s.today or s.now.astimezone(tz).date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    times = [midnight.astimezone(dt.UTC)]
    if s.ballot is not None and s.ballot.decision is None and s.ballot.deadline > s.now:
        times.append(s.ballot.deadline)
    return max(min(times), s.now)
