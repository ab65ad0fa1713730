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
- a translation (`translations_waiting`): every active translator (the role
  `translator`), for each translation of the venture asked for and not yet given,
  whatever the venture's state but withdrawn. Any translator may give it (the first
  does it for all), so each is reminded until one does. This waits alongside the
  answers, a review or a vote: a venture may wait on its lead and its translators at
  once. A translation's reminders are keyed with its id as the ballot (the action
  `translate` keeps them apart from a vote's), so each translation has its cadence.

The deadline in force (`deadline_for`): for a vote, the ballot's deadline (every
extension moves it); for answers, the latest deadline recorded for them; for a
review, the latest deadline recorded since the submission, else 17:00 local on the
`review_days`-th working day after the day of the submission; for a translation, the
day it is due (`translation.due_at`).

Cadence. The policy's steps are working days before the deadline's day (`d-7`, `d-1`,
`d0`: on the day) and after it (`d+1`, `d+7`), in local time (`tz`), counted like every
policy in days (`governance.working_days`: Monday to Friday, not a bank holiday of the
snapshot's `calendar`). So `d-1` before a Monday's deadline is the Friday, and no step
falls on a weekend or a bank holiday: a person has as many days to act after a
reminder as its step says, and nobody is reminded on a day off. A sweep on a day nobody
works sends no reminder (nor escalation); what it would have sent goes on the next
working day. The step due is the latest one whose day (`occasion`) has come; a sweep
that ran late (or a venture that came to the step late) sends that one only, never a
backlog of earlier ones. `Due.days_left` stays in calendar days: it is what a message
says ("3 days from now", on the Friday before a Monday's deadline). A reminder's
step names the deadline it counts to (`d-1@2026-12-10`), so a person given more
time is reminded afresh before the new deadline, and never about the old one.

A deadline that moves a little. Keying steps to the deadline alone would remind a
person "d-7" on 3 December about the 10th and "d-7" again on 4 December when the
deadline moves to the 11th: the same reminder a day later, which people feel as
nagging. So a step due for the deadline in force is held back when the same person
already had a reminder for this action (same gate and ballot) at that step or a
later one (closer to its deadline: they heard at least as urgent a word) less than
the step's spacing before the step's own day (`occasion`: the deadline's day moved
by the step's offset in working days). A step's spacing is the working days to the
next step of the cadence (d-7: 6, d-1: 1, d0: 1, d+1: 6); the last step's is the gap
before it (d+7: 6); a cadence of one step has a week (`LONE_STEP_SPACING_DAYS`). In
the example (a Thursday's deadline, moved to the Friday) the new "d-7" falls on the
4th, one working day after the last: held back; the next reminder is the new "d-1",
on the 10th. Moved a week later instead, the new "d-7" falls on the 10th, five
working days after the last: held back too (the spacing of d-7 is 6); moved by six
working days or more, it goes. Why this rule:
- Two reminders to a person never come closer together than the cadence itself
  puts them around that step, however often and however far the deadline moves.
- It compares with the step's own day, not today, so a held-back step stays held
  back for as long as it is the step due: never sent late, the day before the next.
- More time is still reminded afresh: a step whose day comes at least its spacing
  after the last move of the deadline is always sent on that day; and a move later
  by at least every spacing of the cadence (six working days, for the default one) brings
  back the step last sent and every step after it, each on its day.
- The price, chosen: a person reminded "d-1" yesterday and given another week is
  not told "d-7" today, a day after the last reminder; the new "d-1" is their next.
- A held-back step is not a reminder: it does not count and escalates nothing. The
  next step of the cadence is judged afresh when its day comes.
The time a reminder was sent comes with it in `sent` (`Sent`); a bare `SentKey`
(no time known) is taken as sent on its step's own day, as a daily sweep sends it.

Escalation. When a reminder falls due and the person has already had
`escalate_after` reminders for this action, someone is told once: the venture's
lead, about a reviewer; the chair, about a Board member. After
`policy.chair_after` reminders the chair is told about a reviewer or about the
lead's own answers. Nobody is told about themselves.

A translation's equivalent is the programme's admins (`ESCALATE_ADMIN`): they look
after the people and their roles (as the lead looks after a reviewer's part in their
venture), and may give a translation themselves; the chair is not told, since a
translation is the programme's service and not a decision of the Board. The admins
are told once the translators have had `escalate_after` reminders and the translation
is overdue (a step after its day): translations are due in a few working days, so the
count alone would reach `escalate_after` while one is still in time, and an admin
needs to step in only when readers of the other language are kept waiting. The
escalation is about the translation, not about one translator (any of them may give
it), so each admin is told once per translation, keyed by the admin
(`Due.person` is the admin told; `Due.count` the reminders the translators had).

Supporters. A person's supporters (`ReminderSnapshot.supporters`: a person in the
programme with `supports: <them>`) get a copy of each reminder addressed to that
person (`Due.copies`), each in their own language and format, saying whom it is
about. A supporter is not reminded (they have nothing to do themselves), so a copy
does not count as a reminder, and it goes with its reminder or not at all: never
twice, since the reminder is due once. Escalations are not copied: they ask the
lead or the chair to get in touch, and a supporter does not answer for the person.

Each reminder and each escalation is keyed by (venture, gate, ballot, person,
action, step) (`Due.key`, with ballot 0 when there is none): the caller stores the
keys it sent, under a unique constraint, and a key in `sent` is never due again.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Literal, NamedTuple

from governance.ballots import TAKING_PART, Choice, Interest, Vote
from governance.lifecycle import VentureState
from governance.programme import ReminderPolicy
from governance.reviews import Review
from governance.standing import standing_votes
from governance.working_days import (
    WEEKDAYS,
    Holidays,
    WorkingCalendar,
    add_working_days,
    deadline_after,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_day_on_or_after,
    working_days_between,
)

S = VentureState
NO_BALLOT = 0  # the ballot in a key when the action is not a vote
ESCALATE_LEAD = "escalate-lead"
ESCALATE_CHAIR = "escalate-chair"
ESCALATE_ADMIN = "escalate-admin"
LONE_STEP_SPACING_DAYS = 7  # the spacing of a cadence of a single step, in working days


class Action(StrEnum):
    """What a person has not done yet (the words the templates use)."""

    ANSWER = "answer"
    REVIEW = "review"
    VOTE = "vote"
    TRANSLATE = "translate"


# The deadline kinds recorded by the tables (`deadline.kind`), for each action.
DEADLINE_KINDS: dict[Action, tuple[str, ...]] = {
    Action.ANSWER: ("answers",),
    # An extension given while a venture is in review is recorded as one for answers.
    Action.REVIEW: ("review", "answers"),
    Action.VOTE: ("vote",),
    Action.TRANSLATE: (),  # a translation's deadline is its own (`OpenTranslation.due_at`)
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
class OpenTranslation:
    """A translation asked for and not yet given (a `translation` row without `done_at`)."""

    id: int
    due_at: dt.datetime


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
    # (supporter, the person they support): who gets a copy of whose reminders
    supporters: frozenset[tuple[str, str]] = frozenset()
    # The days a review's deadline counts in (bank holidays, local zone).
    calendar: WorkingCalendar = WEEKDAYS
    translations: tuple[OpenTranslation, ...] = ()  # the venture's, not yet given
    translators: tuple[str, ...] = ()  # the programme's active translators
    admins: tuple[str, ...] = ()  # the programme's active admins: told of one overdue


class SentKey(NamedTuple):
    """What makes a reminder or escalation the same one: sent at most once."""

    venture_id: str
    gate_id: str
    ballot: int
    person: str  # the person who has not acted
    action: str
    step: str


@dataclass(frozen=True, slots=True)
class Sent:
    """A reminder or escalation already sent, and when (for the spacing of moved
    deadlines: see the module's docstring)."""

    key: SentKey
    at: dt.datetime


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
    copies: tuple[str, ...] = ()  # a reminder's copies: the person's supporters

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
    return _steps(tuple(policy.before_deadline_days), tuple(policy.after_deadline_days))


@functools.lru_cache(maxsize=64)  # a programme has one policy; a sweep asks per venture
def _steps(before: tuple[int, ...], after: tuple[int, ...]) -> tuple[Step, ...]:
    offsets = {-d for d in before} | set(after)
    return tuple(Step(o, f"d{o:+d}" if o else "d0") for o in sorted(offsets))


def step_name(step: Step, deadline: dt.date) -> str:
    """The step as keyed: the step and the deadline it counts to, `d-1@2026-12-10`."""
    return f"{step.name}@{deadline.isoformat()}"


_STEP_NAME = re.compile(r"d(?P<offset>0|[+-][0-9]+)@(?P<deadline>[0-9]{4}-[0-9]{2}-[0-9]{2})")


def parse_step(name: str) -> tuple[int, dt.date] | None:
    """(offset, deadline day) of a keyed reminder step; None for an escalation's step
    (or anything else that is not a reminder of the cadence)."""
    match = _STEP_NAME.fullmatch(name)
    if match is None:
        return None
    try:
        return int(match["offset"]), dt.date.fromisoformat(match["deadline"])
    except ValueError:
        return None


def spacing(policy: ReminderPolicy) -> dict[int, int]:
    """Step offset → its spacing in days: to the next step; for the last, from the one
    before; a lone step's is `LONE_STEP_SPACING_DAYS`."""
    offsets = [s.offset for s in steps(policy)]
    if not offsets:
        return {}
    if len(offsets) == 1:
        return {offsets[0]: LONE_STEP_SPACING_DAYS}
    gaps = {a: b - a for a, b in pairwise(offsets)}
    gaps[offsets[-1]] = offsets[-1] - offsets[-2]
    return gaps


def occasion(step: Step, deadline: dt.date, holidays: Holidays = frozenset()) -> dt.date:
    """The step's own day for a deadline: the day the cadence gives it, counted in
    working days (`holidays`: the bank holidays). `d-1` before a Monday's deadline is
    the Friday; `d+1` after a Friday's is the Monday; `d0` is the deadline's day. A
    deadline on a day nobody works (an old one, or one set before deadlines were
    working days) counts back from the last working day before it: "on the day" is
    then the last day people could still act in time."""
    if step.offset > 0:
        return add_working_days(deadline, step.offset, holidays)
    anchor = (
        deadline if is_working_day(deadline, holidays) else previous_working_day(deadline, holidays)
    )
    return add_working_days(anchor, step.offset, holidays) if step.offset else anchor


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: use a timezone-aware one")
    return moment.astimezone(tz).date()


def days_left(deadline: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> int:
    """Whole local days from today to the deadline's day (0 on the day, -1 the day after)."""
    return (local_day(deadline, tz) - local_day(now, tz)).days


def step_due(
    policy: ReminderPolicy,
    deadline: dt.datetime,
    now: dt.datetime,
    tz: dt.tzinfo,
    holidays: Holidays = frozenset(),
) -> Step | None:
    """The latest step whose day (`occasion`) has come, or None before the first; None
    too on a day nobody works (a weekend, a bank holiday): nobody is reminded then, and
    a step a sweep missed goes on the next working day."""
    today = local_day(now, tz)
    if not is_working_day(today, holidays):
        return None
    deadline_day = local_day(deadline, tz)
    reached = [s for s in steps(policy) if occasion(s, deadline_day, holidays) <= today]
    return reached[-1] if reached else None


# --- who has not acted -------------------------------------------------------------------


def deadline_for(
    snapshot: ReminderSnapshot, action: Action, policy: ReminderPolicy
) -> dt.datetime | None:
    """The deadline in force for `action` (see the module's docstring)."""
    s = snapshot
    if action is Action.VOTE:
        return s.ballot.deadline if s.ballot is not None else None
    if action is Action.TRANSLATE:
        return min((t.due_at for t in s.translations), default=None)
    kinds = DEADLINE_KINDS[action]
    recorded = [d for d in s.deadlines if d.kind in kinds]
    if action is Action.REVIEW:
        if s.submitted_at is None:
            return None
        recorded = [d for d in recorded if d.at >= s.submitted_at]
        if not recorded:
            return deadline_after(s.submitted_at, policy.review_days, s.calendar)
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
        votes = _current_votes(s.ballot)
        action = Action.VOTE
        standing = standing_votes(s.board, s.interests, s.lead)
        people = tuple(sorted(m for m in standing if not _has_voted(votes.get(m), s.ballot)))
        ballot = s.ballot.number
    else:
        return None
    deadline = deadline_for(s, action, policy)
    if deadline is None or not people:
        return None
    return Waiting(action, deadline, people, ballot)


def translations_waiting(snapshot: ReminderSnapshot) -> tuple[Waiting, ...]:
    """Each translation not yet given, waiting on every translator (module docstring);
    none for a withdrawn venture: nobody will read about it again."""
    s = snapshot
    if s.state is S.WITHDRAWN or not s.translators:
        return ()
    people = tuple(sorted(set(s.translators)))
    return tuple(
        Waiting(Action.TRANSLATE, t.due_at, people, t.id)
        for t in sorted(s.translations, key=lambda t: (t.due_at, t.id))
    )


# --- what is due ---------------------------------------------------------------------------


def due(
    snapshot: ReminderSnapshot,
    policy: ReminderPolicy,
    now: dt.datetime,
    sent: Iterable[Sent | SentKey] = (),
    *,
    tz: dt.tzinfo = dt.UTC,
) -> tuple[Due, ...]:
    """The reminders and escalations due now for one venture, none of them in `sent`,
    and no reminder held back by the spacing of a moved deadline (module docstring).

    `sent` may hold records of other ventures too; only this venture's are looked at.
    """
    s = snapshot
    waiting = waiting_on(s, policy)
    waitings = ((waiting,) if waiting is not None else ()) + translations_waiting(s)
    if not waitings:
        return ()
    holidays = s.calendar.holidays
    mine = [
        (k, day)
        for k, day in (_sent_day(r, tz, holidays) for r in sent)
        if k.venture_id == s.venture_id and k.gate_id == s.gate_id
    ]
    result: list[Due] = []
    for each in waitings:
        result += _due_for(s, policy, now, each, mine, tz)
    return tuple(result)


def _due_for(
    s: ReminderSnapshot,
    policy: ReminderPolicy,
    now: dt.datetime,
    waiting: Waiting,
    mine: list[tuple[SentKey, dt.date | None]],
    tz: dt.tzinfo,
) -> list[Due]:
    """What is due now for one thing waited on (`due`, with this venture's records)."""
    holidays = s.calendar.holidays
    step = step_due(policy, waiting.deadline, now, tz, holidays)
    if step is None:
        return []
    keys = {k for k, _ in mine}
    deadline_day = local_day(waiting.deadline, tz)
    name = step_name(step, deadline_day)
    own_day = occasion(step, deadline_day, holidays)
    space = spacing(policy).get(step.offset, LONE_STEP_SPACING_DAYS)
    left = days_left(waiting.deadline, now, tz)
    # Each person's reminders so far for this action (and ballot): how many, and
    # (step offset, day sent) of those of the cadence, for the spacing rule.
    counts: dict[str, int] = defaultdict(int)
    earlier: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    for k, day in mine:
        if k.ballot != waiting.ballot or k.action != waiting.action.value:
            continue
        if k.step.startswith("escalate-"):
            continue
        counts[k.person] += 1
        parsed = parse_step(k.step)
        if parsed is not None and day is not None:
            earlier[k.person].append((parsed[0], day))
    result: list[Due] = []
    for person in waiting.people:
        key = SentKey(s.venture_id, s.gate_id, waiting.ballot, person, waiting.action.value, name)
        if key in keys or _held_back(earlier[person], step.offset, own_day, space, holidays):
            continue
        before = counts[person]
        copies = tuple(sorted(sup for sup, whom in s.supporters if whom == person != sup))
        result.append(_due(s, waiting, "reminder", person, person, name, left, before + 1, copies))
        for to, step_id in _escalations(s, policy, waiting.action, person, before):
            if key._replace(step=step_id) not in keys:
                result.append(_due(s, waiting, "escalation", person, to, step_id, left, before))
    if waiting.action is Action.TRANSLATE and result and left < 0:
        # Overdue: the admins, once each per translation (module docstring).
        before = max(counts[p] for p in waiting.people)
        if before >= policy.escalate_after:
            for admin in sorted(set(s.admins) - set(waiting.people)):
                key = SentKey(
                    s.venture_id,
                    s.gate_id,
                    waiting.ballot,
                    admin,
                    Action.TRANSLATE.value,
                    ESCALATE_ADMIN,
                )
                if key not in keys:
                    result.append(
                        _due(s, waiting, "escalation", admin, admin, ESCALATE_ADMIN, left, before)
                    )
    return result


def _sent_day(
    record: Sent | SentKey, tz: dt.tzinfo, holidays: Holidays = frozenset()
) -> tuple[SentKey, dt.date | None]:
    """A sent record's key and the local day it was sent; a bare key's day is its
    step's own day (as a daily sweep sends it), None for an escalation's."""
    if isinstance(record, Sent):
        return record.key, local_day(record.at, tz)
    parsed = parse_step(record.step)
    if parsed is None:
        return record, None
    offset, deadline = parsed
    return record, occasion(Step(offset, ""), deadline, holidays)


def _held_back(
    earlier: Iterable[tuple[int, dt.date]],
    offset: int,
    own_day: dt.date,
    space: int,
    holidays: Holidays = frozenset(),
) -> bool:
    """Whether a step (`offset`, on `own_day`) repeats too soon: the person had that
    step or a later one less than `space` working days before the step's own day."""
    return any(
        o >= offset and working_days_between(day, own_day, holidays) < space for o, day in earlier
    )


def _due(
    s: ReminderSnapshot,
    waiting: Waiting,
    kind: Literal["reminder", "escalation"],
    person: str,
    to: str,
    step: str,
    left: int,
    count: int,
    copies: tuple[str, ...] = (),
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
        copies=copies,
    )


def _escalations(
    s: ReminderSnapshot, policy: ReminderPolicy, action: Action, person: str, before: int
) -> list[tuple[str, str]]:
    """(who is told, the escalation's step) for a person who has had `before` reminders."""
    told: list[tuple[str, str]] = []
    if action is Action.TRANSLATE:
        return told  # the admins, about the translation rather than one translator: `due`
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
    sent: Iterable[Sent | SentKey] = (),
    *,
    tz: dt.tzinfo = dt.UTC,
) -> dict[str, tuple[Due, ...]]:
    """`due` for many ventures: venture id → what is due (ventures with nothing left out)."""
    by_venture: dict[str, list[Sent | SentKey]] = {}
    for record in sent:
        key = record.key if isinstance(record, Sent) else record
        by_venture.setdefault(key.venture_id, []).append(record)
    result: dict[str, tuple[Due, ...]] = {}
    for snapshot in snapshots:
        found = due(snapshot, policy, now, by_venture.get(snapshot.venture_id, ()), tz=tz)
        if found:
            result[snapshot.venture_id] = found
    return result


# --- when to look again --------------------------------------------------------------------

# The longest a venture waits for its next look, even when the rules see nothing coming:
# the bank holidays known to a later sweep may differ from those in today's calendar
# for days years ahead (services.working_calendar loads a span around today), and a
# look a month costs nothing worth saving.
MAX_LOOK_AHEAD = dt.timedelta(days=31)


def next_due(
    snapshot: ReminderSnapshot,
    policy: ReminderPolicy,
    now: dt.datetime,
    sent: Iterable[Sent | SentKey] = (),
    *,
    tz: dt.tzinfo = dt.UTC,
) -> dt.datetime | None:
    """The earliest time from `now` at which `due` may give something, if nothing about
    the venture changes meanwhile (a change makes the caller look again anyway): `now`
    itself when something is due now; None when nothing ever will be.

    Why this is exact: `due` reads the clock only through the local day (`step_due`,
    `days_left`), so it is the same all day. And on the working days between two
    consecutive step days (`occasion`) of a deadline, the step due is the same, and
    whether it is sent or held back does not change with the day: so whether anything
    is due can change only on the first working day from a step's own day, or on the
    first working day after today (a step that came on a day off). Each such day is
    asked, earliest first, and the first with something due is the answer (its local
    midnight; asked at noon, which every zone has on every day). Capped at
    `MAX_LOOK_AHEAD` from now, so it errs early, never late."""
    records = list(sent)
    if due(snapshot, policy, now, records, tz=tz):
        return now
    waiting = waiting_on(snapshot, policy)
    waitings = ((waiting,) if waiting is not None else ()) + translations_waiting(snapshot)
    if not waitings:
        return None
    holidays = snapshot.calendar.holidays
    today = local_day(now, tz)
    days = {next_working_day(today, holidays)}
    for each in waitings:
        deadline_day = local_day(each.deadline, tz)
        for step in steps(policy):
            day = working_day_on_or_after(occasion(step, deadline_day, holidays), holidays)
            if day > today:
                days.add(day)
    cap = now + MAX_LOOK_AHEAD
    for day in sorted(days):
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        if midnight >= cap:
            return cap
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=tz)
        if due(snapshot, policy, noon, records, tz=tz):
            return max(midnight, now)
    return None
