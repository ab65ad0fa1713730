"""A venture's audit trail for its page: every action and refusal as events
(`services.history.audit_trail`, worded by `AuditEvent.words`), newest first, filtered
by the person who acted and by kind, with the result of verifying the whole audit
chain (what `cyd audit verify` checks) and its head.

    venture_audit(engine, email, venture_id, person=None, kind=None) -> VentureAudit

Who may see it: whoever may see the venture (`governance.permissions.may_view_audit`:
its workstream, its reviewers, the Board and admins; a supporter as the person they
support), not the whole programme. Unlike the decision record, the trail names each
person's actions and refusals and quotes the answers co-producers gave, which are the
venture's working papers, so it stays with the people concerned.

Channel URLs never show: the trail is scrubbed by `services.history.Secrets`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.permissions import Actor, Denied, may_view_audit
from models import audit, queries
from models import tables as t
from models.audit import VerifyResult
from models.db import read_session
from services.commands import NotFound, PermissionDenied
from services.history import CODES, AuditEvent, audit_trail
from services.people import actor_for, venture_facts

SHOWN = 500  # the newest events shown at once: a page stays cheap on a long history
AUTOMATION = "cyd"  # the actor of what the rules and the schedules did

# The kinds a person filters by, each a group of event codes (services.history.CODES).
KINDS: dict[str, frozenset[str]] = {
    "checklist": frozenset(
        {
            "venture-started",
            "answer-recorded",
            "checklist-signed-off",
            "venture-submitted",
            "venture-withdrawn",
            "translation-given",
            "summary-written",
            "summary-checked",
            "idea-adopted",
        }
    ),
    "review": frozenset(
        {
            "review-recorded",
            "reviewers-assigned",
            "accepted-for-review",
            "sent-back-for-changes",
            "sent-back-for-review",
            "sent-to-board",
        }
    ),
    "board": frozenset(
        {
            "interest-declared",
            "interest-withdrawn",
            "vote-recorded",
            "vote-opened",
            "vote-closed-by-chair",
            "decision-recorded",
            "approved",
            "approved-with-conditions",
            "recycled",
            "rejected",
            "put-on-hold",
            "venture-resumed",
            "next-gate-opened",
        }
    ),
    "deadline": frozenset({"extension-given", "vote-extended"}),
    "message": frozenset(
        {"people-told", "reminder-sent", "escalation-sent", "board-papers-sent", "idea-update-sent"}
    ),
    "refusal": frozenset({"action-refused"}),
    # Votes and answers a clerk recorded for someone, and what they said of it.
    "assisted": frozenset({"assisted-recorded", "assisted-confirmed", "assisted-declined"}),
    "other": frozenset({"state-changed", "other"}),
}
KIND_OF: dict[str, str] = {code: kind for kind, codes in KINDS.items() for code in codes}
assert KIND_OF.keys() == CODES, "every event code belongs to one kind"


@dataclass(frozen=True)
class Someone:
    email: str  # AUTOMATION for Cyd itself
    name: str | None  # None for Cyd and for anyone no longer in the programme


@dataclass(frozen=True)
class VentureAudit:
    venture_id: str
    title: str
    events: tuple[AuditEvent, ...]  # newest first, filtered, at most SHOWN
    matching: int  # how many events the filters match (more than shown: the oldest left off)
    total: int  # events in the whole trail
    people: tuple[Someone, ...]  # who acted in the trail, for the filter
    kinds: tuple[str, ...]  # the kinds found in the trail, in KINDS' order
    person: str | None  # the filters applied
    kind: str | None
    chain: VerifyResult  # the whole audit log's check, as `cyd audit verify`
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given


def venture_audit(
    engine: Engine,
    email: str,
    venture_id: str,
    *,
    person: str | None = None,
    kind: str | None = None,
) -> VentureAudit:
    """The venture's trail (see the module). NotFound for an unknown venture or reader;
    PermissionDenied for a reader the rules do not let see it (reading records nothing:
    a refused page is not an action). A filter naming nobody or no kind matches nothing."""
    with read_session(engine) as session:
        reader = queries.person_by_email(session, email)
        if reader is None or not reader.active:
            raise NotFound("person-not-found", email=email)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        allowed = may_view_audit(
            actor_for(session, reader),
            venture_facts(session, venture),
            reviewers=_reviewers(session, venture.id),
            supported=_supported(session, reader),
        )
        if isinstance(allowed, Denied):
            raise PermissionDenied(allowed)
        title, title_lang, title_other = venture.title, venture.title_lang, venture.title_other
        chain = audit.verify(session)
    trail = audit_trail(engine, venture_id)
    names: dict[str, str | None] = {}
    for event in trail:
        names.setdefault(event.actor, event.actor_name)
    matching = [
        e
        for e in reversed(trail)
        if (person is None or e.actor == person) and (kind is None or KIND_OF[e.code] == kind)
    ]
    found = {KIND_OF[e.code] for e in trail}
    return VentureAudit(
        venture_id=venture_id,
        title=title,
        title_lang=title_lang,
        title_other=title_other,
        events=tuple(matching[:SHOWN]),
        matching=len(matching),
        total=len(trail),
        people=tuple(
            Someone(e, n)
            for e, n in sorted(names.items(), key=lambda p: (p[0] == AUTOMATION, p[1] or p[0]))
        ),
        kinds=tuple(k for k in KINDS if k in found),
        person=person,
        kind=kind,
        chain=chain,
    )


def _reviewers(session: Session, venture_id: str) -> set[str]:
    # Reviewers assigned at any gate of the venture, as `what_may_i_do` reads them.
    rows = session.exec(
        select(t.Person.email)
        .join(t.ReviewerAssignment, col(t.ReviewerAssignment.reviewer_id) == col(t.Person.id))
        .where(t.ReviewerAssignment.venture_id == venture_id)
    ).all()
    return set(rows)


def _supported(session: Session, reader: t.Person) -> Actor | None:
    if reader.supports_person_id is None:
        return None
    helped = session.get(t.Person, reader.supports_person_id)
    return actor_for(session, helped) if helped is not None else None
