"""What the chair sees before acting on a venture: the vote so far, whether quorum and
the lived-experience quorum are met, what closing the vote now would do, and which of
the chair's actions (close early, take off hold, extend a deadline) the rules allow.

    chair_view(engine, library, email, venture_id, now) -> ChairView
    after_closing(engine, venture_id) -> Closed

Only the chair may open it (`governance.permissions.may_chair`): anyone else's attempt
is recorded as a refusal of closing the vote (`services.commands.record_denial`, the
action `board.close`) and raised as `PermissionDenied`; the page answers "Page not
found". Each action is still checked by its own command when it is taken.

Nothing here decides: the count, the quorum and what closing would do are the rules'
own answer (`governance.decisions.decide`), asked as the advancing asks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checklists.library import Library
from governance.decisions import Decision, Deferred, NoQuorum, Pending, Tally, decide
from governance.lifecycle import VentureState
from governance.permissions import (
    Denied,
    may_chair,
    may_close_vote,
    may_extend,
    may_resume,
)
from governance.reasons import Reason
from models import queries
from models import tables as t
from models.db import read_session
from services.advance import People, load_snapshot
from services.commands import NotFound, record_denial
from services.people import actor_for, venture_facts
from services.permitted import Permitted, permitted_of

# The refused action a non-chair's visit is recorded as: the chair's page is where a
# vote is closed early, so trying to open it is trying to close the vote.
REFUSED_AS = "board.close"


@dataclass(frozen=True)
class VoteSoFar:
    """The open vote as the rules count it now (nothing is decided until it closes)."""

    ballot: int
    deadline: dt.datetime
    tally: Tally
    quorum: Reason  # quorum-met or quorum-not-met, with the counts
    quorum_met: bool
    lived_experience: Reason | None  # None: the rule asks for no lived-experience quorum
    lived_experience_met: bool
    # What closing the vote now would do: "decision" (with `outcome`), "more-time" (a
    # member asked for more time: the vote runs on) or "no-quorum" (it runs again).
    if_closed: str
    outcome: str | None
    reasons: tuple[Reason, ...]  # the rules' reasons for what closing now would do (the
    # quorum's said apart above)


@dataclass(frozen=True)
class ChairView:
    venture_id: str
    title: str
    state: str
    gate_id: str
    deadline: dt.datetime | None  # the venture's deadline in force (the vote's, if one is open)
    close: Permitted
    resume: Permitted
    extend: Permitted
    vote: VoteSoFar | None  # None: no vote is open
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given


@dataclass(frozen=True)
class Closed:
    """Where a venture stands after the chair closed its vote: decided (`outcome`), or
    the vote runs on until `deadline` (more time was asked for, or no quorum)."""

    venture_id: str
    title: str
    state: str
    outcome: str | None
    deadline: dt.datetime | None
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given


def chair_view(
    engine: Engine, library: Library, email: str, venture_id: str, now: dt.datetime
) -> ChairView:
    """The chair's view of the venture (see the module). NotFound for an unknown venture
    or person; PermissionDenied (recorded) for anyone but the chair."""
    denied: Denied | None = None
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=email)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        actor = actor_for(session, person)
        allowed = may_chair(actor)
        if isinstance(allowed, Denied):
            denied = allowed
        else:
            facts = venture_facts(session, venture)
            vote = _vote_so_far(session, venture, library, now)
            view = ChairView(
                venture_id=venture.id,
                title=venture.title,
                title_lang=venture.title_lang,
                title_other=venture.title_other,
                state=venture.state,
                gate_id=venture.gate_id,
                deadline=venture.deadline,
                close=permitted_of("close", may_close_vote(actor, facts)),
                resume=permitted_of("resume", may_resume(actor, facts)),
                extend=permitted_of("extend", may_extend(actor, facts)),
                vote=vote,
            )
    if denied is not None:
        # Outside the read: the refusal is written in a unit of work of its own.
        record_denial(engine, REFUSED_AS, email, venture_id, denied, now)
    return view


def _vote_so_far(
    session: Session, venture: t.Venture, library: Library, now: dt.datetime
) -> VoteSoFar | None:
    if VentureState(venture.state) is not VentureState.AWAITING_BOARD:
        return None
    snap = load_snapshot(session, venture, library, now, people=People(session))
    ballot = snap.ballot
    if ballot is None or ballot.decision is not None:
        return None

    def count(*, granted: frozenset[str]) -> Decision | Pending | Deferred | NoQuorum:
        return decide(
            snap.rule,
            snap.members,
            ballot.votes,
            snap.interests,
            closed_by_chair=True,
            now=now,
            deadline=ballot.deadline,
            more_time_granted=granted,
            lead=snap.lead_id,
        )

    # What closing now would do: the rules' answer, with the members' extra time.
    closing = count(granted=ballot.more_time_granted)
    # Quorum as it stands: "more time" is not taking part yet, so the count is the same
    # as if every extra time were spent; asked so, the rules always say their quorum.
    standing = count(granted=frozenset(m.id for m in snap.members))
    codes = {r.code: r for r in standing.reasons}
    quorum = codes.get("quorum-met") or codes["quorum-not-met"]
    lived = codes.get("lived-experience-quorum-met") or codes.get("lived-experience-quorum-not-met")
    if isinstance(closing, Decision):
        if_closed, outcome = "decision", closing.outcome.value
    elif isinstance(closing, Deferred):
        if_closed, outcome = "more-time", None
    else:
        if_closed, outcome = "no-quorum", None
    return VoteSoFar(
        ballot=ballot.number,
        deadline=ballot.deadline,
        tally=standing.tally if isinstance(closing, Deferred) else closing.tally,
        quorum=quorum,
        quorum_met=quorum.code == "quorum-met",
        lived_experience=lived,
        lived_experience_met=lived is not None and lived.code == "lived-experience-quorum-met",
        if_closed=if_closed,
        outcome=outcome,
        reasons=_after_closing(closing.reasons),
    )


# Said apart on the page (the quorum), or of no news to the chair who is closing it.
_SAID_APART = frozenset(
    {
        "quorum-met",
        "quorum-not-met",
        "lived-experience-quorum-met",
        "lived-experience-quorum-not-met",
    }
)


def _after_closing(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The rules' reasons that say what closing does: those after "closed-by-chair" (the
    ones before it say who counts and the count, which the page shows as numbers)."""
    codes = [r.code for r in reasons]
    start = codes.index("closed-by-chair") + 1 if "closed-by-chair" in codes else 0
    return tuple(r for r in reasons[start:] if r.code not in _SAID_APART)


def after_closing(engine: Engine, venture_id: str) -> Closed:
    """Where the venture stands now (for the receipt after closing). NotFound if unknown."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        decision = session.exec(
            select(t.Decision)
            .where(t.Decision.venture_id == venture.id)
            .order_by(col(t.Decision.at).desc(), col(t.Decision.id).desc())
        ).first()
        open_vote = (
            ballot is not None
            and VentureState(venture.state) is VentureState.AWAITING_BOARD
            and (
                decision is None
                or (decision.gate_id, decision.ballot) != (ballot.gate_id, ballot.number)
            )
        )
        return Closed(
            venture_id=venture.id,
            title=venture.title,
            title_lang=venture.title_lang,
            title_other=venture.title_other,
            state=venture.state,
            outcome=None if open_vote or decision is None else decision.outcome,
            deadline=ballot.deadline if open_vote and ballot is not None else None,
        )
