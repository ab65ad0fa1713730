"""Board decisions: who counts, quorum, thresholds, the casting vote, more time.

`decide` is a pure function of the rule, the Board, the votes, the declarations of
interest and the clock. Its result always carries the counts (`Tally`) and one
sentence per reason, so that a decision record can say exactly why.

Choices made here (each one has a test):
- Recused members (declared an interest) count towards neither quorum nor tally;
  a vote they cast before declaring is set aside. The venture's lead, when on the
  Board, leaves the decision too (`lead`), with a reason of its own: leading is not
  a declaration, so the reasons count the two apart.
- A member's current vote is their latest vote that is not stale and was cast by
  the deadline. Stale votes (an answer changed after them) and late votes are set
  aside, as are votes of people who are not on the Board.
- Quorum counts members who took part: approve, approve with conditions, recycle,
  reject, hold or abstain. "More time" is not taking part yet.
- A fraction quorum is taken of the eligible (not recused) members, rounded up.
- The chair-must-vote rule is waived when the chair declared an interest: the chair
  leaves that decision like anyone else, and the venture must not be blocked by it.
- A vote closes at its deadline or when the chair closes it. Then, if any member's
  current vote is "more time" and that member has not had an extension on this
  ballot yet, the result is `Deferred`: the deadline moves by `more_time_days`
  working days, to 17:00 local, counted from the later of the old deadline and now (a
  late sweep never shortens the extra time). More time is not cut short by a coming
  meeting: the member's extra time is theirs, and the vote goes to a later meeting.
  This holds when the chair closes early too: the extra time a
  member asked for is theirs, on a Board led by people who may need it. Each member
  gets it once per ballot; a second "more time" at the next closing counts as not
  having voted (not as an abstention, which would be a view they did not give).
- Closed without quorum is `NoQuorum`, not a decision: nothing is recorded as
  decided, and the vote runs again until a new deadline (same rule as above).
- Support is approve + approve with conditions; against is recycle + reject + hold;
  abstentions are in neither. Simple majority: more for than against. Two-thirds:
  for ≥ 2/3 of for + against (2 of 3 carries). Unanimous: nobody against and at
  least one for. Nothing carries without at least one vote for.
- A simple-majority tie is broken by the chair's own vote when the rule gives the
  chair a casting vote and the chair voted for or against; otherwise a tie is not
  carried.
- Carried: approved with conditions if at least one supporting vote had conditions
  (the conditions must not be lost because others approved outright), else approved.
- Not carried: the most-voted of recycle, reject, hold. Ties go to the gentlest,
  recycle then hold then reject, because a venture kept going can still come back,
  while a rejection ends the gate. No votes against at all also means recycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from governance import standing
from governance.ballots import AGAINST, SUPPORT, TAKING_PART, Choice, Interest, Member, Vote
from governance.lifecycle import Action, VentureState
from governance.reasons import Reason, reason
from governance.rules import DecisionRule, Threshold
from governance.working_days import WEEKDAYS, WorkingCalendar, extended


class Outcome(StrEnum):
    """What the Board decided; each value is also the venture state it leads to."""

    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    RECYCLED = "recycled"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"

    @property
    def state(self) -> VentureState:
        return VentureState(self.value)

    @property
    def action(self) -> Action:
        return OUTCOME_ACTIONS[self]


OUTCOME_ACTIONS: dict[Outcome, Action] = {
    Outcome.APPROVED: Action.APPROVE,
    Outcome.APPROVED_WITH_CONDITIONS: Action.APPROVE_WITH_CONDITIONS,
    Outcome.RECYCLED: Action.RECYCLE,
    Outcome.REJECTED: Action.REJECT,
    Outcome.ON_HOLD: Action.HOLD,
}
# When support fails, the most-voted of these; ties go to the first (the gentlest).
GENTLEST_FIRST: tuple[tuple[Choice, Outcome], ...] = (
    (Choice.RECYCLE, Outcome.RECYCLED),
    (Choice.HOLD, Outcome.ON_HOLD),
    (Choice.REJECT, Outcome.REJECTED),
)

ClosedBy = Literal["deadline", "chair"]


@dataclass(frozen=True, slots=True)
class Tally:
    """The counts behind a result."""

    rule: str
    members: int
    eligible: int  # members not recused
    recused: int  # members who leave the decision: those who declared, and the lead
    quorum_needed: int
    voted: int  # eligible members who took part (including abstentions)
    approve: int
    approve_with_conditions: int
    recycle: int
    reject: int
    hold: int
    abstain: int
    more_time: int  # current "more time" votes not yet granted
    lived_experience_voted: int
    chair_voted: bool
    set_aside: int  # votes not counted: stale, late, recused, not on the Board, spent more time
    # The lead is on the Board and so among the recused (a default, for tallies
    # recorded before it was kept apart).
    lead_recused: bool = False

    @property
    def declared(self) -> int:
        """Members who declared an interest (the lead, who leaves anyway, not counted)."""
        return self.recused - int(self.lead_recused)

    @property
    def support(self) -> int:
        return self.approve + self.approve_with_conditions

    @property
    def against(self) -> int:
        return self.recycle + self.reject + self.hold


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    tally: Tally
    reasons: tuple[Reason, ...]
    counted_votes: tuple[Vote, ...]  # the current votes of eligible members who took part
    conditions: tuple[str, ...]  # reasons given with approve-with-conditions votes
    decided_at: dt.datetime
    closed_by: ClosedBy
    casting_vote_used: bool = False


@dataclass(frozen=True, slots=True)
class Pending:
    """The vote is open; nothing is decided yet."""

    tally: Tally
    reasons: tuple[Reason, ...]
    deadline: dt.datetime


@dataclass(frozen=True, slots=True)
class Deferred:
    """Members asked for more time at closing: the vote runs on until `new_deadline`."""

    tally: Tally
    reasons: tuple[Reason, ...]
    new_deadline: dt.datetime
    granted_to: tuple[str, ...]  # members whose more time this is (once per ballot)


@dataclass(frozen=True, slots=True)
class NoQuorum:
    """Closed without quorum: not a decision. The vote runs again until `new_deadline`."""

    tally: Tally
    reasons: tuple[Reason, ...]
    new_deadline: dt.datetime
    closed_by: ClosedBy


Result = Decision | Pending | Deferred | NoQuorum


@dataclass(frozen=True, slots=True)
class _Count:
    """Who is eligible and which vote of each counts."""

    board: dict[str, Member]
    recused: frozenset[str]  # declared an interest, and the lead
    lead: str | None  # the venture's lead, if on the Board
    current: dict[str, Vote]  # member id → current vote, eligible members only
    taking_part: dict[str, Vote]
    more_time: tuple[str, ...]  # members whose current "more time" is not yet granted
    spent_more_time: tuple[str, ...]
    set_aside: int
    set_aside_recused: int  # votes of members who declared an interest
    set_aside_lead: int  # the lead's own votes


def decide(
    rule: DecisionRule,
    members: Iterable[Member],
    votes: Iterable[Vote],
    interests: Iterable[Interest],
    *,
    closed_by_chair: bool,
    now: dt.datetime,
    deadline: dt.datetime,
    more_time_granted: frozenset[str] = frozenset(),
    lead: str | None = None,
    calendar: WorkingCalendar = WEEKDAYS,
) -> Result:
    """The result of one ballot, as of `now`.

    `more_time_granted` names the members who already had their extension on this
    ballot (from earlier `Deferred` results). `lead` is the venture's lead: on the
    Board, they leave the decision (an interest declared by the lead too counts
    once, as the lead's).
    """
    count = _count(members, votes, interests, deadline, more_time_granted, lead)
    tally = _tally(rule, count)
    reasons = [*_who_counts(rule, tally, count)]
    closed = closed_by_chair or now >= deadline
    if not closed:
        reasons.append(reason("vote-open", until=deadline.isoformat()))
        return Pending(tally, tuple(reasons), deadline)
    closed_by: ClosedBy = "chair" if closed_by_chair else "deadline"
    reasons.append(_closing_reason(closed_by))
    # More time, and a vote run again for want of quorum, count working days from the
    # later of the deadline and now, to 17:00 local.
    new_deadline = extended(deadline, now, rule.more_time_days, calendar)
    if count.more_time:
        reasons.append(
            reason(
                "more-time",
                count=len(count.more_time),
                days=rule.more_time_days,
                until=new_deadline.isoformat(),
            )
        )
        return Deferred(tally, tuple(reasons), new_deadline, count.more_time)
    quorum_reasons, quorate = _quorum(rule, tally, count)
    reasons.extend(quorum_reasons)
    if not quorate:
        reasons.append(reason("no-quorum-rerun", until=new_deadline.isoformat()))
        return NoQuorum(tally, tuple(reasons), new_deadline, closed_by)
    outcome, casting, outcome_reasons = _outcome(rule, tally, count)
    reasons.extend(outcome_reasons)
    conditions = tuple(
        v.reason
        for v in count.taking_part.values()
        if v.choice is Choice.APPROVE_WITH_CONDITIONS and v.reason.strip()
    )
    counted = tuple(sorted(count.taking_part.values(), key=lambda v: (v.cast_at, v.member_id)))
    return Decision(outcome, tally, tuple(reasons), counted, conditions, now, closed_by, casting)


def _count(
    members: Iterable[Member],
    votes: Iterable[Vote],
    interests: Iterable[Interest],
    deadline: dt.datetime,
    more_time_granted: frozenset[str],
    lead: str | None,
) -> _Count:
    board = {m.id: m for m in members}
    lead_recused = lead is not None and lead in board
    # An interest the lead declared counts once, as the lead's (see `Tally.declared`).
    recused = frozenset(standing.recused(interests, lead if lead_recused else None) & board.keys())
    current: dict[str, Vote] = {}
    set_aside = set_aside_recused = set_aside_lead = 0
    for vote in votes:
        if vote.member_id not in board or vote.stale or vote.cast_at > deadline:
            set_aside += 1
            continue
        if vote.member_id in recused:
            set_aside += 1
            if vote.member_id == lead:
                set_aside_lead += 1
            else:
                set_aside_recused += 1
            continue
        previous = current.get(vote.member_id)
        if previous is not None:
            set_aside += 1  # superseded by the member's later vote
            if previous.cast_at > vote.cast_at:
                continue
        current[vote.member_id] = vote
    more_time = tuple(
        sorted(
            m
            for m, v in current.items()
            if v.choice is Choice.MORE_TIME and m not in more_time_granted
        )
    )
    spent = tuple(
        sorted(
            m for m, v in current.items() if v.choice is Choice.MORE_TIME and m in more_time_granted
        )
    )
    taking_part = {m: v for m, v in current.items() if v.choice in TAKING_PART}
    return _Count(
        board,
        recused,
        lead if lead_recused else None,
        current,
        taking_part,
        more_time,
        spent,
        set_aside,
        set_aside_recused,
        set_aside_lead,
    )


def _tally(rule: DecisionRule, count: _Count) -> Tally:
    eligible = len(count.board) - len(count.recused)
    chosen = [v.choice for v in count.taking_part.values()]
    chair_ids = {m.id for m in count.board.values() if m.is_chair}
    return Tally(
        rule=rule.name,
        members=len(count.board),
        eligible=eligible,
        recused=len(count.recused),
        quorum_needed=rule.quorum_needed(eligible),
        voted=len(count.taking_part),
        approve=chosen.count(Choice.APPROVE),
        approve_with_conditions=chosen.count(Choice.APPROVE_WITH_CONDITIONS),
        recycle=chosen.count(Choice.RECYCLE),
        reject=chosen.count(Choice.REJECT),
        hold=chosen.count(Choice.HOLD),
        abstain=chosen.count(Choice.ABSTAIN),
        more_time=len(count.more_time),
        lived_experience_voted=sum(1 for m in count.taking_part if count.board[m].lived_experience),
        chair_voted=bool(chair_ids & count.taking_part.keys()),
        set_aside=count.set_aside + len(count.spent_more_time),
        lead_recused=count.lead is not None,
    )


def _who_counts(rule: DecisionRule, tally: Tally, count: _Count) -> list[Reason]:
    quorum = rule.quorum
    reasons = [
        reason(
            "rule",
            name=rule.name,
            quorum_kind="count" if isinstance(quorum, int) else "fraction",
            quorum=quorum if isinstance(quorum, int) else f"{quorum:g}",
            threshold=rule.threshold.value,
            needed=tally.quorum_needed,
        ),
        reason("eligible", eligible=tally.eligible, members=tally.members, declared=tally.declared),
    ]
    if tally.lead_recused:
        reasons.append(reason("lead-does-not-vote"))
    reasons.append(
        reason(
            "counts",
            voted=tally.voted,
            approve=tally.approve,
            approve_with_conditions=tally.approve_with_conditions,
            recycle=tally.recycle,
            reject=tally.reject,
            hold=tally.hold,
            abstain=tally.abstain,
            more_time=tally.more_time,
        )
    )
    if count.set_aside_recused:
        reasons.append(reason("recused-vote-set-aside", count=count.set_aside_recused))
    if count.set_aside_lead:
        reasons.append(reason("lead-vote-set-aside"))
    if count.spent_more_time:
        reasons.append(reason("more-time-spent", count=len(count.spent_more_time)))
    return reasons


def _closing_reason(closed_by: ClosedBy) -> Reason:
    if closed_by == "chair":
        return reason("closed-by-chair")
    return reason("closed-at-deadline")


def _quorum(rule: DecisionRule, tally: Tally, count: _Count) -> tuple[list[Reason], bool]:
    reasons: list[Reason] = []
    met = tally.voted >= tally.quorum_needed
    reasons.append(
        reason(
            "quorum-met" if met else "quorum-not-met",
            voted=tally.voted,
            needed=tally.quorum_needed,
        )
    )
    quorate = met
    if rule.lived_experience_quorum:
        lived_met = tally.lived_experience_voted >= rule.lived_experience_quorum
        reasons.append(
            reason(
                "lived-experience-quorum-met" if lived_met else "lived-experience-quorum-not-met",
                count=tally.lived_experience_voted,
                needed=rule.lived_experience_quorum,
            )
        )
        quorate = quorate and lived_met
    if rule.chair_must_vote:
        recused_chairs = [m for m in count.board.values() if m.is_chair and m.id in count.recused]
        if recused_chairs:
            leads = all(m.id == count.lead for m in recused_chairs)
            reasons.append(reason("chair-recused", why="lead" if leads else "declared"))
        elif tally.chair_voted:
            reasons.append(reason("chair-voted"))
        else:
            reasons.append(reason("chair-did-not-vote"))
            quorate = False
    return reasons, quorate


def _outcome(rule: DecisionRule, tally: Tally, count: _Count) -> tuple[Outcome, bool, list[Reason]]:
    support, against = tally.support, tally.against
    cast = support + against
    reasons: list[Reason] = []
    casting = False
    if rule.threshold is Threshold.SIMPLE_MAJORITY:
        carried = support > against
    elif rule.threshold is Threshold.TWO_THIRDS:
        carried = support > 0 and 3 * support >= 2 * cast
    else:
        carried = support > 0 and against == 0
    reasons.append(
        reason("support", support=support, against=against, threshold=rule.threshold.value)
    )
    if rule.threshold is Threshold.SIMPLE_MAJORITY and support == against and support > 0:
        carried, casting, tie_reason = _tie(rule, count)
        reasons.append(tie_reason)
    if carried:
        with_conditions = tally.approve_with_conditions > 0
        if with_conditions:
            reasons.append(reason("carried-with-conditions"))
            return Outcome.APPROVED_WITH_CONDITIONS, casting, reasons
        reasons.append(reason("carried"))
        return Outcome.APPROVED, casting, reasons
    counts = {choice: getattr(tally, choice.value) for choice, _ in GENTLEST_FIRST}
    most = max(counts.values())
    choice, outcome = next((c, o) for c, o in GENTLEST_FIRST if counts[c] == most)
    tied = [c.value for c, _ in GENTLEST_FIRST if counts[c] == most]
    how = "none" if most == 0 else "tie" if len(tied) > 1 else "most"
    reasons.append(
        reason("not-carried", how=how, choice=choice.value, tied="-".join(tied), most=most)
    )
    return outcome, casting, reasons


def _tie(rule: DecisionRule, count: _Count) -> tuple[bool, bool, Reason]:
    chair_vote = next((v for m, v in count.taking_part.items() if count.board[m].is_chair), None)
    if not rule.chair_casting_vote:
        return False, False, reason("tie")
    if chair_vote is None or chair_vote.choice not in SUPPORT | AGAINST:
        return False, False, reason("tie-chair-did-not-vote")
    carried = chair_vote.choice in SUPPORT
    return carried, True, reason("tie-casting-vote", choice=chair_vote.choice.value)
