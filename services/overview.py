"""A person's ventures, and one venture's summary: reads for the pages "My ventures"
and a venture's own page, a few queries each.

`my_ventures(engine, person_email)` lists the ventures of the workstreams the person
belongs to, those they lead, and (for a supporter) the same for the person they
support. `venture_summary(engine, venture_id)` gives one venture's state, gate,
deadline, who is involved, and, when it was sent back (returned for changes, or
recycled by the Board), why.

Neither asks who may see what: the pages ask the rules first
(`services.permitted.what_may_i_do`), and show a venture only to whom they allow.

A venture's title is free text in the language its lead wrote it in (`title_language`,
stored with the venture: services.titles), and `title_other` the same title in the
other language once given (by the lead, or a translator): the pages show the title in
their own language when there is one, and mark a title that is not in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from governance.lifecycle import VentureState
from models import queries
from models import tables as t
from models.db import read_session
from services.commands import NotFound
from services.history import ADVANCED, Secrets

# The states a venture is sent back into, with reasons, for its workstream to fix.
SENT_BACK = frozenset({VentureState.RETURNED.value, VentureState.RECYCLED.value})


@dataclass(frozen=True)
class Someone:
    email: str
    name: str


@dataclass(frozen=True)
class VentureLine:
    """One venture in a list: enough to find it and see where it stands."""

    id: str
    title: str
    title_language: str  # the language it was written in: see the module
    workstream_id: str
    workstream_name: dict[str, str]  # {"en": ..., "cy": ...}
    lead: Someone
    state: str
    gate_id: str
    deadline: dt.datetime | None
    title_other: str | None  # the title in the other language, once given


@dataclass(frozen=True)
class Gap:
    """An item that stopped the venture: missing, or answered in a way it cannot accept."""

    checklist_id: str
    item_id: str
    problem: str  # "missing" | "invalid" | "not-met"
    reason: dict[str, str]  # the checklist's own reason, {"en": ..., "cy": ...}
    easy_read: dict[str, str] = field(default_factory=dict)  # not-met: in Easy Read


@dataclass(frozen=True)
class SentBack:
    """Why the venture was sent back: the rules' reasons (catalogue codes and their
    parameters), the items that stopped it, and when."""

    state: str
    at: dt.datetime
    reasons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class VentureSummary(VentureLine):
    created_at: dt.datetime | None = None
    members: list[Someone] = field(default_factory=list)  # the workstream, but its lead
    reviewers: list[Someone] = field(default_factory=list)  # assigned at the current gate
    sent_back: SentBack | None = None  # only while returned or recycled


def my_ventures(engine: Engine, person_email: str) -> list[VentureLine]:
    """The ventures of `person_email`'s workstreams and those they lead (for a supporter,
    also the supported person's), newest first. NotFound for someone not (or no longer)
    in the programme."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, person_email)
        if person is None or not person.active or person.id is None:
            raise NotFound("person-not-found", email=person_email)
        people = [person.id]
        if person.supports_person_id is not None:
            people.append(person.supports_person_id)
        member_of = select(t.WorkstreamMember.workstream_id).where(
            col(t.WorkstreamMember.person_id).in_(people)
        )
        rows = session.exec(
            select(t.Venture, t.Person)
            .join(t.Person, col(t.Person.id) == col(t.Venture.lead_id))
            .where(
                or_(
                    col(t.Venture.workstream_id).in_(member_of),
                    col(t.Venture.lead_id).in_(people),
                )
            )
            .order_by(col(t.Venture.created_at).desc(), col(t.Venture.id).desc())
        ).all()
        names = workstream_names_in(session)
    return [_line(venture, lead, names) for venture, lead in rows]


def venture_summary(engine: Engine, venture_id: str) -> VentureSummary:
    """The venture's summary (see the module). NotFound for an unknown venture."""
    with read_session(engine) as session:
        row = session.exec(
            select(t.Venture, t.Person)
            .join(t.Person, col(t.Person.id) == col(t.Venture.lead_id))
            .where(t.Venture.id == venture_id)
        ).first()
        if row is None:
            raise NotFound("venture-not-found", venture=venture_id)
        venture, lead = row
        members = session.exec(
            select(t.Person)
            .join(t.WorkstreamMember, col(t.WorkstreamMember.person_id) == col(t.Person.id))
            .where(t.WorkstreamMember.workstream_id == venture.workstream_id)
            .where(col(t.Person.active))
            .order_by(col(t.Person.name), col(t.Person.email))
        ).all()
        reviewers = session.exec(
            select(t.Person)
            .join(t.ReviewerAssignment, col(t.ReviewerAssignment.reviewer_id) == col(t.Person.id))
            .where(t.ReviewerAssignment.venture_id == venture.id)
            .where(t.ReviewerAssignment.gate_id == venture.gate_id)
            .order_by(col(t.Person.name), col(t.Person.email))
        ).all()
        sent_back = _sent_back(session, venture) if venture.state in SENT_BACK else None
        line = _line(venture, lead, workstream_names_in(session))
    return VentureSummary(
        **{f: getattr(line, f) for f in VentureLine.__dataclass_fields__},
        created_at=venture.created_at,
        members=[Someone(p.email, p.name) for p in members if p.id != venture.lead_id],
        reviewers=[Someone(p.email, p.name) for p in reviewers],
        sent_back=sent_back,
    )


def workstream_names(engine: Engine) -> dict[str, dict[str, str]]:
    """Every workstream's name, {"en": ..., "cy": ...}, by id."""
    with read_session(engine) as session:
        return workstream_names_in(session)


def _line(venture: t.Venture, lead: t.Person, names: dict[str, dict[str, str]]) -> VentureLine:
    return VentureLine(
        id=venture.id,
        title=venture.title,
        title_language=venture.title_lang,
        title_other=venture.title_other,
        workstream_id=venture.workstream_id,
        workstream_name=names.get(venture.workstream_id)
        or {"en": venture.workstream_id, "cy": venture.workstream_id},
        lead=Someone(lead.email, lead.name),
        state=venture.state,
        gate_id=venture.gate_id,
        deadline=venture.deadline,
    )


def workstream_names_in(session: Session) -> dict[str, dict[str, str]]:
    """Each workstream's name in English and Welsh: the programme in force holds both (the
    table keeps the English); a workstream it no longer names keeps its English name."""
    from services.programme_import import NoProgrammeError, current_programme

    names = {w.id: {"en": w.name, "cy": w.name} for w in session.exec(select(t.Workstream)).all()}
    try:
        programme = current_programme(session)
    except NoProgrammeError:
        return names
    for spec in programme.workstreams:
        names[spec.id] = {"en": spec.name.en, "cy": spec.name.cy}
    return names


def _sent_back(session: Session, venture: t.Venture) -> SentBack | None:
    """The latest round of advancing that moved the venture into the state it is in."""
    entries = session.exec(
        select(t.AuditEntry)
        .where(t.AuditEntry.venture_id == venture.id)
        .where(t.AuditEntry.action == ADVANCED)
        .order_by(col(t.AuditEntry.seq).desc())
    )
    for entry in entries:
        for effect in entry.payload.get("effects", []):
            if effect.get("effect") == "Transition" and effect.get("to") == venture.state:
                secrets = Secrets.of_programme(session)
                return SentBack(
                    state=venture.state,
                    at=entry.at,
                    reasons=[
                        (str(r.get("code")), secrets.scrub(dict(r.get("params") or {})))
                        for r in effect.get("reasons", [])
                    ],
                    gaps=[
                        Gap(
                            checklist_id=str(g.get("checklist")),
                            item_id=str(g.get("item")),
                            problem=str(g.get("problem")),
                            reason=dict(g.get("reason") or {}),
                            easy_read=dict(g.get("easy_read_reason") or {}),
                        )
                        for g in effect.get("gaps", [])
                    ],
                )
    return None
