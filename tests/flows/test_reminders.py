"""The reminder sweep on real records, on SQLite and PostgreSQL: only those who have
not acted are reminded, at the programme's cadence; escalation to the lead and then
the chair; an extended deadline is respected, and one moved by a day does not repeat
a step; a supporter gets a copy of each reminder (in their language, once, within
their quiet hours); a second sweep sends nothing new; the messages render; the log
replays. Then `cyd remind` (no Prefect) and the Prefect flow.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, func, select

from checklists.loader import Library, load_library
from governance.reminders import Step, occasion
from models import audit, outbox
from models import tables as t
from models.db import make_engine, read_session, unit_of_work
from models.migrate import upgrade
from notifications import mailbox
from notifications.compose import addressee, render_for
from notifications.relay import send_due
from services.commands import Cyd, declare_interest, extend, record_review, start_venture, vote
from services.history import audit_trail
from services.reminders import sweep
from services.replay import compare, replay
from services.translations import give_translation
from services.working_calendar import bank_holidays
from tests.flows import scenario
from tests.flows.scenario import (
    BOARD,
    CHAIR,
    LEAD,
    REVIEWERS,
    ROOT,
    make_cyd,
    programme_text,
)
from tests.models.conftest import Backend

ELIN, OWEN = REVIEWERS
TOM = "tom.price@example.org"  # the chair's supporter (examples/programme.yaml)
LOWRI = "lowri.parry@example.org"  # the translator
ADMIN = "admin@example.org"  # the example programme's admin
UTC = dt.UTC
WELSH = {"Community café": "Caffi cymunedol", "Garden project": "Prosiect gardd"}


def to_review(cyd: Cyd, title: str = "Community café") -> str:
    """A venture in review whose title is given in both languages: no translation waits,
    so only those the test is about are reminded (the translator's reminders have tests
    of their own, below)."""
    return scenario.to_review(cyd, title, WELSH.get(title, f"{title} (Cymraeg)"))


def to_board(cyd: Cyd, title: str = "Community café") -> str:
    """As `to_review`, then both reviewers recommend: the vote is open."""
    return scenario.to_board(cyd, title, WELSH.get(title, f"{title} (Cymraeg)"))


def on(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def sent_to(report: Any) -> list[tuple[str, str, str, int]]:
    return sorted((d["kind"], d["to"], d["step"].split("@")[0], d["count"]) for d in report.details)


def messages(engine: Engine, event: str) -> list[tuple[t.OutboxMessage, t.Person]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(t.OutboxMessage, t.Person)
            .join(t.Person, col(t.Person.id) == col(t.OutboxMessage.person_id))
            .where(t.OutboxMessage.event == event)
            .order_by(col(t.OutboxMessage.id))
        ).all()
        return [(m, p) for m, p in rows]


def count_rows(engine: Engine, model: Any) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def vote_deadline(engine: Engine) -> dt.datetime:
    with read_session(engine) as session:
        return session.exec(select(t.Ballot)).one().deadline


def day_of(deadline: dt.datetime, days: int, hour: int = 10) -> dt.datetime:
    """`hour` o'clock (UTC: London in winter) `days` days from the deadline's day."""
    return dt.datetime.combine(deadline.date() + dt.timedelta(days=days), dt.time(hour), UTC)


def step_day(deadline: dt.datetime | dt.date, offset: int, hour: int = 10) -> dt.datetime:
    """`hour` o'clock (UTC) on the day of the step `offset` (working days, bank holidays
    of England and Wales skipped) of a deadline: `step_day(deadline, -1)` before a
    Monday's deadline is the Friday."""
    day = deadline.date() if isinstance(deadline, dt.datetime) else deadline
    found = occasion(Step(offset, ""), day, bank_holidays(day.year - 1, day.year + 1))
    return dt.datetime.combine(found, dt.time(hour), UTC)


def reminders_of(report: Any) -> set[tuple[str, str, int]]:
    return {(d["to"], d["step"], d["count"]) for d in report.details if d["kind"] == "reminder"}


def test_reviewers_are_reminded_on_the_cadence_then_the_lead_and_the_chair_are_told(
    engine: Engine, library: Library
) -> None:
    cyd = make_cyd(engine, library, programme_text(translators=False))
    venture_id = to_review(cyd)  # submitted Mon 2 November: reviews due
    # 14 working days on, Fri 20 November at 17:00; the steps count working days too.
    assert sweep(engine, on(10)).details == []  # Tue 10: 8 working days before

    first = sweep(engine, on(11))  # Wed 11: 7 working days before
    assert sent_to(first) == [("reminder", ELIN, "d-7", 1), ("reminder", OWEN, "d-7", 1)]
    assert (first.reminders, first.escalations, first.ventures, first.messages) == (2, 0, 1, 2)
    again = sweep(engine, on(13, hour=15))
    assert (again.reminders, again.escalations, again.messages) == (0, 0, 0)

    cyd.clock.set(on(16))  # type: ignore[attr-defined]
    record_review(cyd, venture_id, by=ELIN, recommend="go", note="Good.")
    assert sent_to(sweep(engine, on(19))) == [("reminder", OWEN, "d-1", 2)]
    assert sent_to(sweep(engine, on(20))) == [
        ("escalation", LEAD, "escalate-lead", 2),
        ("reminder", OWEN, "d0", 3),
    ]
    assert sweep(engine, on(21)).details == []  # a Saturday: nobody is reminded
    assert sent_to(sweep(engine, on(23))) == [("reminder", OWEN, "d+1", 4)]  # Monday
    assert sweep(engine, on(30)).details == []
    assert sent_to(sweep(engine, on(1, month=12))) == [  # Tue 1 December: 7 working days on
        ("escalation", CHAIR, "escalate-chair", 4),
        ("reminder", OWEN, "d+7", 5),
    ]
    for day in (1, 2, 3):
        assert sweep(engine, on(day, month=12, hour=18)).details == []

    assert count_rows(engine, t.ReminderSent) == 8
    reminders = messages(engine, "venture.reminder")
    assert [(p.email, m.payload["count"]) for m, p in reminders] == [
        (ELIN, 1),
        (OWEN, 1),
        (OWEN, 2),
        (OWEN, 3),
        (OWEN, 4),
        (OWEN, 5),
    ]
    escalations = messages(engine, "venture.escalation")
    assert [(p.email, m.payload["about"]["email"]) for m, p in escalations] == [
        (LEAD, OWEN),
        (CHAIR, OWEN),
    ]
    # Every message renders in its person's language and format.
    for message, person in reminders + escalations:
        rendered = render_for(addressee(person), message.event, message.payload)
        title = "Caffi cymunedol" if person.language == "cy" else "Community café"
        assert title in rendered.text  # the title in the reader's language
        assert rendered.languages == (person.language,)
    welsh = render_for(
        addressee(escalations[1][1]), "venture.escalation", escalations[1][0].payload
    )
    assert escalations[1][1].format == "easy-read"
    assert welsh.languages == ("cy",)
    with read_session(engine) as session:
        assert audit.verify(session).ok
        logged = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "reminders.sent")
        ).all()
    assert len(logged) == 5  # one per sweep that sent something
    assert all(e.venture_id == venture_id for e in logged)


def test_only_board_members_who_have_not_voted_are_reminded_and_an_extension_is_respected(
    engine: Engine, library: Library
) -> None:
    cyd = make_cyd(engine, library, programme_text(translators=False))
    venture_id = to_board(cyd)
    with read_session(engine) as session:
        ballot = session.exec(select(t.Ballot)).one()
    deadline = ballot.deadline  # 14 days after the papers went out
    cyd.clock.set(deadline - dt.timedelta(days=10))  # type: ignore[attr-defined]
    declare_interest(cyd, venture_id, member="sian.roberts@example.org", interest="My brother.")
    vote(cyd, venture_id, member="aled.evans@example.org", choice="approve")
    vote(cyd, venture_id, member="priya.shah@example.org", choice="more-time")

    first = sweep(engine, step_day(deadline, -7))
    # not the lead (their own venture), not the recused, not those who voted or asked for time
    assert sent_to(first) == [
        ("reminder", "david.hughes@example.org", "d-7", 1),
        ("reminder", CHAIR, "d-7", 1),
    ]
    assert set(BOARD) - {d["to"] for d in first.details} == {
        LEAD,
        "sian.roberts@example.org",
        "aled.evans@example.org",
        "priya.shah@example.org",
    }

    # The chair gives two more weeks: the old deadline's reminders never come.
    cyd.clock.set(deadline - dt.timedelta(days=5))  # type: ignore[attr-defined]
    later = (deadline + dt.timedelta(days=14)).date()
    extend(cyd, venture_id, until=later, by=CHAIR, reason="The meeting moved.")
    for days in (-1, 0, 1, 3):
        assert sweep(engine, deadline + dt.timedelta(days=days)).details == [], days
    again = sweep(engine, step_day(later, -7))
    assert sent_to(again) == [
        ("reminder", "david.hughes@example.org", "d-7", 2),
        ("reminder", CHAIR, "d-7", 2),
    ]
    assert all(d["step"].endswith(later.isoformat()) for d in again.details)


WAITING = (  # the Board members who vote on the venture: all but its lead
    "aled.evans@example.org",
    "david.hughes@example.org",
    CHAIR,
    "priya.shah@example.org",
    "sian.roberts@example.org",
)


def test_a_vote_moved_by_a_day_is_not_reminded_again_the_next_day(
    engine: Engine, library: Library
) -> None:
    cyd = make_cyd(engine, library, programme_text(translators=False))
    venture_id = to_board(cyd)
    deadline = vote_deadline(engine)  # Fri 20 November
    first_day = step_day(deadline, -7)  # Wed 11 November
    first = sweep(engine, first_day)
    old_step = f"d-7@{deadline.date().isoformat()}"
    assert reminders_of(first) == {(who, old_step, 1) for who in WAITING}
    # The next morning the vote is given one more working day: "d-7" of the new
    # deadline is a new key, due at once, but they had that step yesterday.
    cyd.clock.set(first_day + dt.timedelta(days=1, hours=-2))  # type: ignore[attr-defined]
    later = step_day(deadline, 1).date()  # a Friday's deadline moves to the Monday
    extend(cyd, venture_id, until=later, by=CHAIR, reason="The room is free a day later.")
    new_d1 = step_day(later, -1)  # the working day before the new deadline: the old one
    assert new_d1.date() == deadline.date()
    day = first_day + dt.timedelta(days=1)
    while day < new_d1:
        assert sweep(engine, day).details == [], day
        day += dt.timedelta(days=1)
    found = sweep(engine, new_d1)
    assert reminders_of(found) == {(who, f"d-1@{later.isoformat()}", 2) for who in WAITING}
    assert count_rows(engine, t.ReminderSent) == 2 * len(WAITING)


def test_the_time_each_reminder_was_sent_is_read_back(engine: Engine, library: Library) -> None:
    # "d-7" went late, two days before the deadline (Wed 18 November; no sweep ran for
    # days). The vote is then given a week more, to Fri 27: the new "d-7" falls on Thu 19,
    # a working day after the last reminder, so it waits. Only the recorded time says
    # so: the step's own day (Wed 11, seven working days before the first deadline) is
    # six working days before.
    cyd = make_cyd(engine, library, programme_text(translators=False))
    venture_id = to_board(cyd)
    deadline = vote_deadline(engine)
    late = sweep(engine, day_of(deadline, -2))
    assert reminders_of(late) == {(w, f"d-7@{deadline.date().isoformat()}", 1) for w in WAITING}
    cyd.clock.set(day_of(deadline, -2, hour=15))  # type: ignore[attr-defined]
    later = deadline.date() + dt.timedelta(days=7)
    extend(cyd, venture_id, until=later, by=CHAIR, reason="The papers were late.")
    for days in range(-1, 6):
        assert sweep(engine, day_of(deadline, days)).details == [], days
    found = sweep(engine, day_of(deadline, 6))  # Thu 26: the new "d-1"
    assert reminders_of(found) == {(who, f"d-1@{later.isoformat()}", 2) for who in WAITING}


def test_a_supporter_gets_a_copy_of_each_reminder_once_in_their_own_language(
    engine: Engine, library: Library
) -> None:
    cyd = make_cyd(engine, library, programme_text(translators=False))
    venture_id = to_board(cyd)
    deadline = vote_deadline(engine)
    first = sweep(engine, step_day(deadline, -7))
    assert (first.reminders, first.copies, first.messages) == (5, 1, 6)
    assert {d["to"]: d.get("copies") for d in first.details} == {
        who: [TOM] if who == CHAIR else None for who in WAITING
    }
    again = sweep(engine, step_day(deadline, -7, hour=16))
    assert (again.reminders, again.copies, again.messages) == (0, 0, 0)
    for days in (-1, 0):
        sweep(engine, step_day(deadline, days))  # d-1, then d0 with escalations to the chair

    to_tom = [(m, p) for m, p in messages(engine, "venture.reminder") if p.email == TOM]
    assert [m.payload["count"] for m, _ in to_tom] == [1, 2, 3]  # one copy of each reminder
    assert {m.payload["supporting"]["email"] for m, _ in to_tom} == {CHAIR}
    assert {(m.language, m.format) for m, _ in to_tom} == {("cy", "standard")}  # Tom's own
    assert [p.email for _, p in messages(engine, "venture.escalation")] == [CHAIR] * 4
    with read_session(engine) as session:
        tom = session.exec(select(t.Person).where(t.Person.email == TOM)).one()
        megan = session.exec(select(t.Person).where(t.Person.email == CHAIR)).one()
        # The copy is Tom's, about Megan; Megan's own reminder is hers (Easy Read).
        copy = render_for(addressee(tom), "venture.reminder", to_tom[0][0].payload)
        assert copy.subject.startswith("Copi o nodyn atgoffa ar gyfer Megan Lloyd")
        assert "Rydych chi'n cael y copi hwn achos eich bod chi'n cefnogi Megan Lloyd" in (
            copy.text
        )
        [own] = [m for m, p in messages(engine, "venture.reminder") if p.email == CHAIR][:1]
        assert "supporting" not in own.payload
        mine = render_for(addressee(megan), "venture.reminder", own.payload)
        assert mine.format == "easy-read"
        assert "Copi" not in mine.text
        logged = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "reminders.sent")
        ).all()
    to_chair = Counter(
        (d["kind"], tuple(d.get("copies", ())))
        for e in logged
        for d in e.payload["sent"]
        if d["to"] == CHAIR
    )
    # Her reminders (d-7, d-1, d0) carry the copy; her escalations about the others none.
    assert to_chair == {("reminder", (TOM,)): 3, ("escalation", ()): 4}
    # A supporter who has left the programme gets no more copies; the person still does.
    with unit_of_work(engine) as session:
        tom = session.exec(select(t.Person).where(t.Person.email == TOM)).one()
        tom.active = False
        session.add(tom)
    after = sweep(engine, step_day(deadline, 1))
    assert (after.reminders, after.copies) == (5, 0)
    assert len([p for _, p in messages(engine, "venture.reminder") if p.email == TOM]) == 3
    assert venture_id


def test_a_supporters_copy_waits_for_the_end_of_their_quiet_hours(
    engine: Engine, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    supports = "    supports: megan.lloyd@example.org\n"
    text = programme_text()
    assert supports in text
    text = text.replace(supports, supports + '    quiet_hours: {from: "21:00", to: "08:00"}\n')
    cyd = make_cyd(engine, library, text)
    to_board(cyd)
    deadline = vote_deadline(engine)
    night = step_day(deadline, -7, hour=22)  # London is on UTC in winter
    # Messages are queued due at once: at the sweep's time, not the machine's.
    monkeypatch.setattr(outbox, "utcnow", lambda: night)
    assert sweep(engine, night).copies == 1
    send_due(engine, now=night + dt.timedelta(minutes=30), limit=500)
    assert mailbox.messages("megan.lloyd")  # hers went (she has no quiet hours)
    assert mailbox.messages("tom.price") == []
    [(row, _)] = [(m, p) for m, p in messages(engine, "venture.reminder") if p.email == TOM]
    assert row.status == "pending"
    assert row.attempts == 0
    morning = night + dt.timedelta(hours=10)
    assert row.next_attempt_at == morning
    send_due(engine, now=morning, limit=500)
    [sent] = mailbox.messages("tom.price")
    assert "Megan Lloyd" in str(sent["Subject"])


def test_a_lead_with_an_answers_deadline_is_reminded_and_the_chair_told(
    engine: Engine, library: Library
) -> None:
    cyd = make_cyd(engine, library)
    venture_id = start_venture(
        cyd,
        workstream="day-opportunities",
        title="Garden project",
        lead=LEAD,
        title_other=WELSH["Garden project"],
    ).venture_id
    assert sweep(engine, on(20)).details == []  # no deadline for the answers: no reminder
    extend(cyd, venture_id, until=dt.date(2026, 11, 30), by=LEAD, reason="Time to meet people.")
    steps = []
    for day in range(21, 41):  # 21 November to 10 December
        steps += sent_to(sweep(engine, on(21) + dt.timedelta(days=day - 21)))
    assert steps == [
        ("reminder", LEAD, "d-7", 1),
        ("reminder", LEAD, "d-1", 2),
        ("reminder", LEAD, "d0", 3),
        ("reminder", LEAD, "d+1", 4),
        ("escalation", CHAIR, "escalate-chair", 4),  # nobody above the lead but the chair
        ("reminder", LEAD, "d+7", 5),
    ]


def test_a_programme_sets_the_cadence(engine: Engine, library: Library) -> None:
    text = programme_text(
        reminders="before_deadline_days: [3]\nafter_deadline_days: []\nescalate_after: 1",
        translators=False,
    )
    cyd = make_cyd(engine, library, text)
    to_review(cyd)  # reviews due Fri 20 November (14 working days)
    assert sweep(engine, on(16)).details == []
    assert sent_to(sweep(engine, on(17))) == [
        ("reminder", ELIN, "d-3", 1),
        ("reminder", OWEN, "d-3", 1),
    ]
    assert sweep(engine, on(30)).details == []  # no step after the deadline


def test_the_reminders_replay_from_the_audit_log(library: Library, tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade(source)
    backend = Backend("sqlite", str(source.url), source)
    cyd = make_cyd(backend.engine, library)
    venture_id = to_review(cyd)  # reviews due Fri 20 November
    sweep(backend.engine, on(11))
    cyd.clock.set(on(16))  # type: ignore[attr-defined]
    record_review(cyd, venture_id, by=ELIN, recommend="go")
    for day in (20, 27):
        sweep(backend.engine, on(day))
    target = make_engine(f"sqlite:///{tmp_path / 'replayed.db'}")
    try:
        upgrade(target)
        result = replay(backend.engine, target, library)
        assert result.ok, "\n".join(result.problems)
        assert compare(backend.engine, target) == []
        assert count_rows(target, t.ReminderSent) == count_rows(backend.engine, t.ReminderSent)
        with read_session(target) as session, read_session(source) as original:
            assert audit.head(session) == audit.head(original)
    finally:
        target.dispose()
        source.dispose()


def test_reminders_with_copies_and_a_moved_vote_replay_from_the_audit_log(
    library: Library, tmp_path: Path
) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade(source)
    cyd = make_cyd(source, library)
    venture_id = to_board(cyd)
    deadline = vote_deadline(source)
    assert sweep(source, step_day(deadline, -7)).copies == 1
    cyd.clock.set(step_day(deadline, -7, hour=8) + dt.timedelta(days=1))  # type: ignore[attr-defined]
    later = step_day(deadline, 1).date()  # one working day later
    extend(cyd, venture_id, until=later, by=CHAIR, reason="Room.")
    for moment in (step_day(later, -7), step_day(later, -1), step_day(later, 0)):
        sweep(source, moment)
    target = make_engine(f"sqlite:///{tmp_path / 'replayed.db'}")
    try:
        upgrade(target)
        result = replay(source, target, library)
        assert result.ok, "\n".join(result.problems)
        assert compare(source, target) == []  # the copies in the outbox too
        copies = [m for m, p in messages(target, "venture.reminder") if p.email == TOM]
        assert [m.payload["count"] for m in copies] == [1, 2, 3]
    finally:
        target.dispose()
        source.dispose()


# --- translations -------------------------------------------------------------------------------


def start_untranslated(cyd: Cyd) -> tuple[str, int]:
    """A venture started on Mon 2 November, its title in English only: its Welsh title is
    asked of the translators, due three working days on (Thu 5 November, 17:00). Its
    answers have no deadline, so only the translator is waited on."""
    cyd.clock.set(on(2, hour=9))  # type: ignore[attr-defined]
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    with read_session(cyd.engine) as session:
        row = session.exec(select(t.Translation)).one()
    assert row.due_at == dt.datetime(2026, 11, 5, 17, tzinfo=UTC)
    assert row.id is not None
    return venture_id, row.id


def test_a_translator_is_reminded_once_per_step_until_the_translation_is_given(
    engine: Engine, library: Library
) -> None:
    # The `wait` policy holds messages to Welsh readers until the Welsh title is given:
    # never the translator's own reminder of it, which would then never come.
    text = programme_text().replace("messages: resend", "messages: wait")
    cyd = make_cyd(engine, library, text)
    venture_id, translation_id = start_untranslated(cyd)
    first = sweep(engine, on(2, hour=10))  # the day it was asked for: the step due is d-7
    assert sent_to(first) == [("reminder", LOWRI, "d-7", 1)]  # nobody but the translator
    assert sweep(engine, on(2, hour=15)).details == []  # once per step
    assert sweep(engine, on(3)).details == []
    assert sent_to(sweep(engine, on(4))) == [("reminder", LOWRI, "d-1", 2)]
    assert sweep(engine, on(4, hour=16)).details == []
    with read_session(engine) as session:
        rows = session.exec(select(t.ReminderSent).order_by(col(t.ReminderSent.id))).all()
        venture = session.get(t.Venture, venture_id)
        lowri = session.exec(select(t.Person).where(t.Person.email == LOWRI)).one()
        assert venture is not None
        # Keyed: the venture's current gate, the translation's id as the ballot.
        assert {(r.gate_id, r.ballot, r.person_id, r.action) for r in rows} == {
            (venture.gate_id, translation_id, lowri.id, "translate")
        }
        logged = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "reminders.sent")
        ).all()
        assert [d["translation"] for e in logged for d in e.payload["sent"]] == [
            {"subject": "venture-title", "language": "cy"}
        ] * 2
        assert audit.verify(session).ok
    reminders = messages(engine, "venture.reminder")
    assert [p.email for _, p in reminders] == [LOWRI, LOWRI]
    message, person = reminders[0]
    # Not held for the translation (a held one waits until it is due, Thu 5 at 17:00).
    assert "held_until" not in message.payload["venture"]
    assert message.next_attempt_at != dt.datetime(2026, 11, 5, 17, tzinfo=UTC)
    rendered = render_for(addressee(person), message.event, message.payload)
    assert rendered.languages == ("cy",)  # Lowri reads Welsh
    assert "Mae teitl y fenter “Community café” yn Saesneg yn unig" in rendered.text
    assert "erbyn 5 y.h. ddydd Iau 5 Tachwedd 2026" in rendered.text
    assert f"cyd translate give {translation_id}" in rendered.text
    assert "/translations" in rendered.text

    # Given on the day: no more reminders, and hers are not sent again with the title.
    cyd.clock.set(on(5, hour=9))  # type: ignore[attr-defined]
    give_translation(cyd, translation_id, "Caffi cymunedol", by=LOWRI)
    for day in (5, 6, 9, 16, 30):
        assert sweep(engine, on(day)).details == [], day
    assert [p.email for _, p in messages(engine, "venture.reminder")] == [LOWRI, LOWRI]


def test_an_overdue_translation_is_told_to_the_admins_once_and_replays(
    library: Library, tmp_path: Path
) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade(source)
    cyd = make_cyd(source, library)
    venture_id, _ = start_untranslated(cyd)
    found = []
    for day in range(2, 21):  # 2 to 20 November
        found += sent_to(sweep(source, on(day)))
    assert found == [
        ("reminder", LOWRI, "d-7", 1),
        ("reminder", LOWRI, "d-1", 2),
        ("reminder", LOWRI, "d0", 3),  # on the day: still in time, nobody else told
        ("escalation", ADMIN, "escalate-admin", 3),  # Fri 6: overdue
        ("reminder", LOWRI, "d+1", 4),
        ("reminder", LOWRI, "d+7", 5),  # Mon 16: seven working days on; told once only
    ]
    [(message, admin)] = messages(source, "venture.escalation")
    assert admin.email == ADMIN
    assert message.payload["translators"] == [{"name": "Lowri Parry", "email": LOWRI}]
    rendered = render_for(addressee(admin), message.event, message.payload)
    assert "Community café" in rendered.text
    assert "Lowri Parry" in rendered.text
    # The venture's history says so, in each language and format.
    trail = audit_trail(source, venture_id)
    reminded = next(e for e in trail if e.code == "reminder-sent")
    told = next(e for e in trail if e.code == "escalation-sent")
    assert reminded.words("en", False, UTC).startswith(
        "Lowri Parry was reminded to translate the venture's title by "
    )
    assert reminded.words("cy", True, UTC).startswith(
        "Fe wnaethon ni atgoffa Lowri Parry i gyfieithu enw'r gwaith erbyn "
    )
    assert told.words("cy", False, UTC).startswith(
        "Dywedwyd wrth Programme Office nad yw teitl y fenter wedi cael ei gyfieithu eto"
    )
    assert told.words("en", True, UTC) == (
        "We told Programme Office that the name of the work is not translated yet."
    )
    target = make_engine(f"sqlite:///{tmp_path / 'replayed.db'}")
    try:
        upgrade(target)
        result = replay(source, target, library)
        assert result.ok, "\n".join(result.problems)
        assert compare(source, target) == []
        assert count_rows(target, t.ReminderSent) == 6
    finally:
        target.dispose()
        source.dispose()


# --- cyd remind --------------------------------------------------------------------------------

_RUN = """
import sys
from cli.main import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code or 0
sys.stderr.write("prefect imported" if "prefect" in sys.modules else "no prefect")
raise SystemExit(code)
"""


def _cyd(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CYD_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cyd_remind_runs_one_sweep_without_prefect(backend: Backend, library: Library) -> None:
    cyd = make_cyd(backend.engine, library, programme_text(translators=False))
    to_review(cyd)
    # Reviews due Fri 20 November: "d-7" on Wed 11 (seven working days before).
    run = _cyd(backend.url, "remind", "--json", "--now", "2026-11-11T10:00:00+00:00")
    assert run.returncode == 0, run.stderr
    assert run.stderr.endswith("no prefect")
    report = json.loads(run.stdout)
    assert (report["reminders"], report["escalations"], report["messages"]) == (2, 0, 2)
    assert report["copies"] == 0  # neither reviewer has a supporter
    again = _cyd(backend.url, "remind", "--now", "2026-11-11T11:00:00Z")
    assert again.returncode == 0, again.stderr
    assert "Reminders: 0 sent" in again.stdout
    bad = _cyd(backend.url, "remind", "--now", "tomorrow")
    assert bad.returncode != 0
    assert "not an ISO 8601" in bad.stderr


# --- the Prefect flow ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_send_reminders_flow_sends_each_reminder_once(
    flows_use: Engine, library: Library
) -> None:
    from flows.reminders import send_reminders

    cyd: Cyd = make_cyd(flows_use, library, programme_text(translators=False))
    to_review(cyd)
    # Reviews due Fri 20 November (14 working days from Mon 2 November): "d-7" on Wed 11
    # (seven working days before).
    first = asyncio.run(send_reminders(on(11)))
    assert first == {
        "ventures": 1,
        "reminders": 2,
        "escalations": 0,
        "copies": 0,
        "messages": 2,
    }
    second = asyncio.run(send_reminders(on(11, hour=11)))
    assert second == {
        "ventures": 0,
        "reminders": 0,
        "escalations": 0,
        "copies": 0,
        "messages": 0,
    }
    assert count_rows(flows_use, t.ReminderSent) == 2


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_backlog_is_sent_in_batches_each_venture_once(
    flows_use: Engine, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.reminders as flow_module

    monkeypatch.setattr(flow_module, "BATCH", 2)
    cyd: Cyd = make_cyd(flows_use, library, programme_text(translators=False))
    for title in ("Café", "Garden", "Library"):
        to_review(cyd, title)
    first = asyncio.run(flow_module.send_reminders(on(11)))  # "d-7" of Fri 20 November
    assert first == {
        "ventures": 3,
        "reminders": 6,
        "escalations": 0,
        "copies": 0,
        "messages": 6,
    }
    assert asyncio.run(flow_module.send_reminders(on(11)))["reminders"] == 0


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_send_reminders_flow_reminds_the_translator_once(
    flows_use: Engine, library: Library
) -> None:
    from flows.reminders import send_reminders

    cyd: Cyd = make_cyd(flows_use, library)
    _, translation_id = start_untranslated(cyd)  # the Welsh title due Thu 5 November
    first = asyncio.run(send_reminders(on(4)))  # Wed 4: its "d-1"
    assert first == {
        "ventures": 1,
        "reminders": 1,
        "escalations": 0,
        "copies": 0,
        "messages": 1,
    }
    assert asyncio.run(send_reminders(on(4, hour=11)))["reminders"] == 0
    with read_session(flows_use) as session:
        [row] = session.exec(select(t.ReminderSent)).all()
    assert (row.action, row.ballot, row.step) == ("translate", translation_id, "d-1@2026-11-05")
