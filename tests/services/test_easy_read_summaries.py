"""A venture's Easy Read summary: written by the lead, checked by a co-producer; the
refusals recorded, a note for changes, a rewrite checked again, the messages, what
people need to do, and replay; on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from models import tables as t
from models.db import read_session
from services.commands import CommandError, Cyd, PermissionDenied, start_venture
from services.easy_read_summaries import (
    CHANGES_EVENT,
    TO_CHECK_EVENT,
    agreed_summary,
    check_summary,
    summary_for,
    write_summary,
)
from services.next_actions import next_actions
from services.replay import compare, replay
from tests.services.test_commands import CO_PRODUCER, LEAD
from tests.services.test_replay import target  # noqa: F401  (a fixture)

NIA = CO_PRODUCER  # reads Welsh Easy Read
SAM = "sam.bennett@example.org"
RHYS = "rhys.thomas@example.org"
REVIEWER = "elin.davies@example.org"
ADMIN = "admin@example.org"
TEXT = "We want to open a café in the old library.\nPeople who use day services will run it."


def _venture(cyd: Cyd) -> str:
    return start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def _told(engine: Engine, event: str) -> dict[str, t.OutboxMessage]:
    with read_session(engine) as session:
        rows = session.exec(
            select(t.OutboxMessage, t.Person.email)
            .join(t.Person, col(t.Person.id) == col(t.OutboxMessage.person_id))
            .where(t.OutboxMessage.event == event)
        ).all()
        return {email: message for message, email in rows}


def _denials(engine: Engine, action: str) -> list[t.AuditEntry]:
    with read_session(engine) as session:
        entries = session.exec(select(t.AuditEntry).where(t.AuditEntry.action == "denied"))
        return [e for e in entries if e.payload.get("action") == action]


def test_written_by_the_lead_it_waits_for_a_co_producer(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    with read_session(cyd.engine) as session:
        assert summary_for(session, venture_id) is None
    write_summary(cyd, venture_id, TEXT, by=LEAD)
    with read_session(cyd.engine) as session:
        found = summary_for(session, venture_id)
        assert agreed_summary(session, venture_id) is None
    assert found is not None
    assert (found.state, found.lang, found.text, found.written_by) == ("waiting", "en", TEXT, LEAD)
    # The co-producers are told, each in their own language and format; not the lead.
    told = _told(cyd.engine, TO_CHECK_EVENT)
    assert set(told) == {NIA, SAM, RHYS}
    assert (told[NIA].language, told[NIA].format) == ("cy", "easy-read")
    assert told[NIA].payload["written_by"] == {"name": "Gareth Jones"}
    assert told[NIA].payload["link"].endswith(f"/ventures/{venture_id}#easy-read-summary")


def test_agreed_it_goes_into_the_pack(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=LEAD, lang="cy")
    check_summary(cyd, venture_id, True, by=NIA)
    with read_session(cyd.engine) as session:
        agreed = agreed_summary(session, venture_id)
    assert agreed is not None
    assert (agreed.state, agreed.lang, agreed.checked_by, agreed.note) == (
        "agreed",
        "cy",
        NIA,
        None,
    )
    assert _told(cyd.engine, CHANGES_EVENT) == {}


def test_changes_need_a_note_and_the_lead_is_told(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=LEAD)
    with pytest.raises(CommandError) as error:
        check_summary(cyd, venture_id, False, "   ", by=NIA)
    assert error.value.code == "summary-note-missing"
    check_summary(cyd, venture_id, False, "Say where the café is.", by=NIA)
    with read_session(cyd.engine) as session:
        found = summary_for(session, venture_id)
    assert found is not None
    assert found.state == "changes"
    assert found.note == "Say where the café is."
    assert found.checked_by_name == "Nia Morgan"
    told = _told(cyd.engine, CHANGES_EVENT)
    assert set(told) == {LEAD}
    assert told[LEAD].payload["note"] == "Say where the café is."


def test_a_rewrite_after_an_agreement_needs_a_new_check(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=LEAD)
    check_summary(cyd, venture_id, True, by=SAM)
    # Checked once: a second check of the same summary is refused, and recorded.
    with pytest.raises(PermissionDenied) as refused:
        check_summary(cyd, venture_id, True, by=NIA)
    assert refused.value.code == "summary-checked-already"
    write_summary(cyd, venture_id, TEXT + "\nIt opens in the spring.", by=LEAD)
    with read_session(cyd.engine) as session:
        found = summary_for(session, venture_id)
        assert agreed_summary(session, venture_id) is None  # the new one is not agreed yet
    assert found is not None
    assert found.state == "waiting"
    assert "spring" in found.text
    check_summary(cyd, venture_id, True, by=NIA)
    with read_session(cyd.engine) as session:
        agreed = agreed_summary(session, venture_id)
    assert agreed is not None
    assert "spring" in agreed.text


@pytest.mark.parametrize(
    ("who", "code"),
    [(NIA, "not-summary-writer"), (REVIEWER, "not-summary-writer")],
)
def test_only_the_lead_or_an_admin_writes_it_refusals_recorded(
    cyd: Cyd, who: str, code: str
) -> None:
    venture_id = _venture(cyd)
    with pytest.raises(PermissionDenied) as refused:
        write_summary(cyd, venture_id, TEXT, by=who)
    assert refused.value.code == code
    (entry,) = _denials(cyd.engine, "summary.write")
    assert (entry.actor, entry.payload["code"]) == (who, code)
    write_summary(cyd, venture_id, TEXT, by=ADMIN)  # an admin may, for the lead
    with read_session(cyd.engine) as session:
        found = summary_for(session, venture_id)
    assert found is not None
    assert found.written_by == ADMIN


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (LEAD, "not-summary-checker"),
        (REVIEWER, "not-summary-checker"),
        (ADMIN, "not-summary-checker"),
    ],
)
def test_only_another_co_producer_checks_it_refusals_recorded(
    cyd: Cyd, who: str, code: str
) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=ADMIN if who == ADMIN else LEAD)
    with pytest.raises(PermissionDenied) as refused:
        check_summary(cyd, venture_id, True, by=who)
    assert refused.value.code == code
    (entry,) = _denials(cyd.engine, "summary.check")
    assert entry.payload["code"] == code


def test_a_summary_too_long_is_refused_naming_the_sentence(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    long = "We will open a café in the old library for people who use day services and friends."
    with pytest.raises(CommandError) as error:
        write_summary(cyd, venture_id, f"We want a café. {long}", by=LEAD)
    assert error.value.code == "summary-sentence-too-long"
    assert error.value.params["number"] == 2
    assert "sentence 2 of the summary has 17 words" in str(error.value)
    assert "Mae brawddeg 2 yn rhy hir." in error.value.say("cy", easy_read=True)
    with pytest.raises(CommandError) as unknown:
        write_summary(cyd, venture_id, TEXT, by=LEAD, lang="fr")
    assert unknown.value.code == "summary-language-unknown"
    with pytest.raises(CommandError) as none:
        check_summary(cyd, venture_id, True, by=NIA)
    assert none.value.code == "summary-not-found"


def test_what_people_need_to_do(cyd: Cyd) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=LEAD)
    now = cyd.clock()
    asked = [
        a for a in next_actions(cyd.engine, cyd.library, NIA, now) if a.kind == "check-summary"
    ]
    assert [(a.venture_id, a.reason) for a in asked] == [(venture_id, "summary-waiting")]
    assert "Gwiriwch y crynodeb Hawdd ei Ddeall am Community café." in asked[0].words(
        "cy", easy_read=True
    )
    lead = next_actions(cyd.engine, cyd.library, LEAD, now)
    assert all(a.kind not in ("check-summary", "change-summary") for a in lead)
    check_summary(cyd, venture_id, False, "Say where the café is.", by=NIA)
    now = cyd.clock()
    assert all(a.kind != "check-summary" for a in next_actions(cyd.engine, cyd.library, SAM, now))
    (change,) = [
        a for a in next_actions(cyd.engine, cyd.library, LEAD, now) if a.kind == "change-summary"
    ]
    assert change.params == {"by": "Nia Morgan", "note": "Say where the café is."}
    assert "Nia Morgan asked for changes: Say where the café is." in change.words("en")


def test_replay_gives_the_same_summaries(
    cyd: Cyd,
    engine: Engine,
    target: Engine,  # noqa: F811
) -> None:
    venture_id = _venture(cyd)
    write_summary(cyd, venture_id, TEXT, by=LEAD)
    with pytest.raises(PermissionDenied):
        check_summary(cyd, venture_id, True, by=LEAD)
    with pytest.raises(PermissionDenied):
        write_summary(cyd, venture_id, TEXT, by=NIA)
    check_summary(cyd, venture_id, False, "Say where the café is.", by=NIA)
    write_summary(cyd, venture_id, TEXT + "\nIt is on the High Street.", by=LEAD, lang="en")
    check_summary(cyd, venture_id, True, by=SAM)
    with pytest.raises(PermissionDenied):
        check_summary(cyd, venture_id, True, by=RHYS)
    result = replay(engine, target, cyd.library)
    assert result.ok, result.problems
    assert compare(engine, target) == []
