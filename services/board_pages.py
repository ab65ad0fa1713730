"""What the Board's pages read: the meetings and the agenda, a member's pack, and a
member's vote on a venture; and the one audited refusal of opening a vote form.

    board_overview(engine, library, email, today) -> BoardOverview
    reader_pack(engine, library, email, *, language, easy_read, today) -> BoardPack | None
    vote_view(engine, email, venture_id) -> VoteView
    refuse_vote_form(cyd, venture_id, *, member) -> None

The pack is the one the papers are made from (`services.board_pack.load_agenda` and
`governance.board_pack.pack_for`): the page, the PDF and the email say the same.
The papers are for the Board (members and chair), admins, and a member's supporter,
who reads the member's own pack (`may_view_pack`); anyone else is refused with
`PermissionDenied` (not recorded: reading a page is no attempt to act).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checklists.library import Library
from governance.board_pack import AgendaItem, BoardPack, Member, pack_for, papers_day
from governance.permissions import (
    Actor,
    Denied,
    Role,
    may_chair,
    may_clerk,
    may_view_pack,
    may_vote,
)
from governance.working_days import WEEKDAYS, WorkingCalendar
from models import queries
from models import tables as t
from models.db import read_session
from services.board_pack import audit_mark, load_agenda
from services.commands import Cyd, NotFound, PermissionDenied, record_denial
from services.people import actor_for, roles_of, supporters_of, venture_facts
from services.programme_import import current_programme
from services.rule_values import venture_interests
from services.sign_in import pages_url
from services.working_calendar import working_calendar


@dataclass(frozen=True)
class BoardOverview:
    meetings: tuple[dt.date, ...]  # from today on, soonest first
    papers_days: int  # papers go out this many working days before a meeting
    agenda: tuple[AgendaItem, ...]  # awaiting the Board, soonest vote first
    leaves: frozenset[str]  # venture ids the reader leaves (interest, or their own)
    # What the signed-in person themselves may do from the agenda (a supporter reads
    # the member's papers, never as the member): the chair's page, the clerk's.
    chairs: bool = False
    clerks: bool = False
    calendar: WorkingCalendar = WEEKDAYS

    def papers_on(self, meeting: dt.date) -> dt.date:
        return papers_day(meeting, self.papers_days, self.calendar)


@dataclass(frozen=True)
class CurrentVote:
    choice: str
    conditions: str  # the vote's reason: the conditions of "approve with conditions"
    supported_by: str | None  # the supporter's name
    at: dt.datetime


@dataclass(frozen=True)
class Supporter:
    email: str
    name: str


@dataclass(frozen=True)
class VoteView:
    venture_id: str
    title: str
    state: str
    ballot: int | None  # the open ballot's number, None when no vote is open
    vote_by: dt.datetime | None
    current: CurrentVote | None  # the member's current vote in the open ballot
    supporters: tuple[Supporter, ...]  # who may be recorded as having helped
    interests: tuple[str, ...]  # the member's own declarations in this venture
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given


def _reader(session: Session, email: str) -> t.Person:
    """The person reading the Board's papers, if the rules let them (else refused)."""
    person = queries.person_by_email(session, email)
    if person is None or not person.active:
        raise NotFound("person-not-found", email=email)
    return _reader_of(session, person, actor_for(session, person))


def _reader_of(session: Session, person: t.Person, actor: Actor) -> t.Person:
    """`_reader` for a person read already, and their `actor`."""
    helped = session.get(t.Person, person.supports_person_id) if person.supports_person_id else None
    supported = actor_for(session, helped) if helped is not None else None
    permission = may_view_pack(actor, supported=supported)
    if isinstance(permission, Denied):
        raise PermissionDenied(permission)
    if not actor.on_board and helped is not None and actor_for(session, helped).on_board:
        return helped  # a supporter reads the papers made for the member they help
    return person


def roles_and_board(engine: Engine, person: t.Person) -> tuple[frozenset[Role], bool]:
    """What the navigation asks of the person signed in (read already, at the start of
    the request), in one read: their roles (none when inactive, as
    `services.people.roles_by_email`) and whether the Board's pages are for them
    (`sees_board`)."""
    if not person.active:
        return frozenset(), False
    with read_session(engine) as session:
        actor = actor_for(session, person)
        try:
            _reader_of(session, person, actor)
        except (NotFound, PermissionDenied):
            return actor.roles, False
    return actor.roles, True


def sees_board(engine: Engine, email: str) -> bool:
    """Whether the Board's pages are for this person (the navigation's Board link)."""
    with read_session(engine) as session:
        try:
            _reader(session, email)
        except (NotFound, PermissionDenied):
            return False
    return True


def _upcoming(session: Session, today: dt.date) -> tuple[tuple[dt.date, ...], int]:
    programme = current_programme(session)
    meetings = tuple(sorted(m for m in set(programme.board.meetings) if m >= today))
    return meetings, programme.reminders.board_pack_days_before


def _member(session: Session, person: t.Person, language: str, easy_read: bool) -> Member:
    return Member(
        name=person.name,
        email=person.email,
        languages=(language,),
        easy_read=easy_read,
        is_chair="chair" in roles_of(session, person),
    )


def board_overview(engine: Engine, library: Library, email: str, today: dt.date) -> BoardOverview:
    """The coming meetings and the ventures awaiting the Board, for a reader of its papers."""
    with read_session(engine) as session:
        reader = _reader(session, email)
        meetings, days = _upcoming(session, today)
        member = _member(session, reader, "en", False)
        own = queries.person_by_email(session, email)
        actor = actor_for(session, own) if own is not None else None
        chairs = actor is not None and bool(may_chair(actor))
        clerks = actor is not None and bool(may_clerk(actor))
    agenda = load_agenda(engine, library)
    pack = pack_for(member, meetings[0] if meetings else today, agenda)
    return BoardOverview(
        meetings, days, pack.agenda, pack.leaves, chairs, clerks, working_calendar(today)
    )


def reader_pack(
    engine: Engine,
    library: Library,
    email: str,
    *,
    language: str,
    easy_read: bool,
    today: dt.date,
) -> BoardPack | None:
    """The reader's papers for the next meeting, in `language` and Easy Read or not (the
    page's); for a supporter, the papers of the member they help. None when no meeting
    is on the calendar."""
    with read_session(engine) as session:
        reader = _reader(session, email)
        meetings, _days = _upcoming(session, today)
        member = _member(session, reader, language, easy_read)
    if not meetings:
        return None
    agenda = load_agenda(engine, library)
    return pack_for(member, meetings[0], agenda, site=pages_url(), audit=audit_mark(engine))


def vote_view(engine: Engine, email: str, venture_id: str) -> VoteView:
    """The member's vote on the venture as the vote page shows it."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=email)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        open_ballot = (
            ballot if ballot is not None and not queries.ballot_decided(session, ballot) else None
        )
        current = None
        if open_ballot is not None and person.id is not None:
            row = queries.current_vote(
                session, venture.id, venture.gate_id, open_ballot.number, person.id
            )
            if row is not None:
                helper = session.get(t.Person, row.supported_by_id) if row.supported_by_id else None
                current = CurrentVote(
                    row.choice, row.reason or "", helper.name if helper else None, row.at
                )
        own = session.exec(
            select(t.Interest.text)
            .where(t.Interest.venture_id == venture.id)
            .where(t.Interest.member_id == person.id)
            .order_by(col(t.Interest.at))
        ).all()
        return VoteView(
            venture_id=venture.id,
            title=venture.title,
            title_lang=venture.title_lang,
            title_other=venture.title_other,
            state=venture.state,
            ballot=open_ballot.number if open_ballot else None,
            vote_by=open_ballot.deadline if open_ballot else None,
            current=current,
            supporters=tuple(Supporter(s.email, s.name) for s in supporters_of(session, person)),
            interests=tuple(own),
        )


def refuse_vote_form(cyd: Cyd, venture_id: str, *, member: str) -> None:
    """Opening the vote form is an attempt to vote: if the rules refuse the member's
    vote, the refusal is recorded (a `Denial` and an audit entry, as the vote command
    records one) and raised as `PermissionDenied`; else nothing happens."""
    with read_session(cyd.engine) as session:
        person = queries.person_by_email(session, member)
        venture = session.get(t.Venture, venture_id)
        if person is None or not person.active or venture is None:
            return
        permission = may_vote(
            actor_for(session, person),
            venture_facts(session, venture),
            venture_interests(session, venture.id),
        )
    if isinstance(permission, Denied):
        record_denial(cyd.engine, "board.vote", person.email, venture_id, permission, cyd.clock())
