"""Who is involved in what: a person's workstreams, the interests declared in a
venture, and how people with lived experience took part in its checklist. Reads for
the pages and the Board pack, one or two queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.board_pack import Involvement
from models import queries
from models import tables as t
from models.db import read_session
from services.advance import standing_sign_offs
from services.commands import NotFound


@dataclass(frozen=True)
class WorkstreamPlace:
    """A workstream a person belongs to, and whether they lead it."""

    id: str
    name: str  # the English name, as stored (the programme file holds the Welsh)
    is_lead: bool


@dataclass(frozen=True)
class DeclaredInterest:
    member: str  # email
    member_name: str
    text: str  # as the member wrote it
    at: dt.datetime


def workstreams_of(engine: Engine, person_email: str) -> list[WorkstreamPlace]:
    """The workstreams `person_email` leads or is a member of, by id. NotFound for
    someone not (or no longer) in the programme."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, person_email)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=person_email)
        rows = session.exec(
            select(t.Workstream, t.WorkstreamMember.is_lead)
            .join(t.WorkstreamMember, col(t.WorkstreamMember.workstream_id) == col(t.Workstream.id))
            .where(t.WorkstreamMember.person_id == person.id)
            .order_by(col(t.Workstream.id))
        ).all()
    return [WorkstreamPlace(w.id, w.name, is_lead) for w, is_lead in rows]


def interests(engine: Engine, venture_id: str) -> list[DeclaredInterest]:
    """The interests declared in the venture, in the order they were declared (each
    member leaves its decisions)."""
    with read_session(engine) as session:
        if session.get(t.Venture, venture_id) is None:
            raise NotFound("venture-not-found", venture=venture_id)
        rows = session.exec(
            select(t.Interest, t.Person.email, t.Person.name)
            .join(t.Person, col(t.Person.id) == col(t.Interest.member_id))
            .where(t.Interest.venture_id == venture_id)
            .order_by(col(t.Interest.at), col(t.Interest.id))
        ).all()
    return [DeclaredInterest(email, name, i.text, i.at) for i, email, name in rows]


def lived_experience_involvement(engine: Engine, venture_id: str) -> Involvement:
    """How people with lived experience took part in the venture's checklist at its
    current gate: who of them gave the answers that stand, how many of those are
    theirs, and who signed it off. NotFound for an unknown venture."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        return involvement_in(session, venture)


def involvement_in(
    session: Session, venture: t.Venture, people: Mapping[int | None, t.Person] | None = None
) -> Involvement:
    """`lived_experience_involvement` in a session of the caller's; `people` by id, when
    the caller has them already (else those who answered are read)."""
    givers = session.exec(
        select(t.Answer.by_id)
        .where(t.Answer.venture_id == venture.id)
        .where(t.Answer.gate_id == venture.gate_id)
        .where(col(t.Answer.is_current))
    ).all()
    standing = standing_sign_offs(session, venture)
    if people is None:
        wanted = {*givers, *(o.person_id for o in standing)}
        people = {
            p.id: p for p in session.exec(select(t.Person).where(col(t.Person.id).in_(wanted)))
        }
    theirs = [people[i] for i in givers if i in people and people[i].lived_experience]
    return Involvement(
        people=tuple(sorted({p.name for p in theirs})),
        answers=len(theirs),
        of=len(givers),
        signed_off=tuple(people[o.person_id].name for o in standing),
    )
