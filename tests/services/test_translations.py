"""A venture's title in both languages: the translator's task, the messages meanwhile and
after (sent again, or held), the refusals, and replay; on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library
from models import outbox
from models import tables as t
from models.db import read_session, unit_of_work
from notifications.render import Recipient, render_message
from services.commands import CommandError, Cyd, PermissionDenied, start_venture, submit
from services.next_actions import next_actions
from services.programme_import import import_programme, parse_programme
from services.replay import compare, replay
from services.translations import give_translation, open_translations
from tests.services.test_commands import CO_PRODUCER, LEAD, Clock
from tests.services.test_replay import target  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATOR = "lowri.parry@example.org"
WELSH = "Caffi cymunedol"
NIA = CO_PRODUCER  # reads Welsh Easy Read


def _cyd(engine: Engine, library: Library, policy: str = "resend") -> Cyd:
    text = (ROOT / "examples" / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace("  messages: resend", f"  messages: {policy}")
    programme = parse_programme(text, "programme.yaml", library=library)
    assert programme.translations.messages == policy
    import_programme(engine, programme, text, "admin@example.org")
    return Cyd(engine, library, clock=Clock())


def _returned(cyd: Cyd, **titles: Any) -> str:
    """A venture started by Gareth (who reads English) and sent back at once: the lead and
    the co-producers are told (Nia reads Welsh)."""
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD, **titles
    ).venture_id
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]
    return venture_id


def _messages(engine: Engine, email: str) -> list[t.OutboxMessage]:
    with read_session(engine) as session:
        person = session.exec(select(t.Person).where(t.Person.email == email)).one()
        return list(
            session.exec(
                select(t.OutboxMessage)
                .where(t.OutboxMessage.person_id == person.id)
                .order_by(col(t.OutboxMessage.id))
            )
        )


def _text(message: t.OutboxMessage, language: str, easy_read: bool) -> str:
    rendered = render_message(
        message.event,
        person=Recipient("Someone", "someone@example.org", language),
        payload=message.payload,
        language=language,
        easy_read=easy_read,
        bilingual=False,
    )
    return rendered.text


def _send_all(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for message in session.exec(
            select(t.OutboxMessage).where(t.OutboxMessage.status == "pending")
        ):
            outbox.mark_sent(session, message)


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    return _cyd(engine, library)


def test_a_title_in_one_language_asks_the_translator_for_the_other(cyd: Cyd) -> None:
    venture_id = _returned(cyd)
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    assert (task.venture_id, task.source_lang, task.target_lang) == (venture_id, "en", "cy")
    assert task.source_text == "Community café"
    # Three working days on, at 17:00 in Wales: started on Monday 2 November 2026 (GMT).
    assert task.due_at == dt.datetime(2026, 11, 5, 17, 0, tzinfo=dt.UTC)
    # Only translators (and admins) see or give translations; a refusal is recorded.
    with pytest.raises(PermissionDenied) as refused:
        open_translations(cyd.engine, by=NIA, now=cyd.clock())
    assert refused.value.code == "not-translator"
    with pytest.raises(PermissionDenied):
        give_translation(cyd, task.id, WELSH, by=NIA)
    with read_session(cyd.engine) as session:
        denials = session.exec(select(t.Denial).where(t.Denial.actor == NIA)).all()
        assert [d.details["code"] for d in denials] == ["not-translator", "not-translator"]
        assert session.get(t.Venture, venture_id).title_other is None  # type: ignore[union-attr]


def test_a_lead_who_gives_both_titles_asks_nobody(cyd: Cyd) -> None:
    venture_id = _returned(cyd, title_other=WELSH)
    assert open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock()) == []
    (told,) = [m for m in _messages(cyd.engine, NIA) if m.event == "venture.returned"]
    assert told.payload["venture"]["title_other"] == WELSH
    welsh = _text(told, "cy", easy_read=True)
    assert WELSH in welsh
    assert "Community café" not in welsh
    assert "cyfieithu" not in welsh
    assert "yn Saesneg am nawr" not in welsh
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        assert (venture.title_lang, venture.title_other) == ("en", WELSH)


def test_a_title_written_in_welsh_goes_to_english_readers_once_translated(cyd: Cyd) -> None:
    start_venture(
        cyd,
        workstream="day-opportunities",
        title=WELSH,
        title_lang="cy",
        lead=LEAD,
    )
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    assert (task.source_lang, task.target_lang, task.source_text) == ("cy", "en", WELSH)


def test_resend_the_message_goes_now_saying_so_and_again_once_translated(cyd: Cyd) -> None:
    venture_id = _returned(cyd)
    (first,) = [m for m in _messages(cyd.engine, NIA) if m.event == "venture.returned"]
    # Nia's Welsh Easy Read message: the English title, and that the Welsh is coming.
    easy = _text(first, "cy", easy_read=True)
    assert "Community café" in easy
    assert "Mae enw'r gwaith yn Saesneg am nawr." in easy
    standard = _text(first, "cy", easy_read=False)
    assert "Mae teitl Cymraeg y fenter wrthi'n cael ei gyfieithu" in standard
    assert "being translated" not in _text(first, "en", easy_read=False)  # not for English
    _send_all(cyd.engine)
    gareth_before = len(_messages(cyd.engine, LEAD))

    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    given = give_translation(cyd, task.id, f"  {WELSH} ", by=TRANSLATOR)
    assert given.details["sent_again"] >= 1
    again = [m for m in _messages(cyd.engine, NIA) if m.id != first.id and m.status == "pending"]
    assert [m.event for m in again] == ["venture.returned"]
    easy = _text(again[0], "cy", easy_read=True)
    assert WELSH in easy
    assert "Community café" not in easy
    assert "Rydyn ni'n anfon y neges eto." in easy
    assert "yn Saesneg am nawr" not in easy
    assert len(_messages(cyd.engine, LEAD)) == gareth_before  # he read it in English
    # Given once: the task is done, the venture has both titles, and it is in its history.
    assert open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock()) == []
    (done,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock(), done=True)
    assert (done.text, done.done_by) == (WELSH, "Lowri Parry")
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        assert (venture.title, venture.title_lang, venture.title_other) == (
            "Community café",
            "en",
            WELSH,
        )
    with pytest.raises(PermissionDenied) as twice:
        give_translation(cyd, task.id, "Caffi arall", by=TRANSLATOR)
    assert twice.value.code == "translation-given-already"
    with pytest.raises(CommandError) as empty:
        give_translation(cyd, task.id, "   ", by=TRANSLATOR)
    assert empty.value.code == "translation-missing"


def test_a_message_not_yet_sent_goes_with_the_translation_not_twice(cyd: Cyd) -> None:
    _returned(cyd)
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    given = give_translation(cyd, task.id, WELSH, by=TRANSLATOR)
    assert given.details["sent_again"] == 0
    (told,) = [m for m in _messages(cyd.engine, NIA) if m.event == "venture.returned"]
    assert told.payload["venture"]["title_other"] == WELSH
    assert WELSH in _text(told, "cy", easy_read=True)


def test_wait_holds_welsh_readers_messages_until_the_translation(
    engine: Engine, library: Library
) -> None:
    cyd = _cyd(engine, library, policy="wait")
    _returned(cyd)
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    (nias,) = [m for m in _messages(engine, NIA) if m.event == "venture.returned"]
    (gareths,) = [m for m in _messages(engine, LEAD) if m.event == "venture.returned"]
    assert nias.next_attempt_at == task.due_at  # held: at the latest until it is due
    assert gareths.next_attempt_at == gareths.created_at  # English readers are not held

    give_translation(cyd, task.id, WELSH, by=TRANSLATOR)
    with read_session(engine) as session:
        released = session.get(t.OutboxMessage, nias.id)
        assert released is not None
        assert released.payload["venture"]["title_other"] == WELSH
    assert released.next_attempt_at < task.due_at  # let go when the translation came
    assert WELSH in _text(released, "cy", easy_read=True)


def test_replay_gives_the_same_titles_and_translations(
    cyd: Cyd,
    engine: Engine,
    target: Engine,  # noqa: F811
) -> None:
    _returned(cyd)
    _returned(cyd, title_other="Ail gaffi")
    _send_all(engine)  # sent before the translation: it goes again (not in the log)
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock())
    assert give_translation(cyd, task.id, WELSH, by=TRANSLATOR).details["sent_again"] >= 1
    result = replay(engine, target, cyd.library)
    assert result.ok, result.problems
    assert compare(engine, target) == []


def test_the_translator_is_asked_on_what_i_need_to_do_until_it_is_given(cyd: Cyd) -> None:
    venture_id = _returned(cyd)
    now = cyd.clock()
    (task,) = open_translations(cyd.engine, by=TRANSLATOR, now=now)
    (asked,) = next_actions(cyd.engine, cyd.library, TRANSLATOR, now)
    assert (asked.kind, asked.venture_id, asked.reason) == (
        "translate",
        venture_id,
        "translation-asked",
    )
    assert asked.deadline == task.due_at
    assert asked.params == {"to": "cy", "translation": task.id}
    assert "Cyfieithwch deitl y fenter “Community café”." in asked.words("cy")
    assert "people who read Welsh are waiting" in asked.words("en")
    # Only a translator's: nobody else is asked (the lead answers, as ever).
    assert all(a.kind != "translate" for a in next_actions(cyd.engine, cyd.library, LEAD, now))
    give_translation(cyd, task.id, WELSH, by=TRANSLATOR)
    assert next_actions(cyd.engine, cyd.library, TRANSLATOR, cyd.clock()) == []
