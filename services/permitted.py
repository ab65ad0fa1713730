"""What a person may do with a venture, and why not: for the pages, which show only
what a person may do and say why the rest is not theirs to do.

`what_may_i_do(engine, library, person_email, venture_id, now)` asks the same rules
the commands ask (`governance.permissions`, with the actor and the venture's facts
read as the commands read them: `services.people`), for every action, and gives
each as allowed, or denied with the rule's stable code and its English sentence.

An allowed action can still be refused by its command for what the person gives
it (an invalid answer, a deadline that is not later): those are mistakes, said by
the command, not permissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Row, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from checklists.library import Library
from governance.ballots import Interest
from governance.catalogue import Language, Param, text
from governance.lifecycle import VentureState
from governance.permissions import (
    Actor,
    Denied,
    Permission,
    Role,
    VentureFacts,
    may_answer,
    may_answer_item,
    may_close_vote,
    may_declare,
    may_extend,
    may_resume,
    may_review,
    may_sign_off,
    may_submit,
    may_view_audit,
    may_view_pack,
    may_view_venture,
    may_vote,
    may_withdraw,
    may_withdraw_interest,
)
from models import queries
from models import tables as t
from models.db import read_session
from services.commands import NotFound
from services.rule_values import vote_closed_since_declared

# Every action a page may offer, in the order a page lists them.
ACTIONS: tuple[str, ...] = (
    "view",
    "answer",
    "answer-lead-items",  # the items only the lead answers (`audience: lead`)
    "sign-off",
    "submit",
    "extend",
    "review",
    "declare",
    "withdraw-interest",
    "vote",
    "close",
    "withdraw",
    "resume",
    "view-pack",
    "view-audit",
)


@dataclass(frozen=True)
class Permitted:
    """An action, and whether this person may take it now; if not, the rule's code and
    sentence (English), and the parameters the catalogue words the code with
    (`say`: in Welsh or Easy Read)."""

    action: str
    allowed: bool
    code: str | None = None
    reason: str | None = None
    params: Mapping[str, Param] = field(default_factory=dict, compare=False, hash=False)

    def say(self, language: Language, easy_read: bool = False) -> str | None:
        """Why not, in `language` (and Easy Read); None when the action is allowed."""
        if self.code is None:
            return None
        return text(self.code, language, self.params, easy_read)


def what_may_i_do(
    engine: Engine, library: Library, person_email: str, venture_id: str, now: dt.datetime
) -> list[Permitted]:
    """Every action of `ACTIONS`, allowed or denied for `person_email` on the venture.
    NotFound for an unknown venture or someone not (or no longer) in the programme.

    Today's rules need neither the definitions nor the clock; `library` and `now` are
    taken, as by every read a page makes, so that a rule that comes to need them
    changes no caller."""
    del library, now
    with read_session(engine) as session:
        person = queries.person_row(session, person_email)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=person_email)
        venture = queries.first(session, _VENTURE, id=venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        actor = _actor(session, person)
        lead = queries.first(session, queries.PERSON_BY_ID, id=venture.lead_id)
        facts = VentureFacts(
            venture_id=venture.id,
            lead_id=lead.email if lead else "",
            workstream_members=frozenset(
                email
                for (email,) in queries.rows(session, _WORKSTREAM, stream=venture.workstream_id)
            ),
            state=VentureState(venture.state),
        )
        helped = (
            queries.first(session, queries.PERSON_BY_ID, id=person.supports_person_id)
            if person.supports_person_id is not None
            else None
        )
        supported = _actor(session, helped) if helped is not None else None
        # Reviewers assigned at any gate of the venture: they saw it, and may again.
        reviewers = {email for (email,) in queries.rows(session, _REVIEWERS, venture=venture.id)}
        # As the vote command reads them (`services.rule_values.venture_interests`).
        interests = tuple(
            Interest(email, text)
            for email, text in queries.rows(session, _INTERESTS, venture=venture.id)
        )
        vote_closed = vote_closed_since_declared(session, venture, person.id)
    rules: dict[str, Permission] = {
        "view": may_view_venture(actor, facts, reviewers=reviewers, supported=supported),
        # Answering a returned venture reopens it; `may_reopen` allows whoever
        # `may_answer` allows in those states, so the answer command's two checks are one.
        "answer": may_answer(actor, facts),
        "answer-lead-items": may_answer_item(actor, facts, "lead"),
        "sign-off": may_sign_off(actor, facts),
        "submit": may_submit(actor, facts),
        "extend": may_extend(actor, facts),
        "review": may_review(actor, facts),
        "declare": may_declare(actor),
        "withdraw-interest": may_withdraw_interest(
            actor, facts, interests, vote_closed=vote_closed
        ),
        "vote": may_vote(actor, facts, interests),
        "close": may_close_vote(actor, facts),
        "withdraw": may_withdraw(actor, facts),
        "resume": may_resume(actor, facts),
        "view-pack": may_view_pack(actor, supported=supported),
        "view-audit": may_view_audit(actor, facts, reviewers=reviewers, supported=supported),
    }
    return [permitted_of(action, rules[action]) for action in ACTIONS]


# The statements of this read, built once and run without the ORM (models/queries.py
# says why: every venture page asks this first). They read what `services.people`
# (`actor_for`, `venture_facts`) and `services.rule_values.venture_interests` read.
_P = queries.PERSON
_PR = queries.table(t.PersonRole)
_WM = queries.table(t.WorkstreamMember)
_RA = queries.table(t.ReviewerAssignment)
_I = queries.table(t.Interest)
_VENTURE = sa_select(queries.table(t.Venture)).where(
    queries.table(t.Venture).c.id == bindparam("id")
)
_ROLES = sa_select(_PR.c.role).where(_PR.c.person_id == bindparam("person"))
_WORKSTREAM = (
    sa_select(_P.c.email)
    .join(_WM, _WM.c.person_id == _P.c.id)
    .where(_WM.c.workstream_id == bindparam("stream"))
)
_REVIEWERS = (
    sa_select(_P.c.email)
    .join(_RA, _RA.c.reviewer_id == _P.c.id)
    .where(_RA.c.venture_id == bindparam("venture"))
)
_INTERESTS = (
    sa_select(_P.c.email, _I.c.text)
    .join(_P, _P.c.id == _I.c.member_id)
    .where(_I.c.venture_id == bindparam("venture"))
    .order_by(_I.c.id)
)
_ROLE_NAMES = frozenset(Role.__members__.values())


def _actor(session: Session, person: Row[Any]) -> Actor:
    """`services.people.actor_for`, from a person's row."""
    supports = (
        queries.first(session, queries.PERSON_BY_ID, id=person.supports_person_id)
        if person.supports_person_id
        else None
    )
    roles = queries.rows(session, _ROLES, person=person.id)
    return Actor(
        person_id=person.email,
        roles=frozenset(Role(name) for (name,) in roles if name in _ROLE_NAMES),
        lived_experience=person.lived_experience,
        supports=supports.email if supports else None,
    )


def permitted_of(action: str, permission: Permission) -> Permitted:
    """A rule's answer for `action` as a `Permitted` (for a page that asks one rule)."""
    if isinstance(permission, Denied):
        return Permitted(action, False, permission.code, permission.reason, dict(permission.params))
    return Permitted(action, True)
