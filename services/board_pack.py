"""Board papers: read the agenda, make each member's pack, file it, and send it once.

`meeting_to_prepare(engine, today)` is the meeting whose papers are due (the next
one on the programme's calendar whose papers day, `board_pack_days_before` working days
before it, has come); `today` is the programme's local day (`local_day(now)`, in
`CYD_TIMEZONE`), as the calendar's.
`load_agenda(engine, library)` reads the ventures awaiting the Board (an open ballot
at their current gate) as `governance.board_pack.AgendaItem`s; `board_members`
the members as their papers are made for them (language, Easy Read). Composing is
pure (`governance.board_pack`), rendering too (`notifications.board_pack`).
`write_pack(data_dir, pack)` files a member's pack as
`<data>/board-packs/<meeting>/<email>.html` and `.pdf` (written whole or not at all),
and `record_sent(engine, meeting, sent, now)` queues one `board-papers` message per
member and channel (addressed by `notifications.tell`), keyed by the meeting (so it
goes once however often the flow runs), with one `board-papers.sent` audit entry, in
one unit of work. Each message
carries the member's PDF and HTML as attachments (paths in the data folder, read by
the relay when it sends). Each of the member's supporters (people whose `supports`
names them) is sent a copy of the same pack on each of their channels, keyed by the
meeting and the member, so it too goes once (`governance.board_pack.papers_copies`).

`prepare_packs(engine, library, ...)` does all of it without Prefect; the
`prepare_board_pack` flow runs the same steps in tasks.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from checklists.loader import Library
from governance.ballots import Choice
from governance.board_pack import (
    AgendaItem,
    AuditMark,
    BoardPack,
    EasyReadSummary,
    InterestSummary,
    Member,
    ReviewSummary,
    Words,
    agenda_item,
    meeting_due,
    pack_for,
    papers_copies,
)
from governance.lifecycle import VentureState
from governance.reasons import Reason
from models import audit, outbox, queries
from models import tables as t
from models.db import data_dir, read_session, unit_of_work, utcnow
from notifications.tell import Copy, messages_for
from services.advance import current_gate_run, pinned_checklists
from services.involvement import involvement_in
from services.local_time import local_day
from services.overview import workstream_names_in
from services.people import board_people, supporters_of
from services.programme_import import current_programme, message_languages
from services.sign_in import pages_url
from services.titles import TITLE
from services.working_calendar import working_calendar

EVENT = "board-papers"
AUDIT_ACTION = "board-papers.sent"
FOLDER = "board-packs"


@dataclass(frozen=True)
class FiledPack:
    """A member's pack, filed: paths relative to the data folder."""

    email: str
    html: str
    pdf: str
    pdf_bytes: int


@dataclass
class PackReport:
    meeting: str | None
    agenda: list[str] = field(default_factory=list)  # venture ids
    members: int = 0  # packs made
    messages: int = 0  # board-papers messages queued now (supporters' copies included)
    already_sent: list[str] = field(default_factory=list)  # members whose pack went before
    files: list[str] = field(default_factory=list)
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# --- reading -------------------------------------------------------------------------------


def meeting_to_prepare(engine: Engine, today: dt.date) -> dt.date | None:
    """The meeting whose papers are due today, if any."""
    with read_session(engine) as session:
        programme = current_programme(session)
    return meeting_due(
        programme.board.meetings,
        today,
        programme.reminders.board_pack_days_before,
        working_calendar(today),
    )


def board_members(engine: Engine) -> list[Member]:
    with read_session(engine) as session:
        return [
            Member(
                name=person.name,
                email=person.email,
                languages=message_languages(person),
                easy_read=person.format == "easy-read",
                is_chair=is_chair,
            )
            for person, is_chair in board_people(session)
        ]


def load_agenda(engine: Engine, library: Library) -> list[AgendaItem]:
    """The ventures awaiting the Board with an open ballot, as the papers sum them up."""
    with read_session(engine) as session:
        ventures = session.exec(
            select(t.Venture)
            .where(t.Venture.state == VentureState.AWAITING_BOARD.value)
            .order_by(col(t.Venture.id))
        ).all()
        names = workstream_names_in(session)
        items = (_agenda_item(session, v, library, names) for v in ventures)
        return [item for item in items if item]


def _agenda_item(
    session: Session,
    venture: t.Venture,
    library: Library,
    names: dict[str, dict[str, str]],
) -> AgendaItem | None:
    ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
    if ballot is None or queries.ballot_decided(session, ballot):
        return None
    people = {p.id: p for p in session.exec(select(t.Person))}
    lead = people[venture.lead_id]
    try:
        gate = library.gate(venture.gate_id)
        gate_words = Words(gate.title.en, gate.title.cy)
        gate_easy = Words(gate.easy_read.en, gate.easy_read.cy)
    except KeyError:
        gate_words = gate_easy = Words.same(venture.gate_id)
    reviews = [
        ReviewSummary(
            reviewer=people[r.reviewer_id].name,
            recommend=r.recommend,
            note=r.note or "",
            at=r.at,
            stale=r.stale,
        )
        for r in queries.current_reviews(session, venture.id, venture.gate_id)
    ]
    interests = [
        InterestSummary(people[i.member_id].name, people[i.member_id].email, i.text)
        for i in session.exec(select(t.Interest).where(t.Interest.venture_id == venture.id))
    ]
    agreed = session.exec(
        select(t.EasyReadSummary)
        .where(t.EasyReadSummary.venture_id == venture.id)
        .order_by(col(t.EasyReadSummary.id).desc())
    ).first()
    return agenda_item(
        # Only the summary in force, and only once a co-producer agreed to it.
        summary=EasyReadSummary(agreed.lang, agreed.text)
        if agreed is not None and agreed.verdict == "agreed"
        else None,
        involvement=involvement_in(session, venture, people),
        conditions=[
            v.reason
            for v in queries.current_votes(session, venture.id, venture.gate_id, ballot.number)
            if v.choice == Choice.APPROVE_WITH_CONDITIONS.value and v.reason and not v.stale
        ],
        venture_id=venture.id,
        title=venture.title,
        workstream=Words(**names[venture.workstream_id])
        if venture.workstream_id in names
        else Words.same(venture.workstream_id),
        lead=lead.name,
        lead_email=lead.email,
        gate=gate_words,
        gate_easy_read=gate_easy,
        ballot=ballot.number,
        vote_by=ballot.deadline,
        checklists=pinned_checklists(session, current_gate_run(session, venture)),
        answers=queries.current_answers(session, venture.id, venture.gate_id),
        reviews=reviews,
        interests=interests,
        reasons=_why_before_the_board(session, venture.id),
        translations={
            row.source_text: (row.source_lang, row.text)
            for row in session.exec(
                select(t.Translation)
                .where(t.Translation.venture_id == venture.id)
                .where(t.Translation.subject != TITLE)
                .order_by(col(t.Translation.id).desc())  # the first asked wins
            )
        },
    )


# The venture's rounds of advancing, latest first (their effects, with the reasons).
_AE = queries.table(t.AuditEntry)
_ADVANCED = (
    sa_select(_AE.c.payload)
    .where(_AE.c.venture_id == bindparam("venture"))
    .where(_AE.c.action == "venture.advanced")
    .order_by(_AE.c.seq.desc())
)


def _why_before_the_board(session: Session, venture_id: str) -> tuple[Reason, ...]:
    """The reasons of the latest round that sent the venture to the Board or ran its
    vote on (more time, no quorum), as the audit log recorded them."""
    for row in queries.rows(session, _ADVANCED, venture=venture_id):
        found = [
            Reason.from_json(reason)
            for effect in row.payload.get("effects", [])
            if effect.get("effect") == "ExtendBallot"
            or (
                effect.get("effect") == "Transition"
                and effect.get("to") == VentureState.AWAITING_BOARD.value
            )
            for reason in effect.get("reasons", [])
        ]
        if found:
            return tuple(found)
    return ()


def already_sent(engine: Engine, meeting: dt.date) -> set[str]:
    """The members whose papers for `meeting` are queued or sent already."""
    with read_session(engine) as session:
        rows = session.exec(
            select(t.Person.email)
            .join(t.OutboxMessage, col(t.OutboxMessage.person_id) == col(t.Person.id))
            .where(t.OutboxMessage.event == EVENT)
            .where(col(t.OutboxMessage.idempotency_key).in_(_keys_for(session, meeting)))
        ).all()
    return set(rows)


def _keys_for(session: Session, meeting: dt.date) -> list[str]:
    return [
        _key(channel.person_id, channel.id, meeting)
        for channel in session.exec(select(t.Channel))
        if channel.id is not None
    ]


def _key(person_id: int, channel_id: int, meeting: dt.date) -> str:
    """A member's papers for `meeting` on one channel, keyed as `record_in` queues them
    (a supporter's copy is keyed by the member too: `notifications.tell`)."""
    return outbox.idempotency_key(
        EVENT, person_id=person_id, channel_id=channel_id, discriminator=_meeting_key(meeting)
    )


def _meeting_key(meeting: dt.date) -> str:
    return f"meeting:{meeting}"


# --- filing --------------------------------------------------------------------------------


def pack_folder(data: Path, meeting: dt.date) -> Path:
    return data / FOLDER / meeting.isoformat()


def _write_whole(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_pack(data: Path, pack: BoardPack) -> FiledPack:
    """Render a member's pack and file it as HTML and PDF under the data folder."""
    from notifications.board_pack import render_html, render_pdf

    folder = pack_folder(data, pack.meeting)
    html_path = folder / f"{pack.member.email}.html"
    pdf_path = folder / f"{pack.member.email}.pdf"
    pdf = render_pdf(pack)
    _write_whole(html_path, render_html(pack).encode("utf-8"))
    _write_whole(pdf_path, pdf)
    return FiledPack(
        email=pack.member.email,
        html=html_path.relative_to(data).as_posix(),
        pdf=pdf_path.relative_to(data).as_posix(),
        pdf_bytes=len(pdf),
    )


# --- sending -------------------------------------------------------------------------------


def record_sent(
    engine: Engine,
    meeting: dt.date,
    agenda: Sequence[AgendaItem],
    filed: Iterable[FiledPack],
    now: dt.datetime,
) -> int:
    """Queue each member's `board-papers` message, and a copy for each of their
    supporters (once per meeting, member and channel), and one audit entry for those
    queued now, in one unit of work. Returns the messages queued."""
    with unit_of_work(engine) as session:
        return record_in(session, meeting, agenda, filed, now)


def record_in(
    session: Session,
    meeting: dt.date,
    agenda: Sequence[AgendaItem],
    filed: Iterable[FiledPack],
    now: dt.datetime,
) -> int:
    people = {p.email: p for p in session.exec(select(t.Person))}
    by_id = {p.id: p for p in people.values()}
    summary = [
        {"id": a.venture_id, "title": a.title, "vote_by": a.vote_by.isoformat()} for a in agenda
    ]
    # What each member's papers would queue (to them, and a copy to each supporter),
    # and which of it is new: the audit entry, which the messages name, is written
    # only when something is.
    addressed: list[tuple[FiledPack, outbox.Outgoing]] = []
    for pack in filed:
        member = people.get(pack.email)
        if member is None or member.id is None or not member.active:
            continue
        payload: dict[str, Any] = {
            "event": EVENT,
            "meeting": meeting.isoformat(),
            "agenda": summary,
            "pack": {"html": pack.html, "pdf": pack.pdf},
            "group": False,
        }
        helpers = [s.email for s in supporters_of(session, member)]
        _, *others = papers_copies(member.email, helpers)  # the member first
        messages = messages_for(
            session,
            [member],
            EVENT,
            payload,
            key=_meeting_key(meeting),
            # A supporter's own message (in their language) about the member's papers,
            # which go with it as made for the member.
            copies=[Copy(people[c.email], member) for c in others],
            # The printable PDF first: the one most people open or print.
            attachments=(pack.pdf, pack.html),
        )
        addressed += [(pack, message) for message in messages]
    there = outbox.queued_keys(session, [message.key for _, message in addressed])
    new = [(pack, message) for pack, message in addressed if message.key not in there]
    if not new:
        return 0
    entry = audit.append(
        session,
        t.SYSTEM_ACTOR,
        AUDIT_ACTION,
        None,
        {
            "meeting": meeting.isoformat(),
            "agenda": [a.venture_id for a in agenda],
            # The members whose papers went now (to them, or to a supporter).
            "members": sorted({pack.email for pack, _ in new}),
            "supporters": {
                by_id[m.person_id].email: pack.email
                for pack, m in new
                if by_id[m.person_id].email != pack.email
            },
            "files": sorted({f for pack, _ in new for f in (pack.html, pack.pdf)}),
        },
        at=now,
    )
    return outbox.enqueue_many(
        session,
        [
            replace(m, payload={**m.payload, "audit_seq": entry.seq, "audit_head": entry.hash})
            for _, m in new
        ],
    )


def audit_mark(engine: Engine) -> AuditMark | None:
    """The audit log's head now, for the papers being made (None: the log is empty)."""
    with read_session(engine) as session:
        last = audit.last_entry(session)
        return AuditMark(last.seq, last.hash) if last is not None else None


def prepare_packs(
    engine: Engine,
    library: Library,
    meeting: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    data: Path | None = None,
) -> PackReport:
    """Make, file and send the papers for `meeting` (default: the meeting due), once."""
    at = now or utcnow()
    folder = data or data_dir()
    if meeting is None:
        meeting = meeting_to_prepare(engine, local_day(at))
        if meeting is None:
            return PackReport(None, reason="no Board meeting is due for papers")
    report = PackReport(meeting.isoformat())
    agenda = load_agenda(engine, library)
    report.agenda = [a.venture_id for a in agenda]
    if not agenda:
        report.reason = "nothing awaits the Board"
        return report
    done = already_sent(engine, meeting)
    mark = audit_mark(engine)  # read after the agenda: the head covers what it shows
    filed = []
    for member in board_members(engine):
        if member.email in done:
            report.already_sent.append(member.email)
            continue
        pack = write_pack(folder, pack_for(member, meeting, agenda, site=pages_url(), audit=mark))
        filed.append(pack)
        report.files += [pack.html, pack.pdf]
    report.members = len(filed)
    report.messages = record_sent(engine, meeting, agenda, filed, at)
    return report
