"""A venture's Easy Read summary: written by its lead, checked by a co-producer, and
read on the first page of the Easy Read Board pack once a co-producer agreed to it.

    write_summary(cyd, venture_id, text, by=..., lang=None)   a new summary, in force
    check_summary(cyd, venture_id, agreed, note=None, by=...) "it says it right", or not
    summary_for(session, venture_id) -> Summary | None          the one in force, its state

Each rewrite is a new row (`EasyReadSummary`); the newest is in force, so a summary
written after an agreement waits for a new check. The rules are in governance: who
may write and check (`permissions.may_write_summary`, `may_check_summary`) and the
Easy Read bounds (`easy_read.summary_problem`: at most `SUMMARY_MAX_WORDS` words, each
sentence at most `MAX_WORDS`). A refusal is recorded and raised like any command's.

Messages, in each person's language and format: the venture's co-producers (its
workstream's members other than its lead, and not the writer) are told a summary waits
for their check (`summary-to-check`); the lead is told when a co-producer asks for
changes (`summary-changes`). The summary is stored in the language it was written in
(`lang`, the writer's own by default); its other language is not made here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.easy_read import summary_problem
from governance.permissions import deny, may_check_summary, may_write_summary
from models import audit
from models import tables as t
from models.db import read_session
from notifications.tell import tell
from services.commands import (
    CommandError,
    Cyd,
    NotFound,
    Outcome,
    _check,
    _command,
    _person,
    _venture,
)
from services.free_text import SUMMARY, request_text
from services.people import actor_for, venture_facts, workstream_people
from services.sign_in import pages_url
from services.titles import venture_ref

WRITTEN = "summary.written"  # audit actions
CHECKED = "summary.checked"
WRITE = "summary.write"  # the commands, as a refusal names them
CHECK = "summary.check"
TO_CHECK_EVENT = "venture.summary-to-check"  # notifications/templates/*/*/summary-to-check.j2
CHANGES_EVENT = "venture.summary-changes"  # ... summary-changes.j2
LANGUAGES = ("en", "cy")

State = Literal["waiting", "agreed", "changes"]


@dataclass(frozen=True)
class Summary:
    """The summary in force and its state: waiting for a check, agreed, changes asked."""

    venture_id: str
    lang: str
    text: str
    written_by: str  # email
    written_by_name: str
    written_at: dt.datetime
    state: State
    checked_by: str | None = None  # email
    checked_by_name: str | None = None
    checked_at: dt.datetime | None = None
    note: str | None = None  # what to change

    @property
    def agreed(self) -> bool:
        return self.state == "agreed"

    def as_json(self) -> dict[str, Any]:
        return {
            "venture": self.venture_id,
            "lang": self.lang,
            "text": self.text,
            "state": self.state,
            "written_by": self.written_by,
            "written_at": self.written_at.isoformat(),
            "checked_by": self.checked_by,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "note": self.note,
        }


def summary_url(venture_id: str) -> str:
    """Where the summary is read, written and checked: the venture's page, at its section."""
    return f"{pages_url()}/ventures/{venture_id}#easy-read-summary"


def tidy(text: str) -> str:
    """The summary as stored: each line's white space squashed, blank lines dropped (a
    line is a sentence's end too: `easy_read.sentences`)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def newest(session: Session, venture_id: str) -> t.EasyReadSummary | None:
    return session.exec(
        select(t.EasyReadSummary)
        .where(t.EasyReadSummary.venture_id == venture_id)
        .order_by(col(t.EasyReadSummary.id).desc())
    ).first()


def summary_for(session: Session, venture_id: str) -> Summary | None:
    """The summary in force (the newest written) and its state; None when none is."""
    row = newest(session, venture_id)
    if row is None:
        return None
    writer = session.get(t.Person, row.written_by)
    checker = session.get(t.Person, row.checked_by) if row.checked_by is not None else None
    state: State = (
        "waiting" if row.verdict is None else "agreed" if row.verdict == "agreed" else "changes"
    )
    return Summary(
        venture_id=row.venture_id,
        lang=row.lang,
        text=row.text,
        written_by=writer.email if writer else "",
        written_by_name=writer.name if writer else "",
        written_at=row.written_at,
        state=state,
        checked_by=checker.email if checker else None,
        checked_by_name=checker.name if checker else None,
        checked_at=row.checked_at,
        note=row.check_note,
    )


def agreed_summary(session: Session, venture_id: str) -> Summary | None:
    """The summary in force if a co-producer agreed to it (what the Easy Read pack reads)."""
    found = summary_for(session, venture_id)
    return found if found is not None and found.agreed else None


def co_producers(session: Session, venture: t.Venture) -> list[t.Person]:
    """The venture's co-producers: its workstream's active members other than its lead."""
    return [
        p
        for p in workstream_people(session, venture.workstream_id)
        if p.active and p.id != venture.lead_id
    ]


def write_summary(
    cyd: Cyd, venture_id: str, text: str, *, by: str, lang: str | None = None
) -> Outcome:
    """A new summary of the venture, in force at once and waiting for a co-producer's
    check; in `lang`, or the writer's own language."""
    text = tidy(text)
    problem = summary_problem(text)
    if problem is not None:
        raise CommandError(problem.code, **problem.params)
    if lang is not None and lang not in LANGUAGES:
        raise CommandError("summary-language-unknown", given=lang)
    now = cyd.clock()
    with _command(cyd, WRITE, by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_write_summary(actor_for(session, person), venture_facts(session, venture)))
        assert person.id is not None
        written_in = lang or (person.language if person.language in LANGUAGES else "en")
        session.add(
            t.EasyReadSummary(
                venture_id=venture.id,
                lang=written_in,
                text=text,
                written_by=person.id,
                written_at=now,
            )
        )
        # Its other language comes through the translators, as any text a person
        # writes (services.free_text): the Easy Read papers in that language show it.
        request_text(session, venture.id, SUMMARY, person, text, now, lang=written_in)
        entry = audit.append(
            session, person.email, WRITTEN, venture.id, {"lang": written_in, "text": text}, at=now
        )
        told = [p for p in co_producers(session, venture) if p.id != person.id]
        tell(
            session,
            told,
            TO_CHECK_EVENT,
            {
                "event": "summary-to-check",
                "venture": venture_ref(session, venture),
                "state": venture.state,
                "group": True,
                "audit_seq": entry.seq,
                "audit_head": entry.hash,
                "written_by": {"name": person.name},
                "link": summary_url(venture.id),
            },
            key=f"audit:{entry.seq}",
            venture_id=venture.id,
            gate_id=venture.gate_id,
        )
    return Outcome(
        venture_id,
        "Easy Read summary written: a co-producer checks it next",
        None,
        details={"summary": {"lang": written_in, "state": "waiting"}},
    )


def check_summary(
    cyd: Cyd, venture_id: str, agreed: bool, note: str | None = None, *, by: str
) -> Outcome:
    """A co-producer's check of the summary in force: it says it right, or what to
    change (a note, which "changes" needs). Once checked, the next check is of a new
    summary."""
    note = " ".join((note or "").split()) or None
    if not agreed and note is None:
        raise CommandError("summary-note-missing")
    now = cyd.clock()
    with _command(cyd, CHECK, by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        row = newest(session, venture.id)
        if row is None:
            raise CommandError("summary-not-found", venture=venture.id)
        writer = session.get(t.Person, row.written_by)
        facts = venture_facts(session, venture)
        _check(may_check_summary(actor_for(session, person), facts, writer.email if writer else ""))
        if row.verdict is not None:
            _check(deny("summary-checked-already"))
        verdict = "agreed" if agreed else "changes"
        row.checked_by, row.checked_at, row.verdict = person.id, now, verdict
        row.check_note = None if agreed else note
        session.add(row)
        payload: dict[str, Any] = {"verdict": verdict}
        if not agreed:
            payload["note"] = note
        entry = audit.append(session, person.email, CHECKED, venture.id, payload, at=now)
        lead = session.get(t.Person, venture.lead_id)
        if not agreed and lead is not None:
            tell(
                session,
                [lead],
                CHANGES_EVENT,
                {
                    "event": "summary-changes",
                    "venture": venture_ref(session, venture),
                    "state": venture.state,
                    "group": False,
                    "audit_seq": entry.seq,
                    "audit_head": entry.hash,
                    "checked_by": {"name": person.name},
                    "note": note,
                    "link": summary_url(venture.id),
                },
                key=f"audit:{entry.seq}",
                venture_id=venture.id,
                gate_id=venture.gate_id,
            )
    said = "agreed: it goes into the Easy Read pack" if agreed else "changes asked of the lead"
    return Outcome(venture_id, f"Easy Read summary {said}", None, details={"verdict": verdict})


@dataclass(frozen=True)
class SummaryView:
    """What a venture's page shows of its summary to one person, and the forms the rules
    let them use now (asked of the rules here, never of the page)."""

    summary: Summary | None
    may_write: bool
    may_check: bool


def summary_view(engine: Engine, venture_id: str, email: str) -> SummaryView:
    """The summary in force, and whether `email` may write one, or check this one."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        person = session.exec(select(t.Person).where(t.Person.email == email)).first()
        if venture is None or person is None or not person.active:
            raise NotFound("venture-not-found", venture=venture_id)
        found = summary_for(session, venture_id)
        actor = actor_for(session, person)
        facts = venture_facts(session, venture)
        may_write = bool(may_write_summary(actor, facts))
        may_check = (
            found is not None
            and found.state == "waiting"
            and bool(may_check_summary(actor, facts, found.written_by))
        )
    return SummaryView(found, may_write, may_check)
