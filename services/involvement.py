"""Who is involved in what: a person's workstreams, and the interests declared in a
venture. Reads for the pages, one or two queries each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, select

from models import queries
from models import tables as t
from models.db import read_session
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
