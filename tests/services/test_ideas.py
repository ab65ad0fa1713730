"""Ideas from anyone (services/ideas.py), on SQLite and PostgreSQL: the whole route
from a local person's idea to a venture in the same gates, with a reply every time
through a real SMTP server on loopback; an officer recording an idea on a group's
behalf; triage, answers and their checks; supports; moderation and the public list;
withdrawal and erasure (the audit log never holds contact details); the sweep's
reminders, escalation past the promise, "you said, we did" updates and retention."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from notifications.relay import send_due
from services import idea_files, ideas
from services.commands import CommandError, Cyd, NotFound, PermissionDenied, submit
from services.examples import answer_missing
from services.idea_files import Upload
from services.programme_import import import_programme, parse_programme
from tests.notifications.conftest import SmtpServer, smtp  # noqa: F401  (a fixture)
from tests.services.test_commands import ROOT, Clock
from tests.services.test_replay import target  # noqa: F401  (a fixture)

ADMIN = "admin@example.org"  # an admin: triages and moderates
LEAD = "gareth.jones@example.org"  # leads day-opportunities
NIA = "nia.morgan@example.org"  # a co-producer in the programme
TOM = "tom.price@example.org"  # in the programme, with no role
CLERK = "bethan.rees@example.org"
STREAM = "day-opportunities"
PROPOSER = "carys.local@example.net"
PHONE = "029 2000 0000"
NAME = "Carys Local"


@pytest.fixture
def cyd(
    engine: Engine,
    library: Library,
    smtp: SmtpServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Cyd:
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "data"))  # where an idea's files go
    path = ROOT / "examples" / "programme.yaml"
    text = path.read_text(encoding="utf-8")
    channel = smtp.url("placeholder@example.org")
    for was, now in (
        ('reply_channel: "mailbox://ideas-replies"', f'reply_channel: "{channel}"'),
        ("answer_days: 20", "answer_days: 10"),
        ("keep_contact_days: 365", "keep_contact_days: 30"),
    ):
        assert was in text
        text = text.replace(was, now)
    programme = parse_programme(text, "programme.yaml", library=library)
    clock = Clock()
    import_programme(engine, programme, text, ADMIN, at=clock())
    return Cyd(engine, library, clock=clock)


def welsh_easy_read_idea(**changes: Any) -> ideas.NewIdea:
    values: dict[str, Any] = {
        "what": "Caffi yn y parc, wedi'i redeg gan bobl sy'n defnyddio gwasanaethau dydd",
        "why": "Mae pobl eisiau gwaith go iawn",
        "who_helps": "Pobl ag anabledd dysgu",
        "lang": "cy",
        "contact_name": NAME,
        "contact_email": PROPOSER,
        "contact_phone": PHONE,
        "consent_contact": True,
        "consent_publish": True,
        "reply_language": "cy",
        "reply_format": "easy-read",
    }
    values.update(changes)
    return ideas.NewIdea(**values)


def log(cyd: Cyd) -> list[t.AuditEntry]:
    with read_session(cyd.engine) as session:
        return list(session.exec(select(t.AuditEntry).order_by(col(t.AuditEntry.seq))))


def idea_row(cyd: Cyd, idea_id: str) -> t.Idea:
    with read_session(cyd.engine) as session:
        found = session.get(t.Idea, idea_id)
        assert found is not None
        return found


def replies(cyd: Cyd, idea_id: str) -> list[t.OutboxMessage]:
    with read_session(cyd.engine) as session:
        return list(
            session.exec(
                select(t.OutboxMessage)
                .where(t.OutboxMessage.idea_id == idea_id)
                .order_by(col(t.OutboxMessage.id))
            )
        )


def relay(cyd: Cyd) -> None:
    # Messages are due when they are queued in real time (the outbox's own clock).
    send_due(cyd.engine, concurrency=1)


def test_an_anonymous_welsh_easy_read_idea_is_acknowledged_adopted_and_credited(
    cyd: Cyd,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    got = ideas.submit_idea(cyd, welsh_easy_read_idea())
    assert got.idea_id == "i-0001"
    assert got.acknowledged
    assert got.message_id == replies(cyd, got.idea_id)[0].id
    assert len(got.reference) == 14
    row = idea_row(cyd, got.idea_id)
    assert (row.state, row.route, row.recorded_by_id) == ("received", "online", None)
    assert row.contact_email == PROPOSER
    assert row.reference_hash != got.reference
    # The promise: 10 working days (the programme's answer_days).
    assert dt.timedelta(days=13) < row.due_at - row.received_at < dt.timedelta(days=16)

    relay(cyd)
    [ack] = smtp.to(PROPOSER)
    assert "placeholder@example.org" not in ack.recipients
    assert PROPOSER in str(ack.message["To"])
    text = ack.body("plain")
    assert "i-0001" in text
    assert "Diolch" in text

    ideas.send_to(cyd, got.idea_id, workstream=STREAM, by=ADMIN)
    view = ideas.answer_idea(
        cyd,
        got.idea_id,
        by=LEAD,
        outcome="adopted",
        title="Caffi yn y parc",
        reason={"cy-easy": "Rydyn ni'n hoffi'r syniad."},
    )
    assert view.state == "adopted"
    assert view.venture is not None
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, view.venture)
        assert venture is not None
        assert (venture.workstream_id, venture.title, venture.state) == (
            STREAM,
            "Caffi yn y parc",
            "draft",
        )
    started = [e for e in log(cyd) if e.action == "venture.started"]
    assert started[-1].payload["idea"] == got.idea_id
    credited = ideas.idea_of_venture(cyd.engine, view.venture)
    assert credited == ideas.VentureIdea(
        got.idea_id, "", welsh_easy_read_idea().what, "cy"
    )  # the idea's text is the venture's summary

    relay(cyd)
    answered = [r for r in replies(cyd, got.idea_id) if r.event == "idea-answered"]
    assert answered[0].payload["invited"] is True
    assert answered[0].payload["venture"]["id"] == view.venture
    assert len(smtp.to(PROPOSER)) == 2


def test_the_audit_log_never_holds_contact_details(cyd: Cyd) -> None:
    got = ideas.submit_idea(cyd, welsh_easy_read_idea())
    ideas.withdraw_by_reference(cyd, got.reference.lower())
    whole = " ".join(f"{e.actor} {e.payload}" for e in log(cyd))
    for secret in (PROPOSER, PHONE, NAME, got.reference):
        assert secret not in whole
    row = idea_row(cyd, got.idea_id)
    assert row.state == "withdrawn"
    assert (row.contact_name, row.contact_email, row.contact_phone) == (None, None, None)
    assert row.contact_erased_at is not None
    assert row.reference_hash is None
    [withdrawn] = [e for e in log(cyd) if e.action == ideas.WITHDRAWN]
    assert withdrawn.payload == {
        "idea": got.idea_id,
        "by_proposer": True,
        "contact_erased": True,
        "files_deleted": 0,
    }
    # A reply still waiting is not sent: there is no one to send it to now.
    relay(cyd)
    [ack] = replies(cyd, got.idea_id)
    assert ack.status == "dead"
    assert "erased" in (ack.last_error or "")
    # The reference worked once: it is gone with the details.
    with pytest.raises(CommandError) as error:
        ideas.withdraw_by_reference(cyd, got.reference)
    assert error.value.code == "idea-reference-unknown"


def test_an_officer_records_an_idea_heard_at_a_roadshow_for_a_group(
    cyd: Cyd,
    smtp: SmtpServer,  # noqa: F811
) -> None:
    got = ideas.record_idea(
        cyd,
        ideas.NewIdea(
            what="More evening activities",
            route="roadshow",
            behalf="group",
            on_behalf_of="Llais Self-Advocacy",
            contact_email="chair@llais.example.net",
            consent_contact=True,
        ),
        by=CLERK,
    )
    row = idea_row(cyd, got.idea_id)
    assert row.on_behalf_of == "Llais Self-Advocacy"
    assert row.route == "roadshow"
    [entry] = [e for e in log(cyd) if e.action == ideas.RECEIVED]
    assert entry.actor == CLERK
    assert entry.payload["contact"] == {"name": False, "email": True, "phone": False}
    [ack] = replies(cyd, got.idea_id)
    assert ack.payload["recorded_by"] == "Bethan Rees"
    assert ack.payload["on_behalf_of"] == "Llais Self-Advocacy"
    relay(cyd)
    assert len(smtp.to("chair@llais.example.net")) == 1


def test_someone_with_no_role_cannot_record_and_the_refusal_is_recorded(cyd: Cyd) -> None:
    with pytest.raises(PermissionDenied) as error:
        ideas.record_idea(cyd, ideas.NewIdea(what="x", route="phone"), by=TOM)
    assert error.value.code == "idea-not-an-officer"
    assert [e.payload["action"] for e in log(cyd) if e.action == "denied"] == [ideas.RECORD]
    with read_session(cyd.engine) as session:
        assert session.exec(select(t.Idea)).all() == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"what": "   "}, "idea-text-missing"),
        ({"what": "x" * 4001}, "idea-text-too-long"),
        ({"contact_email": "not an email"}, "idea-email-invalid"),
        ({"contact_phone": "call me maybe"}, "idea-phone-invalid"),
        ({"behalf": "group"}, "idea-group-name-missing"),
        ({"reply_language": "fr"}, "idea-language-unknown"),
        ({"route": "roadshow"}, "idea-route-needs-officer"),
        ({"workstream": "nowhere"}, "workstream-not-found"),
    ],
)
def test_bad_input_says_why_and_stores_nothing(
    cyd: Cyd, changes: dict[str, Any], code: str
) -> None:
    before = len(log(cyd))
    with pytest.raises(CommandError) as error:
        ideas.submit_idea(cyd, welsh_easy_read_idea(**changes))
    assert error.value.code == code
    assert len(log(cyd)) == before
    with read_session(cyd.engine) as session:
        assert session.exec(select(t.Idea)).all() == []
        assert session.exec(select(t.OutboxMessage)).all() == []


def test_without_consent_to_contact_nothing_of_theirs_is_kept(cyd: Cyd) -> None:
    got = ideas.submit_idea(cyd, welsh_easy_read_idea(consent_contact=False))
    row = idea_row(cyd, got.idea_id)
    assert (row.contact_name, row.contact_email, row.contact_phone) == (None, None, None)
    assert not got.acknowledged
    assert replies(cyd, got.idea_id) == []


def test_answers_need_their_words_and_are_given_once(cyd: Cyd) -> None:
    got = ideas.submit_idea(cyd, welsh_easy_read_idea(workstream=STREAM))
    with pytest.raises(CommandError) as error:
        ideas.answer_idea(cyd, got.idea_id, by=LEAD, outcome="not-now", reason={"en": "Money"})
    assert error.value.code == "idea-needs-what-next"
    with pytest.raises(CommandError) as error:
        ideas.answer_idea(
            cyd,
            got.idea_id,
            by=LEAD,
            outcome="not-now",
            reason={"en": "No money this year"},
            what_next={"en": "Ask again in April"},
        )
    assert error.value.code == "idea-reason-for-reader"  # they read Welsh Easy Read
    view = ideas.answer_idea(
        cyd,
        got.idea_id,
        by=LEAD,
        outcome="not-now",
        reason={"cy-easy": "Does dim arian eleni.", "en": "No money this year"},
        what_next={"cy-easy": "Gofynnwch eto ym mis Ebrill."},
    )
    assert view.state == "not-now"
    assert view.answer is not None
    assert view.answer["reason"]["cy-easy"] == "Does dim arian eleni."
    with pytest.raises(PermissionDenied) as refused:
        ideas.answer_idea(cyd, got.idea_id, by=ADMIN, outcome="adopted")
    assert refused.value.code == "idea-closed"
    # Only those who triage, admins and the idea's workstream leads answer.
    other = ideas.submit_idea(cyd, welsh_easy_read_idea())
    with pytest.raises(PermissionDenied):
        ideas.answer_idea(cyd, other.idea_id, by=NIA, outcome="merged", venture="v-0001")


def test_merged_into_a_venture_under_way(cyd: Cyd) -> None:
    from services.commands import start_venture

    venture = start_venture(cyd, workstream=STREAM, title="Work in parks", lead=LEAD).venture_id
    got = ideas.submit_idea(cyd, welsh_easy_read_idea(workstream=STREAM))
    view = ideas.answer_idea(
        cyd,
        got.idea_id,
        by=ADMIN,
        outcome="merged",
        venture=venture,
        reason={"cy-easy": "Mae gwaith fel hyn yn digwydd yn barod."},
    )
    assert (view.state, view.venture) == ("merged", venture)
    [answered] = [r for r in replies(cyd, got.idea_id) if r.event == "idea-answered"]
    assert answered.payload["venture"] == {"id": venture, "title": "Work in parks"}


def test_support_is_counted_once_each_and_moderation_decides_the_public_list(cyd: Cyd) -> None:
    shown = ideas.submit_idea(cyd, welsh_easy_read_idea(what="<script>alert(1)</script>"))
    hidden = ideas.submit_idea(cyd, welsh_easy_read_idea(consent_publish=False))
    assert ideas.public_ideas(cyd.engine) == []  # not checked yet
    assert ideas.support(cyd, shown.idea_id, by=NIA) == 1
    assert ideas.support(cyd, shown.idea_id, by=TOM) == 2
    with pytest.raises(PermissionDenied) as error:
        ideas.support(cyd, shown.idea_id, by=NIA)
    assert error.value.code == "idea-supported-already"
    with pytest.raises(PermissionDenied):
        ideas.moderate(cyd, shown.idea_id, by=NIA, publish=True, note="fine")
    ideas.moderate(cyd, shown.idea_id, by=ADMIN, publish=True, note="No personal data")
    ideas.moderate(cyd, hidden.idea_id, by=ADMIN, publish=True, note="No personal data")
    listed = ideas.public_ideas(cyd.engine)
    assert [(i.id, i.supports) for i in listed] == [(shown.idea_id, 2)]
    assert listed[0].what == "<script>alert(1)</script>"  # stored as given; pages escape
    assert not hasattr(listed[0], "contact_email")
    ideas.withdraw_for(cyd, shown.idea_id, by=CLERK)
    assert ideas.public_ideas(cyd.engine) == []


def test_triage_sees_contact_details_and_others_do_not_see_the_idea(cyd: Cyd) -> None:
    got = ideas.submit_idea(cyd, welsh_easy_read_idea())
    [seen] = ideas.ideas_for(cyd, by=ADMIN)
    assert (seen.contact_email, seen.contact_phone) == (PROPOSER, PHONE)
    assert ideas.ideas_for(cyd, by=NIA) == []
    with pytest.raises(NotFound):
        ideas.idea_view(cyd, got.idea_id, by=NIA)


def test_the_sweep_reminds_escalates_past_the_promise_updates_and_erases(cyd: Cyd) -> None:
    assert isinstance(cyd.clock, Clock)
    late = ideas.submit_idea(cyd, welsh_easy_read_idea(workstream=STREAM))
    adopted = ideas.submit_idea(cyd, welsh_easy_read_idea(workstream=STREAM))
    view = ideas.answer_idea(
        cyd, adopted.idea_id, by=LEAD, outcome="adopted", reason={"cy-easy": "Ie!"}
    )
    assert view.venture is not None
    first = ideas.sweep_ideas(cyd)
    assert first.reminded == []
    assert first.escalated == []

    due = idea_row(cyd, late.idea_id).due_at
    cyd.clock.now = due - dt.timedelta(days=1)
    swept = ideas.sweep_ideas(cyd)
    assert swept.reminded == [late.idea_id]
    assert ideas.sweep_ideas(cyd).reminded == []  # once

    # The venture moves: the proposer is told where it is, once per stage.
    answer_missing(cyd, view.venture, [LEAD, NIA])
    submit(cyd, view.venture, by=LEAD)
    assert ideas.sweep_ideas(cyd).updates == [adopted.idea_id]
    assert ideas.sweep_ideas(cyd).updates == []
    updates = [r for r in replies(cyd, adopted.idea_id) if r.event == "idea-update"]
    assert len(updates) == 1
    assert updates[0].payload["state"] != "draft"

    cyd.clock.now = due + dt.timedelta(minutes=1)
    escalated = ideas.sweep_ideas(cyd)
    assert escalated.escalated == [late.idea_id]
    with read_session(cyd.engine) as session:
        told = session.exec(
            select(t.Person.email)
            .join(t.OutboxMessage, col(t.OutboxMessage.person_id) == col(t.Person.id))
            .where(t.OutboxMessage.event == "idea-to-answer")
            .where(col(t.OutboxMessage.payload)["past"].as_boolean())
        ).all()
    assert {LEAD, ADMIN} <= set(told)
    assert ideas.sweep_ideas(cyd).escalated == []
    assert ideas.ideas_for(cyd, by=ADMIN, open_only=True)[0].past_promise

    cyd.clock.now = due + dt.timedelta(days=31)
    erased = ideas.sweep_ideas(cyd)
    assert erased.erased == [adopted.idea_id]  # answered 30+ days ago; `late` is open
    assert idea_row(cyd, adopted.idea_id).contact_email is None
    assert idea_row(cyd, late.idea_id).contact_email == PROPOSER


def test_the_replay_rebuilds_every_idea_without_their_contact_details_in_the_log(
    cyd: Cyd,
    target: Engine,  # noqa: F811
    library: Library,
) -> None:
    from services.replay import compare, replay

    assert isinstance(cyd.clock, Clock)
    adopted = ideas.submit_idea(cyd, welsh_easy_read_idea(files=(Upload("a.png", PNG),)))
    ideas.send_to(cyd, adopted.idea_id, workstream=STREAM, by=ADMIN)
    ideas.support(cyd, adopted.idea_id, by=NIA)
    ideas.moderate(cyd, adopted.idea_id, by=ADMIN, publish=True, note="Fine")
    # Refusals, each tried again by the replay and refused the same way.
    for refused in (
        lambda: ideas.support(cyd, adopted.idea_id, by=NIA),
        lambda: ideas.moderate(cyd, adopted.idea_id, by=NIA, publish=False, note="no"),
        lambda: ideas.record_idea(cyd, ideas.NewIdea(what="x", route="phone"), by=TOM),
        lambda: ideas.send_to(cyd, adopted.idea_id, workstream=STREAM, by=NIA),
    ):
        with pytest.raises(PermissionDenied):
            refused()
    view = ideas.answer_idea(
        cyd, adopted.idea_id, by=LEAD, outcome="adopted", reason={"cy-easy": "Ie!"}
    )
    assert view.venture is not None
    withdrawn = ideas.submit_idea(cyd, welsh_easy_read_idea(files=(Upload("b.mp3", MP3),)))
    ideas.withdraw_by_reference(cyd, withdrawn.reference)
    recorded = ideas.record_idea(
        cyd,
        ideas.NewIdea(what="Evening clubs", route="phone", contact_email="x@example.net"),
        by=CLERK,
    )
    answer_missing(cyd, view.venture, [LEAD, NIA])
    submit(cyd, view.venture, by=LEAD)
    cyd.clock.now = idea_row(cyd, recorded.idea_id).due_at + dt.timedelta(hours=1)
    swept = ideas.sweep_ideas(cyd)
    assert swept.escalated == [recorded.idea_id]
    assert swept.updates == [adopted.idea_id]
    cyd.clock.now += dt.timedelta(days=40)
    assert ideas.sweep_ideas(cyd).erased == [adopted.idea_id]

    result = replay(cyd.engine, target, library)
    assert result.ok, "\n".join(result.problems)
    assert compare(cyd.engine, target) == []


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP3 = b"ID3\x04\x00" + b"\x00" * 64


def test_pictures_and_audio_are_kept_by_content_and_deleted_on_withdrawal(
    cyd: Cyd, tmp_path: Path
) -> None:
    got = ideas.submit_idea(
        cyd,
        welsh_easy_read_idea(
            files=(
                Upload("My Garden (1).PNG", PNG),
                Upload("../../voice.mp3", MP3),
                Upload("", b""),
            )
        ),
    )
    row = idea_row(cyd, got.idea_id)
    assert [(f["kind"], f["type"], f["name"]) for f in row.files] == [
        ("picture", "image/png", "My Garden (1).PNG"),
        ("audio", "audio/mpeg", "voice.mp3"),
    ]
    data = tmp_path / "data"
    for described in row.files:
        kept = data / described["path"]
        assert kept.read_bytes() in (PNG, MP3)
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert kept.parent == data / "ideas" / got.idea_id  # named by content, not by name
    [entry] = [e for e in log(cyd) if e.action == ideas.RECEIVED]
    assert "My Garden" not in str(entry.payload)
    assert [f["sha256"] for f in entry.payload["files"]] == [f["sha256"] for f in row.files]

    ideas.withdraw_by_reference(cyd, got.reference)
    assert idea_row(cyd, got.idea_id).files == []
    assert not (data / "ideas" / got.idea_id).exists()


@pytest.mark.parametrize(
    ("uploads", "code"),
    [
        ((Upload("photo.jpg", b"MZ this is a program"),), "idea-file-type"),
        ((Upload("a.png", PNG),) * 4, "idea-files-too-many"),
        ((Upload("big.png", PNG + b"\x00" * idea_files.PICTURE_MAX),), "idea-file-too-big"),
    ],
)
def test_a_file_refused_says_why_and_nothing_is_kept(
    cyd: Cyd, tmp_path: Path, uploads: tuple[Upload, ...], code: str
) -> None:
    with pytest.raises(CommandError) as error:
        ideas.submit_idea(cyd, welsh_easy_read_idea(files=uploads))
    assert error.value.code == code
    assert not (tmp_path / "data" / "ideas").exists()
    with read_session(cyd.engine) as session:
        assert session.exec(select(t.Idea)).all() == []


def test_the_sweep_with_no_programme_yet_does_nothing(engine: Engine, library: Library) -> None:
    # A fresh database (no programme imported): the reminder sweep runs before set-up.
    assert ideas.sweep_ideas(Cyd(engine, library)).as_json() == {
        "reminded": [],
        "escalated": [],
        "updates": [],
        "erased": [],
    }
