"""Reminders and escalations: who is reminded of what, and when. Pure.

`due(snapshot, policy, now, sent)` reads what is recorded about one venture's
current gate (a `ReminderSnapshot`), the programme's `ReminderPolicy`, the clock and
the reminders already sent, and gives the reminders and escalations due now.

Who has not acted yet (`waiting_on`):
- answers: the lead, while the venture is in draft, returned or recycled and has a
  deadline for its answers (a lead sets one by asking for more time);
- a review: each assigned reviewer (never the lead) without a current recommendation
  given since the latest submission, while the venture is in review;
- a vote: each Board member, not recused (a declared interest, or leading the
  venture), without a current vote in the open ballot, while it awaits the Board.
  A stale vote (an answer changed after it) must be given again. "I need more time"
  counts as acting until that member has had their extra time on this ballot; then
  they are reminded like anyone who has not voted.

The deadline in force (`deadline_for`): for a vote, the ballot's deadline (every
extension moves it); for answers, the latest deadline recorded for them; for a
review, the latest deadline recorded since the submission, else `review_days` after
the submission.

Cadence. The policy's steps are days before the deadline (`d-7`, `d-1`, `d0`: on the
day) and after it (`d+1`, `d+7`), in whole days of local time (`tz`). The step due
is the latest one whose day has come; a sweep that ran late (or a venture that came
to the step late) sends that one only, never a backlog of earlier ones. A reminder's
step names the deadline it counts to (`d-1@2026-12-10`), so a person given more
time is reminded afresh before the new deadline, and never about the old one.

Escalation. When a reminder falls due and the person has already had
`escalate_after` reminders for this action, someone is told once: the venture's
lead, about a reviewer; the chair, about a Board member. After
`policy.chair_after` reminders the chair is told about a reviewer or about the
lead's own answers. Nobody is told about themselves.

Each reminder and each escalation is keyed by (venture, gate, ballot, person,
action, step) (`Due.key`, with ballot 0 when there is none): the caller stores the
keys it sent, under a unique constraint, and a key in `sent` is never due again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

from governance.ballots import TAKING_PART, Choice, Interest, Vote
from governance.lifecycle import VentureState
from governance.programme import ReminderPolicy
from governance.reviews import Review

S = VentureState
NO_BALLOT = 0  # the ballot in a key when the action is not a vote
ESCALATE_LEAD = "escalate-lead"
ESCALATE_CHAIR = "escalate-chair"


class Action(StrEnum):
    """What a person has not done yet (the words the templates use)."""

    ANSWER = "answer"
    REVIEW = "review"
    VOTE = "vote"


# The deadline kinds recorded by the tables (`deadline.kind`), for each action.
DEADLINE_KINDS: dict[Action, tuple[str, ...]] = {
    Action.ANSWER: ("answers",),
    # An extension given while a venture is in review is recorded as one for answers.
    Action.REVIEW: ("review", "answers"),
    Action.VOTE: ("vote",),
}
_ANSWER_STATES = frozenset({S.DRAFT, S.RETURNED, S.RECYCLED})


@dataclass(frozen=True, slots=True)
class DeadlineSet:
    """A deadline set or extended for the gate run (a `deadline` row)."""

    kind: str  # answers, review or vote
    until: dt.datetime
    at: dt.datetime  # when it was set
    ballot: int | None = None


@dataclass(frozen=True, slots=True)
class OpenBallot:
    """The gate's latest ballot, while undecided."""

    number: int
    deadline: dt.datetime
    votes: tuple[Vote, ...] = ()
    more_time_granted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ReminderSnapshot:
    """What the reminder rules need to know about one venture's current gate."""

    venture_id: str
    gate_id: str
    state: VentureState
    lead: str
    chair: str | None  # the Board's chair, for escalations
    board: tuple[str, ...] = ()  # the Board's active members (the chair among them)
    venture_deadline: dt.datetime | None = None
    deadlines: tuple[DeadlineSet, ...] = ()
    submitted_at: dt.datetime | None = None
    reviewers_assigned: frozenset[str] = frozenset()
    reviews: tuple[Review, ...] = ()
    interests: tuple[Interest, ...] = ()
    ballot: OpenBallot | None = None  # None when no ballot is open


class SentKey(NamedTuple):
    """What makes a reminder or escalation the same one: sent at most once."""

    venture_id: str
    gate_id: str
    ballot: int
    person: str  # the person who has not acted
    action: str
    step: str


@dataclass(frozen=True, slots=True)
class Waiting:
    """People who have not done `action` by `deadline`."""

    action: Action
    deadline: dt.datetime
    people: tuple[str, ...]
    ballot: int = NO_BALLOT


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder to `person`, or an escalation about `person` to `to`, due now."""

    kind: Literal["reminder", "escalation"]
    venture_id: str
    gate_id: str
    ballot: int
    person: str  # who has not acted
    to: str  # who is told: `person` for a reminder
    action: Action
    step: str
    deadline: dt.datetime
    days_left: int  # whole local days to the deadline: 0 today, below 0 when passed
    count: int  # a reminder's number (1, 2, ...); for an escalation, the reminders so far

    @property
    def key(self) -> SentKey:
        return SentKey(
            self.venture_id, self.gate_id, self.ballot, self.person, self.action.value, self.step
        )


@dataclass(frozen=True, slots=True)
class Step:
    """One point of the cadence: `offset` days from the deadline (negative: before)."""

    offset: int
    name: str = field(compare=False)


def steps(policy: ReminderPolicy) -> tuple[Step, ...]:
    """The policy's steps, earliest first: d-7, d-1, d0, d+1, d+7."""
    offsets = {-d for d in policy.before_deadline_days} | set(policy.after_deadline_days)
    return tuple(Step(o, f"d{o:+d}" if o else "d0") for o in sorted(offsets))


def step_name(step: Step, deadline: dt.date) -> str:
    """The step as keyed: the step and the deadline it counts to, `d-1@2026-12-10`."""
    return f"{step.name}@{deadline.isoformat()}"


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: use a timezone-aware one")
    return moment.astimezone(tz).date()


def days_left(deadline: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> int:
    """Whole local days from today to the deadline's day (0 on the day, -1 the day after)."""
    return (local_day(deadline, tz) - local_day(now, tz)).days


def step_due(
    policy: ReminderPolicy, deadline: dt.datetime, now: dt.datetime, tz: dt.tzinfo
) -> Step | None:
    """The latest step whose day has come, or None before the first."""
    left = days_left(deadline, now, tz)
    reached = [s for s in steps(policy) if -s.offset >= left]
    return reached[-1] if reached else None


# --- who has not acted -------------------------------------------------------------------


def deadline_for(
    snapshot: ReminderSnapshot, action: Action, policy: ReminderPolicy
) -> dt.datetime | None:
    """The deadline in force for `action` (see the module's docstring)."""
    s = snapshot
    if action is Action.VOTE:
        return s.ballot.deadline if s.ballot is not None else None
    kinds = DEADLINE_KINDS[action]
    recorded = [d for d in s.deadlines if d.kind in kinds]
    if action is Action.REVIEW:
        if s.submitted_at is None:
            return None
        recorded = [d for d in recorded if d.at >= s.submitted_at]
        if not recorded:
            return s.submitted_at + dt.timedelta(days=policy.review_days)
    if recorded:
        return max(recorded, key=lambda d: (d.at, d.until)).until
    return s.venture_deadline if action is Action.ANSWER else None


def _reviewed(snapshot: ReminderSnapshot) -> set[str]:
    """Reviewers with a current recommendation since the latest submission."""
    return {
        r.reviewer_id
        for r in snapshot.reviews
        if not r.stale and (snapshot.submitted_at is None or r.given_at >= snapshot.submitted_at)
    }


def _has_voted(vote: Vote | None, ballot: OpenBallot) -> bool:
    if vote is None or vote.stale:
        return False
    if vote.choice is Choice.MORE_TIME:
        # Asked for more time: theirs when the vote closes, once per ballot.
        return vote.member_id not in ballot.more_time_granted
    return vote.choice in TAKING_PART


def _current_votes(ballot: OpenBallot) -> dict[str, Vote]:
    latest: dict[str, Vote] = {}
    for vote in sorted(ballot.votes, key=lambda v: v.cast_at):
        latest[vote.member_id] = vote
    return latest


def waiting_on(snapshot: ReminderSnapshot, policy: ReminderPolicy) -> Waiting | None:
    """Who has not yet done what the venture waits for, and by when; None if nobody."""
    s = snapshot
    people: tuple[str, ...]
    if s.state in _ANSWER_STATES:
        action, people = Action.ANSWER, (s.lead,)
        ballot = NO_BALLOT
    elif s.state is S.IN_REVIEW:
        done = _reviewed(s)
        action = Action.REVIEW
        people = tuple(sorted(r for r in s.reviewers_assigned - done if r != s.lead))
        ballot = NO_BALLOT
    elif s.state is S.AWAITING_BOARD and s.ballot is not None:
        recused = {i.member_id for i in s.interests} | {s.lead}
        votes = _current_votes(s.ballot)
        action = Action.VOTE
        people = tuple(
            sorted(
                m for m in s.board if m not in recused and not _has_voted(votes.get(m), s.ballot)
            )
        )
        ballot = s.ballot.number
    else:
        return None
    deadline = deadline_for(s, action, policy)
    if deadline is None or not people:
        return None
    return Waiting(action, deadline, people, ballot)


# --- what is due ---------------------------------------------------------------------------


def due(
    snapshot: ReminderSnapshot,
    policy: ReminderPolicy,
    now: dt.datetime,
    sent: Iterable[SentKey] = (),
    *,
    tz: dt.tzinfo = dt.UTC,
) -> tuple[Due, ...]:
    """The reminders and escalations due now for one venture, none of them in `sent`.

    `sent` may hold keys of other ventures too; only this venture's are looked at.
    """
    waiting = waiting_on(snapshot, policy)
    if waiting is None:
        return ()
    step = step_due(policy, waiting.deadline, now, tz)
    if step is None:
        return ()
    s = snapshot
    mine = [k for k in sent if k.venture_id == s.venture_id and k.gate_id == s.gate_id]
    keys = set(mine)
    name = step_name(step, local_day(waiting.deadline, tz))
    left = days_left(waiting.deadline, now, tz)
    result: list[Due] = []
    for person in waiting.people:
        key = SentKey(s.venture_id, s.gate_id, waiting.ballot, person, waiting.action.value, name)
        if key in keys:
            continue
        before = sum(
            1
            for k in mine
            if k.ballot == waiting.ballot
            and k.person == person
            and k.action == waiting.action.value
            and not k.step.startswith("escalate-")
        )

        result.append(_due(s, waiting, "reminder", person, person, name, left, before + 1))
        for to, step_id in _escalations(s, policy, waiting.action, person, before):
            if key._replace(step=step_id) not in keys:
                result.append(_due(s, waiting, "escalation", person, to, step_id, left, before))
    return tuple(result)


def _due(
    s: ReminderSnapshot,
    waiting: Waiting,
    kind: Literal["reminder", "escalation"],
    person: str,
    to: str,
    step: str,
    left: int,
    count: int,
) -> Due:
    return Due(
        kind=kind,
        venture_id=s.venture_id,
        gate_id=s.gate_id,
        ballot=waiting.ballot,
        person=person,
        to=to,
        action=waiting.action,
        step=step,
        deadline=waiting.deadline,
        days_left=left,
        count=count,
    )


def _escalations(
    s: ReminderSnapshot, policy: ReminderPolicy, action: Action, person: str, before: int
) -> list[tuple[str, str]]:
    """(who is told, the escalation's step) for a person who has had `before` reminders."""
    told: list[tuple[str, str]] = []
    if action is Action.VOTE:
        if before >= policy.escalate_after and s.chair and s.chair != person:
            told.append((s.chair, ESCALATE_CHAIR))
        return told
    if action is Action.REVIEW and before >= policy.escalate_after and s.lead != person:
        told.append((s.lead, ESCALATE_LEAD))
    if before >= policy.chair_after and s.chair and s.chair != person:
        told.append((s.chair, ESCALATE_CHAIR))
    return told


def due_all(
    snapshots: Iterable[ReminderSnapshot],
    policy: ReminderPolicy,
    now: dt.datetime,
    sent: Iterable[SentKey] = (),
    *,
    tz: dt.tzinfo = dt.UTC,
) -> dict[str, tuple[Due, ...]]:
    """`due` for many ventures: venture id → what is due (ventures with nothing left out)."""
    by_venture: dict[str, list[SentKey]] = {}
    for key in sent:
        by_venture.setdefault(key.venture_id, []).append(key)
    result: dict[str, tuple[Due, ...]] = {}
    for snapshot in snapshots:
        found = due(snapshot, policy, now, by_venture.get(snapshot.venture_id, ()), tz=tz)
        if found:
            result[snapshot.venture_id] = found
    return result
