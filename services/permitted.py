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

from sqlalchemy import Engine
from sqlmodel import select

from checklists.library import Library
from governance.catalogue import Language, Param, text
from governance.permissions import (
    Denied,
    Permission,
    may_answer,
    may_close_vote,
    may_declare,
    may_extend,
    may_resume,
    may_review,
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
from services.people import actor_for, venture_facts
from services.rule_values import venture_interests, vote_closed_since_declared

# Every action a page may offer, in the order a page lists them.
ACTIONS: tuple[str, ...] = (
    "view",
    "answer",
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
        person = queries.person_by_email(session, person_email)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=person_email)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        actor = actor_for(session, person)
        facts = venture_facts(session, venture)
        helped = (
            session.get(t.Person, person.supports_person_id)
            if person.supports_person_id is not None
            else None
        )
        supported = actor_for(session, helped) if helped is not None else None
        emails = {
            i: e for i, e in session.exec(select(t.Person.id, t.Person.email)) if i is not None
        }
        # Reviewers assigned at any gate of the venture: they saw it, and may again.
        reviewers = {
            emails[r]
            for r in session.exec(
                select(t.ReviewerAssignment.reviewer_id).where(
                    t.ReviewerAssignment.venture_id == venture.id
                )
            )
        }
        # As the vote command reads them.
        interests = venture_interests(session, venture.id, emails)
        vote_closed = vote_closed_since_declared(session, venture, person.id)
    rules: dict[str, Permission] = {
        "view": may_view_venture(actor, facts, reviewers=reviewers, supported=supported),
        # Answering a returned venture reopens it; `may_reopen` allows whoever
        # `may_answer` allows in those states, so the answer command's two checks are one.
        "answer": may_answer(actor, facts),
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


def permitted_of(action: str, permission: Permission) -> Permitted:
    """A rule's answer for `action` as a `Permitted` (for a page that asks one rule)."""
    if isinstance(permission, Denied):
        return Permitted(action, False, permission.code, permission.reason, dict(permission.params))
    return Permitted(action, True)
