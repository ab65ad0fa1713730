"""Ideas from anyone: the rules of the open route from a local person's idea to a venture.

The programme promises "open processes for allowing local people to suggest ideas or
solutions in the same way as a Council officer might", taking part "through a group
they belong to, through their employer or as an individual". An idea needs no account:
it comes by the public page, on paper, by phone, at a roadshow or a meeting, through a
group or an employer, and an officer may record it on the person's behalf. Whoever put
it forward always gets a reply: at once (it was received), and an answer within the
programme's promise (`IdeaPolicy.answer_days` working days), one of

- **adopted**: a venture starts in the same gates, the idea its summary;
- **merged** into a venture already under way;
- **not now**, with why and what would change it;
- **not for this programme**, with where to take it instead.

An idea is never silently dropped: one still open past its promise is flagged to those
who triage (`past_promise`). People in the programme may support an idea (one each): a
count shown beside it, never a vote that decides anything. An idea is shown publicly
only with its proposer's consent and after a moderator's check.

Pure: no database, no clock, no settings. The services pass the facts in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from governance.permissions import ALLOWED, Actor, Permission, Role, deny
from governance.working_days import WEEKDAYS, WorkingCalendar, deadline_after


class Route(StrEnum):
    """How the idea reached the programme."""

    ONLINE = "online"  # the public page
    PAPER = "paper"
    PHONE = "phone"
    ROADSHOW = "roadshow"
    MEETING = "meeting"
    GROUP = "group"
    EMPLOYER = "employer"
    EMAIL = "email"


# The ways in that need someone in the programme to write the idea down.
RECORDED_BY_AN_OFFICER: frozenset[Route] = frozenset(Route) - {Route.ONLINE}


class Behalf(StrEnum):
    """On whose behalf the idea is put forward."""

    INDIVIDUAL = "individual"
    GROUP = "group"  # a named group, such as a self-advocacy group
    EMPLOYER = "employer"


class IdeaState(StrEnum):
    RECEIVED = "received"  # acknowledged, not yet with a workstream
    TRIAGED = "triaged"  # with a workstream, to be answered by the promise
    ADOPTED = "adopted"  # a venture started from it
    MERGED = "merged"  # joined to a venture already under way
    NOT_NOW = "not-now"
    NOT_FOR_PROGRAMME = "not-for-programme"
    WITHDRAWN = "withdrawn"  # by its proposer


OPEN: frozenset[IdeaState] = frozenset({IdeaState.RECEIVED, IdeaState.TRIAGED})
ANSWERS: frozenset[IdeaState] = frozenset(
    {IdeaState.ADOPTED, IdeaState.MERGED, IdeaState.NOT_NOW, IdeaState.NOT_FOR_PROGRAMME}
)


class Publication(StrEnum):
    """Whether the idea may be shown on the public list."""

    UNCHECKED = "unchecked"  # waiting for a moderator
    PUBLISHED = "published"
    PRIVATE = "private"  # a moderator kept it off the list (personal data, abuse)


@dataclass(frozen=True, slots=True)
class IdeaFacts:
    """What the rules need to know about an idea."""

    idea_id: str
    state: IdeaState
    workstream_id: str | None
    workstream_leads: frozenset[str]  # person ids: the leads of its workstream, if any
    consent_to_publish: bool
    publication: Publication
    proposer_id: str | None = None  # when the proposer is a person in the programme


@dataclass(frozen=True, slots=True)
class Answer:
    """An outcome as given: the state it leads to and the words that go with it."""

    outcome: IdeaState
    reason: str = ""  # why (every answer but adoption)
    what_next: str = ""  # not now: what would change it; not for us: where to take it
    venture_id: str | None = None  # merged: into which venture


# --- when -------------------------------------------------------------------------------


def answer_due(
    received_at: dt.datetime, answer_days: int, calendar: WorkingCalendar = WEEKDAYS
) -> dt.datetime:
    """The promise: the end of the `answer_days`-th working day after the idea came."""
    return deadline_after(received_at, answer_days, calendar)


def past_promise(state: IdeaState, due: dt.datetime, now: dt.datetime) -> bool:
    """An idea still open after its promise: flagged, never dropped."""
    return state in OPEN and now > due


# --- who may -----------------------------------------------------------------------------


def may_record_idea(actor: Actor) -> Permission:
    """Writing down an idea heard on someone's behalf (a roadshow, a phone call, paper):
    anyone the programme lists with a role; the idea stays the proposer's, attributed to
    both."""
    if not actor.roles:
        return deny("idea-not-an-officer")
    return ALLOWED


def may_triage(actor: Actor, idea: IdeaFacts) -> Permission:
    """Sending an idea to a workstream and answering it: those who triage (and admins),
    and the leads of the workstream it was sent to."""
    if actor.roles & {Role.ADMIN, Role.TRIAGE} or actor.person_id in idea.workstream_leads:
        return ALLOWED
    return deny("not-triage")


def may_moderate(actor: Actor) -> Permission:
    """Checking an idea before it is shown publicly: moderators (and admins)."""
    if actor.roles & {Role.ADMIN, Role.MODERATOR}:
        return ALLOWED
    return deny("not-moderator")


def may_send_to(actor: Actor, idea: IdeaFacts) -> Permission:
    allowed = may_triage(actor, idea)
    if not allowed:
        return allowed
    return _open(idea)


def may_answer_idea(actor: Actor, idea: IdeaFacts, answer: Answer) -> Permission:
    """An answer is given once, to an open idea, with what it needs said."""
    allowed = may_triage(actor, idea)
    if not allowed:
        return allowed
    still = _open(idea)
    if not still:
        return still
    if answer.outcome not in ANSWERS:
        return deny("idea-not-an-answer", outcome=str(answer.outcome))
    if answer.outcome is IdeaState.ADOPTED and idea.workstream_id is None:
        return deny("idea-needs-workstream")
    if answer.outcome is IdeaState.MERGED and not answer.venture_id:
        return deny("idea-needs-venture")
    if answer.outcome is not IdeaState.ADOPTED and not answer.reason.strip():
        return deny("idea-needs-reason", outcome=str(answer.outcome))
    if (
        answer.outcome in (IdeaState.NOT_NOW, IdeaState.NOT_FOR_PROGRAMME)
        and not answer.what_next.strip()
    ):
        return deny("idea-needs-what-next", outcome=str(answer.outcome))
    return ALLOWED


def may_support_idea(actor: Actor, idea: IdeaFacts, supporters: Iterable[str]) -> Permission:
    """One support each, from people in the programme, for an idea that is still open
    or adopted; a proposer's own support is already counted by putting it forward."""
    if idea.state not in OPEN:
        return deny("idea-closed", state=str(idea.state))
    if actor.person_id == idea.proposer_id:
        return deny("idea-own")
    if actor.person_id in set(supporters):
        return deny("idea-supported-already")
    return ALLOWED


def may_withdraw_idea(idea: IdeaFacts) -> Permission:
    """The proposer (by the private reference they were given) withdraws an open idea."""
    return _open(idea)


def shown_publicly(idea: IdeaFacts) -> bool:
    """On the public list: its proposer agreed, a moderator checked it, not withdrawn."""
    return (
        idea.consent_to_publish
        and idea.publication is Publication.PUBLISHED
        and idea.state is not IdeaState.WITHDRAWN
    )


def _open(idea: IdeaFacts) -> Permission:
    if idea.state not in OPEN:
        return deny("idea-closed", state=str(idea.state))
    return ALLOWED
