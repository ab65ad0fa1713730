"""Board decisions: who counts, quorum, thresholds, the casting vote, more time.

`decide` is a pure function of the rule, the Board, the votes, the declarations of
interest and the clock. Its result always carries the counts (`Tally`) and one
sentence per reason, so that a decision record can say exactly why.

Choices made here (each one has a test):
- Recused members (declared an interest) count towards neither quorum nor tally;
  a vote they cast before declaring is set aside.
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
  ballot yet, the result is `Deferred`: the deadline moves by `more_time_days`,
  counted from the later of the old deadline and now (a late sweep never shortens
  the extra time). This holds when the chair closes early too: the extra time a
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

from governance.ballots import AGAINST, SUPPORT, TAKING_PART, Choice, Interest, Member, Vote
from governance.lifecycle import Action, VentureState
from governance.reasons import Reason, plural
from governance.rules import DecisionRule, Threshold


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
    recused: int
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
    recused: frozenset[str]
    current: dict[str, Vote]  # member id → current vote, eligible members only
    taking_part: dict[str, Vote]
    more_time: tuple[str, ...]  # members whose current "more time" is not yet granted
    spent_more_time: tuple[str, ...]
    set_aside: int
    set_aside_recused: int


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
) -> Result:
    """The result of one ballot, as of `now`.

    `more_time_granted` names the members who already had their extension on this
    ballot (from earlier `Deferred` results).
    """
    count = _count(members, votes, interests, deadline, more_time_granted)
    tally = _tally(rule, count)
    reasons = [*_who_counts(rule, tally, count)]
    closed = closed_by_chair or now >= deadline
    if not closed:
        reasons.append(
            Reason(
                "vote-open",
                f"The vote is open until {deadline.isoformat()}; nothing is decided yet.",
            )
        )
        return Pending(tally, tuple(reasons), deadline)
    closed_by: ClosedBy = "chair" if closed_by_chair else "deadline"
    reasons.append(_closing_reason(closed_by))
    new_deadline = max(deadline, now) + dt.timedelta(days=rule.more_time_days)
    if count.more_time:
        reasons.append(
            Reason(
                "more-time",
                f"{plural(len(count.more_time), 'member')} asked for more time, so the vote"
                f" is extended by {plural(rule.more_time_days, 'day')},"
                f" until {new_deadline.isoformat()}.",
            )
        )
        return Deferred(tally, tuple(reasons), new_deadline, count.more_time)
    quorum_reasons, quorate = _quorum(rule, tally, count)
    reasons.extend(quorum_reasons)
    if not quorate:
        reasons.append(
            Reason(
                "no-quorum-rerun",
                "Without quorum there is no decision; the vote runs again"
                f" until {new_deadline.isoformat()}.",
            )
        )
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
) -> _Count:
    board = {m.id: m for m in members}
    recused = frozenset(i.member_id for i in interests if i.member_id in board)
    current: dict[str, Vote] = {}
    set_aside = set_aside_recused = 0
    for vote in votes:
        if vote.member_id not in board or vote.stale or vote.cast_at > deadline:
            set_aside += 1
            continue
        if vote.member_id in recused:
            set_aside += 1
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
        board, recused, current, taking_part, more_time, spent, set_aside, set_aside_recused
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
    )


def _who_counts(rule: DecisionRule, tally: Tally, count: _Count) -> list[Reason]:
    reasons = [
        Reason(
            "rule",
            f"Decision rule '{rule.name}': {rule.describe_quorum()}, threshold {rule.threshold}.",
        ),
        Reason(
            "eligible",
            f"{plural(tally.eligible, 'member')} of {tally.members} may vote;"
            f" {plural(tally.recused, 'member')} declared an interest and"
            f" {'counts' if tally.recused == 1 else 'count'} towards neither quorum nor tally.",
        ),
        Reason(
            "counts",
            f"{plural(tally.voted, 'member')} took part: {tally.approve} approve,"
            f" {tally.approve_with_conditions} approve with conditions, {tally.recycle} recycle,"
            f" {tally.reject} reject, {tally.hold} hold, {tally.abstain} abstain;"
            f" {tally.more_time} asked for more time.",
        ),
    ]
    if count.set_aside_recused:
        reasons.append(
            Reason(
                "recused-vote-set-aside",
                f"{plural(count.set_aside_recused, 'vote')} by members who declared an interest"
                " did not count.",
            )
        )
    if count.spent_more_time:
        reasons.append(
            Reason(
                "more-time-spent",
                f"{plural(len(count.spent_more_time), 'member')} already had more time on this"
                " vote; asking again counts as not having voted.",
            )
        )
    return reasons


def _closing_reason(closed_by: ClosedBy) -> Reason:
    if closed_by == "chair":
        return Reason("closed-by-chair", "The chair closed the vote.")
    return Reason("closed-at-deadline", "The vote closed at its deadline.")


def _quorum(rule: DecisionRule, tally: Tally, count: _Count) -> tuple[list[Reason], bool]:
    reasons: list[Reason] = []
    met = tally.voted >= tally.quorum_needed
    reasons.append(
        Reason(
            "quorum-met" if met else "quorum-not-met",
            f"{plural(tally.voted, 'member')} took part and quorum is {tally.quorum_needed}:"
            f" quorum is {'met' if met else 'not met'}.",
        )
    )
    quorate = met
    if rule.lived_experience_quorum:
        lived_met = tally.lived_experience_voted >= rule.lived_experience_quorum
        reasons.append(
            Reason(
                "lived-experience-quorum-met" if lived_met else "lived-experience-quorum-not-met",
                f"{plural(tally.lived_experience_voted, 'member')} with lived experience took"
                f" part; the rule needs at least {rule.lived_experience_quorum}.",
            )
        )
        quorate = quorate and lived_met
    if rule.chair_must_vote:
        chair_recused = any(m.is_chair and m.id in count.recused for m in count.board.values())
        if chair_recused:
            reasons.append(
                Reason(
                    "chair-recused",
                    "The chair declared an interest, so the rule that the chair takes part"
                    " does not apply to this decision.",
                )
            )
        elif tally.chair_voted:
            reasons.append(Reason("chair-voted", "The chair took part, as the rule requires."))
        else:
            reasons.append(
                Reason("chair-did-not-vote", "The rule needs the chair to take part; they did not.")
            )
            quorate = False
    return reasons, quorate


def _outcome(rule: DecisionRule, tally: Tally, count: _Count) -> tuple[Outcome, bool, list[Reason]]:
    support, against = tally.support, tally.against
    cast = support + against
    reasons: list[Reason] = []
    casting = False
    if rule.threshold is Threshold.SIMPLE_MAJORITY:
        carried = support > against
        need = "more votes for than against"
    elif rule.threshold is Threshold.TWO_THIRDS:
        carried = support > 0 and 3 * support >= 2 * cast
        need = "at least two thirds of the votes for or against"
    else:
        carried = support > 0 and against == 0
        need = "every vote for or against to be for"
    reasons.append(
        Reason(
            "support",
            f"{support} for and {against} against (abstentions left out);"
            f" {rule.threshold} needs {need}.",
        )
    )
    if rule.threshold is Threshold.SIMPLE_MAJORITY and support == against and support > 0:
        carried, casting, tie_reason = _tie(rule, count)
        reasons.append(tie_reason)
    if carried:
        with_conditions = tally.approve_with_conditions > 0
        if with_conditions:
            reasons.append(
                Reason(
                    "carried-with-conditions",
                    "Carried. At least one vote for set conditions, so it is approved with"
                    " conditions.",
                )
            )
            return Outcome.APPROVED_WITH_CONDITIONS, casting, reasons
        reasons.append(Reason("carried", "Carried: approved."))
        return Outcome.APPROVED, casting, reasons
    counts = {choice: getattr(tally, choice.value) for choice, _ in GENTLEST_FIRST}
    most = max(counts.values())
    choice, outcome = next((c, o) for c, o in GENTLEST_FIRST if counts[c] == most)
    tied = [c.value for c, _ in GENTLEST_FIRST if counts[c] == most]
    if most == 0:
        text = "Not carried, and nobody voted recycle, reject or hold: it is recycled."
    elif len(tied) > 1:
        text = (
            f"Not carried. {' and '.join(tied)} have {plural(most, 'vote')} each; the gentlest,"
            f" {choice.value}, is taken, so the venture can come back."
        )
    else:
        text = f"Not carried. {choice.value.capitalize()} has the most votes against ({most})."
    reasons.append(Reason("not-carried", text))
    return outcome, casting, reasons


def _tie(rule: DecisionRule, count: _Count) -> tuple[bool, bool, Reason]:
    chair_vote = next((v for m, v in count.taking_part.items() if count.board[m].is_chair), None)
    if not rule.chair_casting_vote:
        return False, False, Reason("tie", "A tie is not carried; this rule has no casting vote.")
    if chair_vote is None or chair_vote.choice not in SUPPORT | AGAINST:
        return (
            False,
            False,
            Reason(
                "tie-chair-did-not-vote",
                "A tie, and the chair did not vote for or against, so there is no casting"
                " vote: not carried.",
            ),
        )
    carried = chair_vote.choice in SUPPORT
    return (
        carried,
        True,
        Reason(
            "tie-casting-vote",
            f"A tie: the chair's vote ({chair_vote.choice.value}) is the casting vote, so it is"
            f" {'carried' if carried else 'not carried'}.",
        ),
    )
