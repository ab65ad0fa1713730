"""Who must act on a venture now or soon, by when and why. Pure.

`owed(facts, policy, now)` reads one venture's current gate (`ActionFacts`: what the
reminder rules read, plus its workstream and its checklists' answers) and gives
each thing a person should do about it, with the deadline in force and a reason (a
stable code and its parameters, which the pages word in English, Welsh and Easy
Read). `with_supporters(owed, supporters)` adds, for each supporter, what the
person they support must do, marked as on that person's behalf.

Who must act, by the venture's state:
- draft: the lead submits when no must-meet item is missing, and answers first
  when some are; the workstream's other members (its co-producers) may answer the
  items still open that are for them (`audience` co-producers or anyone: never the
  lead's own), while there are any. A draft without a deadline
  still needs doing: it is listed, without a deadline.
- returned or recycled: the lead fixes it (answering reopens it); the members may
  answer the items still open.
- in review: each assigned reviewer who has not recommended since the latest
  submission (`reminders.waiting_on`); again, when their advice is stale or was
  given before the venture came back.
- awaiting the Board: each member who has not voted and is not recused
  (`reminders.waiting_on`) votes, and before a first vote says whether they have an
  interest to declare; a stale vote is given again; a member given more time votes by the new
  deadline. The chair closes the vote when its deadline has passed (the sweep
  would decide it at its next run) or when every member has acted, unless the
  chair leads the venture (`permissions.may_close_vote`).
- on hold: the chair takes it off hold when the Board is ready.
The deadline is the one the reminder rules hold in force (`reminders.deadline_for`):
the answers' deadline for the workstream, the review's for reviewers, the
ballot's for the Board. Nobody is listed for a submitted venture (the rules take
it on at once) or a closed one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from checklists.evaluate import evaluate
from checklists.spec import ChecklistDefinition
from governance.ballots import Choice
from governance.lifecycle import VentureState
from governance.permissions import Actor, Role, VentureFacts, may_close_vote
from governance.programme import ReminderPolicy
from governance.reminders import Action, ReminderSnapshot, deadline_for, waiting_on

S = VentureState


class Kind(StrEnum):
    """What a person is asked to do (the pages' words key on it)."""

    CONFIRM = "confirm"  # what a clerk recorded for the person: first, it may be all
    ANSWER = "answer"
    SUBMIT = "submit"
    SIGN_OFF = "sign-off"
    FIX = "fix"
    REVIEW = "review"
    DECLARE = "declare"
    VOTE = "vote"
    CLOSE_VOTE = "close-vote"
    RESUME = "resume"
    TRANSLATE = "translate"  # a translator gives a title in the other language
    CHECK_SUMMARY = "check-summary"  # a co-producer checks the venture's Easy Read summary
    CHANGE_SUMMARY = "change-summary"  # the lead rewrites it: a co-producer asked for changes


# The order actions of one venture are listed in: the one to do first, first.
KIND_ORDER: dict[Kind, int] = {kind: n for n, kind in enumerate(Kind)}

# Why, as stable codes (with the parameters each carries).
ITEMS_TO_ANSWER = "items-to-answer"  # missing, open, items
READY_TO_SUBMIT = "ready-to-submit"  # open
SIGN_OFF_ASKED = "sign-off-asked"  # needed: the gate asks co-producers to confirm it
RETURNED_FOR_CHANGES = "returned-for-changes"  # missing, open, items
RECYCLED_BY_BOARD = "recycled-by-board"  # missing, open, items
REVIEW_REQUESTED = "review-requested"
REVIEW_AGAIN = "review-again"  # an answer changed after the review
VOTE_DUE = "vote-due"  # ballot
VOTE_AGAIN = "vote-again"  # ballot: an answer changed after the vote
MORE_TIME_GIVEN = "more-time-given"  # ballot: the member asked for, and has, more time
DECLARE_BEFORE_VOTING = "declare-before-voting"  # ballot
VOTE_DEADLINE_PASSED = "vote-deadline-passed"  # ballot
EVERYONE_HAS_VOTED = "everyone-has-voted"  # ballot
ON_HOLD = "venture-on-hold"
CLERK_RECORDED = "clerk-recorded"  # what (vote or answer), by (the clerk's name), pending
TRANSLATION_ASKED = "translation-asked"  # to (the language asked for), translation
SUMMARY_WAITING = "summary-waiting"  # an Easy Read summary waits for a co-producer's check
SUMMARY_CHANGES_ASKED = "summary-changes-asked"  # by (the co-producer's name), note

# Every code a next action carries, its kind and its reason, each worded in the
# catalogue (kind: action); the catalogue's test finds them here.
CODES: frozenset[str] = frozenset(
    {
        *Kind,
        ITEMS_TO_ANSWER,
        READY_TO_SUBMIT,
        SIGN_OFF_ASKED,
        RETURNED_FOR_CHANGES,
        RECYCLED_BY_BOARD,
        REVIEW_REQUESTED,
        REVIEW_AGAIN,
        VOTE_DUE,
        VOTE_AGAIN,
        MORE_TIME_GIVEN,
        DECLARE_BEFORE_VOTING,
        VOTE_DEADLINE_PASSED,
        EVERYONE_HAS_VOTED,
        ON_HOLD,
        CLERK_RECORDED,
        TRANSLATION_ASKED,
        SUMMARY_WAITING,
        SUMMARY_CHANGES_ASKED,
    }
)

_REASON_FOR_STATE = {
    S.DRAFT: ITEMS_TO_ANSWER,
    S.RETURNED: RETURNED_FOR_CHANGES,
    S.RECYCLED: RECYCLED_BY_BOARD,
}


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """What the rules need to know about one venture to say who must act."""

    reminders: ReminderSnapshot  # as the reminder rules read it (the open ballot only)
    workstream: frozenset[str] = frozenset()  # the lead and members of its workstream
    checklists: tuple[ChecklistDefinition, ...] = ()  # the gate's pinned checklists
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # current
    # The gate's sign-off: how many more co-producers with lived experience must confirm
    # the checklist, and who of them may and has not yet.
    sign_offs_needed: int = 0
    may_sign_off: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Owed:
    """Something `person` should do about a venture, by `deadline` (None: no date set)."""

    person: str
    kind: Kind
    venture_id: str
    deadline: dt.datetime | None
    reason: str  # a stable code
    params: Mapping[str, Any] = field(default_factory=dict)
    on_behalf_of: str | None = None  # for a supporter: whom it is for

    def sort_key(self) -> tuple[bool, dt.datetime, str, int, str]:
        """Soonest deadline first (none last), then by venture and the order to act."""
        never = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (
            self.deadline is None,
            self.deadline or never,
            self.venture_id,
            KIND_ORDER[self.kind],
            self.on_behalf_of or "",
        )


@dataclass(frozen=True, slots=True)
class OpenItems:
    """The shown items without a valid answer, as 'checklist/item': must-meet, then
    should-meet, each in document order."""

    required: tuple[str, ...]  # must-meet
    advisory: tuple[str, ...]  # should-meet

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.advisory


def open_items(
    checklists: Sequence[ChecklistDefinition],
    answers: Mapping[str, Mapping[str, Any]],
    *,
    co_producers: bool = False,
) -> OpenItems:
    """`co_producers`: only the items a co-producer answers (not those for the lead)."""
    required: list[str] = []
    advisory: list[str] = []
    for checklist in checklists:
        result = evaluate(checklist, answers.get(checklist.id, {}))
        lead_only = (
            {i.id for i in checklist.items() if not i.for_co_producers()} if co_producers else set()
        )
        # Answered but not met holds it back as missing does (`unmet_required`).
        required += [f"{checklist.id}/{i}" for i in result.unmet_required if i not in lead_only]
        advisory += [f"{checklist.id}/{i}" for i in result.missing_advisory if i not in lead_only]
    return OpenItems(tuple(required), tuple(advisory))


def owed(facts: ActionFacts, policy: ReminderPolicy, now: dt.datetime) -> tuple[Owed, ...]:
    """Everything people should do about one venture now or soon (see the module)."""
    s = facts.reminders
    if s.state in _REASON_FOR_STATE:
        return _answering(facts, policy)
    if s.state is S.IN_REVIEW:
        return _reviewing(s, policy)
    if s.state is S.AWAITING_BOARD:
        return _voting(s, policy, now)
    if s.state is S.ON_HOLD and s.chair is not None:
        return (Owed(s.chair, Kind.RESUME, s.venture_id, None, ON_HOLD),)
    return ()


def _answering(facts: ActionFacts, policy: ReminderPolicy) -> tuple[Owed, ...]:
    s = facts.reminders
    deadline = deadline_for(s, Action.ANSWER, policy)
    items = open_items(facts.checklists, facts.answers)
    reason = _REASON_FOR_STATE[s.state]
    params = {
        "missing": len(items.required),
        "open": len(items.all),
        "items": list(items.all),
    }
    result: list[Owed] = []
    if s.state is not S.DRAFT:
        result.append(Owed(s.lead, Kind.FIX, s.venture_id, deadline, reason, params))
    elif items.required:
        result.append(Owed(s.lead, Kind.ANSWER, s.venture_id, deadline, reason, params))
    else:
        ready = {"open": len(items.all)}
        result.append(Owed(s.lead, Kind.SUBMIT, s.venture_id, deadline, READY_TO_SUBMIT, ready))
        if facts.sign_offs_needed:  # ready: the co-producers confirm it before it goes
            needed = {"needed": facts.sign_offs_needed}
            result += [
                Owed(p, Kind.SIGN_OFF, s.venture_id, deadline, SIGN_OFF_ASKED, needed)
                for p in sorted(facts.may_sign_off)
            ]
    # The co-producers are asked only about the items for them (or anyone): never told
    # to answer what only the lead can.
    theirs = open_items(facts.checklists, facts.answers, co_producers=True)
    if theirs.all:
        asked = {
            "missing": len(theirs.required),
            "open": len(theirs.all),
            "items": list(theirs.all),
        }
        result += [
            Owed(member, Kind.ANSWER, s.venture_id, deadline, reason, asked)
            for member in sorted(facts.workstream - {s.lead})
        ]
    return tuple(result)


def _reviewing(s: ReminderSnapshot, policy: ReminderPolicy) -> tuple[Owed, ...]:
    waiting = waiting_on(s, policy)
    if waiting is None:
        return ()
    # Whoever recommended before, on answers that have changed since, reviews again.
    given = {r.reviewer_id for r in s.reviews}
    return tuple(
        Owed(
            person,
            Kind.REVIEW,
            s.venture_id,
            waiting.deadline,
            REVIEW_AGAIN if person in given else REVIEW_REQUESTED,
        )
        for person in waiting.people
    )


def _voting(s: ReminderSnapshot, policy: ReminderPolicy, now: dt.datetime) -> tuple[Owed, ...]:
    ballot = s.ballot
    if ballot is None:  # the rules open one at once
        return ()
    waiting = waiting_on(s, policy)
    number = {"ballot": ballot.number}
    result: list[Owed] = []
    if waiting is not None:
        latest = {v.member_id: v for v in sorted(ballot.votes, key=lambda v: v.cast_at)}
        for person in waiting.people:
            vote = latest.get(person)
            if vote is not None and vote.stale:
                why = VOTE_AGAIN
            elif vote is not None and vote.choice is Choice.MORE_TIME:
                why = MORE_TIME_GIVEN
            else:
                why = VOTE_DUE
            if vote is None:  # before a first vote: anything to declare?
                result.append(
                    Owed(
                        person,
                        Kind.DECLARE,
                        s.venture_id,
                        waiting.deadline,
                        DECLARE_BEFORE_VOTING,
                        number,
                    )
                )
            result.append(Owed(person, Kind.VOTE, s.venture_id, waiting.deadline, why, number))
    if s.chair is not None and _chair_may_close(s):
        if now >= ballot.deadline:
            result.append(
                Owed(
                    s.chair,
                    Kind.CLOSE_VOTE,
                    s.venture_id,
                    ballot.deadline,
                    VOTE_DEADLINE_PASSED,
                    number,
                )
            )
        elif waiting is None:
            result.append(
                Owed(
                    s.chair,
                    Kind.CLOSE_VOTE,
                    s.venture_id,
                    ballot.deadline,
                    EVERYONE_HAS_VOTED,
                    number,
                )
            )
    return tuple(result)


def _chair_may_close(s: ReminderSnapshot) -> bool:
    # The chair's own rule: never on a venture they lead (its vote closes at its deadline).
    assert s.chair is not None
    chair = Actor(s.chair, frozenset({Role.CHAIR}))
    return bool(may_close_vote(chair, VentureFacts(s.venture_id, s.lead, frozenset(), s.state)))


@dataclass(frozen=True, slots=True)
class Recorded:
    """A vote or an answer a clerk recorded for `person`, waiting for them to confirm."""

    pending_id: int
    person: str
    venture_id: str
    what: str  # "vote" or "answer"
    by: str  # the clerk's name
    deadline: dt.datetime | None  # the vote's (or the venture's) deadline in force


def to_confirm(recorded: Iterable[Recorded]) -> tuple[Owed, ...]:
    """Each recorded vote or answer is the person's to confirm (or to say it is not
    right), by the deadline of what it was recorded for: until then it counts for
    nothing. Only the person: a supporter helps them read it, as with any action."""
    return tuple(
        Owed(
            r.person,
            Kind.CONFIRM,
            r.venture_id,
            r.deadline,
            CLERK_RECORDED,
            {"what": r.what, "by": r.by, "pending": r.pending_id},
        )
        for r in recorded
    )


@dataclass(frozen=True, slots=True)
class Waiting:
    """A venture's title (or a text someone wrote: `subject`, services.free_text)
    waiting for its translation into `to`, due by `due`."""

    translation_id: int
    venture_id: str
    to: str  # "en" or "cy"
    due: dt.datetime
    subject: str = "venture-title"


def to_translate(waiting: Iterable[Waiting], translators: Iterable[str]) -> tuple[Owed, ...]:
    """Each translation waiting is every translator's to give, by when it is due: the
    first to give it does it for all (services.translations)."""
    people = sorted(set(translators))
    return tuple(
        Owed(
            person,
            Kind.TRANSLATE,
            w.venture_id,
            w.due,
            TRANSLATION_ASKED,
            {"to": w.to, "translation": w.translation_id}
            | ({"subject": w.subject} if w.subject != "venture-title" else {}),
        )
        for w in waiting
        for person in people
    )


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """A venture's Easy Read summary in force (the newest written), as the rules read it."""

    venture_id: str
    lead: str
    written_by: str
    co_producers: frozenset[str]  # its workstream's members other than its lead
    verdict: str | None  # None: waiting for a check; "agreed" or "changes"
    checked_by: str | None = None  # the checker's name
    note: str | None = None  # what to change


def summary_actions(summaries: Iterable[SummaryFacts]) -> tuple[Owed, ...]:
    """A summary waiting for a check is every co-producer's to check (not the writer's:
    `permissions.may_check_summary`), the first to check it does it for all; a summary
    a co-producer asked changes to is the lead's to write again. No deadline: the Board
    pack says plainly when there is none agreed."""
    found: list[Owed] = []
    for s in summaries:
        if s.verdict is None:
            found += [
                Owed(p, Kind.CHECK_SUMMARY, s.venture_id, None, SUMMARY_WAITING)
                for p in sorted(s.co_producers - {s.written_by, s.lead})
            ]
        elif s.verdict == "changes":
            asked = {"by": s.checked_by or "", "note": s.note or ""}
            found.append(
                Owed(s.lead, Kind.CHANGE_SUMMARY, s.venture_id, None, SUMMARY_CHANGES_ASKED, asked)
            )
    return tuple(found)


def with_supporters(
    found: Iterable[Owed], supporters: Iterable[tuple[str, str]]
) -> tuple[Owed, ...]:
    """`found`, and for each (supporter, person) pair a copy of each of the person's
    actions for the supporter, on the person's behalf: a supporter helps the person do
    it (and never does it for them: a vote stays the member's own)."""
    found = tuple(found)
    helpers: dict[str, list[str]] = {}
    for supporter, person in supporters:
        if supporter != person:
            helpers.setdefault(person, []).append(supporter)
    copies = [
        Owed(
            supporter,
            o.kind,
            o.venture_id,
            o.deadline,
            o.reason,
            o.params,
            on_behalf_of=o.person,
        )
        for o in found
        if o.on_behalf_of is None
        for supporter in sorted(helpers.get(o.person, ()))
    ]
    return (*found, *copies)
