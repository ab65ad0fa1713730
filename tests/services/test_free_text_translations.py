"""Free text beyond the venture's title, in both languages: a Board member's conditions,
a reviewer's note and a free-text answer ask the translators on record (once per text);
messages carry them with their language and render them in the reader's once given
(sent again, or held until then); replay finds a translation by its text. On both
databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from checklists.loader import Library
from governance.board_pack import Member, pack_for
from models import tables as t
from models.db import read_session
from notifications.board_pack import render_html
from notifications.render import Recipient, render_message
from services.board_pack import load_agenda
from services.commands import (
    Cyd,
    answer,
    close_vote,
    record_review,
    start_venture,
    submit,
    vote,
)
from services.examples import answer_missing
from services.free_text import free_ref
from services.history import audit_trail
from services.next_actions import next_actions
from services.replay import compare, replay
from services.translations import give_translation, open_translations
from tests.services.test_commands import CHAIR, CO_PRODUCER, LEAD, REVIEWERS
from tests.services.test_replay import target  # noqa: F401  (a fixture)
from tests.services.test_translations import TRANSLATOR, _cyd, _messages, _send_all

ROOT = Path(__file__).resolve().parents[2]
CONDITION = "Pay people from the first day."
AMOD = "Talwch bobl o'r diwrnod cyntaf."
NOTE = "Well co-produced."  # by Owen, who writes English
NODYN = "Wedi'i gyd-gynhyrchu'n dda."  # by Elin, who writes Welsh
SUMMARY = "A community café run together with the people who use day services. " * 2
PRIYA = "priya.shah@example.org"  # writes English
BOARD = (CHAIR, "aled.evans@example.org", "sian.roberts@example.org", "david.hughes@example.org")
ELIN, OWEN = REVIEWERS  # Elin writes Welsh, Owen English


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    return _cyd(engine, library)


def _tasks(cyd: Cyd, done: bool = False) -> list[Any]:
    return open_translations(cyd.engine, by=TRANSLATOR, now=cyd.clock(), done=done)


def _task(cyd: Cyd, text: str) -> Any:
    (task,) = [task for task in _tasks(cyd) if task.source_text == text]
    return task


def _at_board(cyd: Cyd) -> str:
    """A venture with both titles (nothing asked for it), its checklist filled by Nia
    (who writes Welsh), the lead's own summary, and both reviewers' notes."""
    venture_id = _in_review(cyd)
    record_review(cyd, venture_id, by=ELIN, recommend="go", note=NODYN)
    record_review(cyd, venture_id, by=OWEN, recommend="go", note=NOTE)
    return venture_id


def _in_review(cyd: Cyd) -> str:
    venture_id = start_venture(
        cyd,
        workstream="day-opportunities",
        title="Community café",
        title_other="Caffi cymunedol",
        lead=LEAD,
    ).venture_id
    answer(cyd, venture_id, "venture-summary", SUMMARY, by=LEAD)
    answer_missing(cyd, venture_id, [CO_PRODUCER])
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]
    return venture_id


def _decided(cyd: Cyd, venture_id: str) -> None:
    """Approved with Priya's condition."""
    for member in BOARD:
        vote(cyd, venture_id, member=member, choice="approve")
    vote(cyd, venture_id, member=PRIYA, choice="approve-with-conditions", reason=CONDITION)
    decided = close_vote(cyd, venture_id, by=CHAIR)
    assert decided.advanced is not None
    (decision,) = decided.advanced.effects("RecordDecision")
    assert decision["outcome"] == "approved_with_conditions"


def _decision_to(cyd: Cyd, email: str) -> list[t.OutboxMessage]:
    return [m for m in _messages(cyd.engine, email) if m.event == "venture.decision"]


def _render(message: t.OutboxMessage, language: str, easy_read: bool = False) -> Any:
    return render_message(
        message.event,
        person=Recipient("Someone", "someone@example.org", language),
        payload=message.payload,
        language=language,
        easy_read=easy_read,
        bilingual=False,
    )


def test_each_kind_of_text_asks_the_translators_once_when_recorded(cyd: Cyd) -> None:
    venture_id = _in_review(cyd)
    record_review(cyd, venture_id, by=ELIN, recommend="recycle", note="  ")  # asks nothing
    assert all(task.subject != "review-note" for task in _tasks(cyd))
    record_review(cyd, venture_id, by=ELIN, recommend="go", note=NODYN)
    record_review(cyd, venture_id, by=ELIN, recommend="go", note=NODYN)  # the same: once
    record_review(cyd, venture_id, by=OWEN, recommend="go", note=NOTE)
    asked = {(task.subject, task.source_text): task for task in _tasks(cyd)}
    summary = asked[("answer", SUMMARY)]
    assert (summary.venture_id, summary.source_lang, summary.target_lang) == (
        venture_id,
        "en",
        "cy",
    )
    # A note in the writer's own language: Elin writes Welsh, Owen English.
    assert (
        asked[("review-note", NODYN)].source_lang,
        asked[("review-note", NODYN)].target_lang,
    ) == (
        "cy",
        "en",
    )
    assert asked[("review-note", NOTE)].source_lang == "en"
    assert all(subject != "venture-title" for subject, _ in asked)  # both titles given
    assert all(subject != "board-condition" for subject, _ in asked)  # none yet
    assert [task.source_text for task in _tasks(cyd)].count(NODYN) == 1
    before = len(_tasks(cyd))
    vote(cyd, venture_id, member=PRIYA, choice="approve-with-conditions", reason=CONDITION)
    vote(
        cyd,
        venture_id,
        member="aled.evans@example.org",
        choice="approve-with-conditions",
        reason=CONDITION,
    )
    vote(cyd, venture_id, member="david.hughes@example.org", choice="approve", reason="Good.")
    conditions = [task for task in _tasks(cyd) if task.subject == "board-condition"]
    assert [(c.source_text, c.source_lang, c.target_lang) for c in conditions] == [
        (CONDITION, "en", "cy")
    ]
    assert conditions[0].kind("cy") == "amodau aelod o'r Bwrdd"
    assert len(_tasks(cyd)) == before + 1  # an approval's reason is no condition


def test_a_condition_reads_in_welsh_once_given_and_the_message_goes_again(cyd: Cyd) -> None:
    venture_id = _at_board(cyd)
    _decided(cyd, venture_id)
    (nias,) = _decision_to(cyd, CO_PRODUCER)
    (condition,) = nias.payload["decision"]["conditions"]
    assert condition == {"free": CONDITION, "lang": "en"}
    # Before it is given: as written, marked as English, and the translation is coming.
    welsh = _render(nias, "cy")
    assert CONDITION in welsh.text
    assert "Cafodd rhai geiriau yn y neges eu hysgrifennu yn Saesneg" in welsh.text
    assert f'<span lang="en">{CONDITION}</span>'.replace("'", "&#39;") in welsh.html
    easy = _render(nias, "cy", easy_read=True)
    assert "Mae rhai geiriau yn Saesneg am nawr." in easy.text
    english = _render(nias, "en")
    assert CONDITION in english.text
    assert "being translated" not in english.text
    assert 'lang="en">Pay' not in english.html
    _send_all(cyd.engine)
    gareth_before = len(_messages(cyd.engine, LEAD))

    given = give_translation(cyd, _task(cyd, CONDITION).id, AMOD, by=TRANSLATOR)
    assert given.details["sent_again"] >= 1
    again = [m for m in _decision_to(cyd, CO_PRODUCER) if m.id != nias.id]
    assert len(again) == 1
    assert again[0].payload["again_with_translation"] == "text"
    welsh = _render(again[0], "cy")
    assert AMOD in welsh.text
    assert CONDITION not in welsh.text
    assert "Rydyn ni'n anfon y neges eto: mae'r geiriau" in welsh.text
    assert "Cafodd rhai geiriau" not in welsh.text
    assert (
        "Nawr mae'r geiriau ysgrifennodd pobl yn Gymraeg hefyd."
        in _render(again[0], "cy", easy_read=True).text
    )
    # An English reader is not sent it again, and reads the condition as written.
    assert len(_messages(cyd.engine, LEAD)) == gareth_before
    assert CONDITION in _render(again[0], "en").text
    # A condition's translation is no title.
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        assert venture.title_other == "Caffi cymunedol"
        assert free_ref(session, venture_id, CONDITION) == {
            "free": CONDITION,
            "lang": "en",
            "other": AMOD,
        }


def test_wait_holds_a_decision_with_a_condition_until_it_is_translated(
    engine: Engine, library: Library
) -> None:
    cyd = _cyd(engine, library, policy="wait")
    venture_id = _at_board(cyd)
    _decided(cyd, venture_id)
    task = _task(cyd, CONDITION)
    (nias,) = _decision_to(cyd, CO_PRODUCER)
    (gareths,) = _decision_to(cyd, LEAD)
    assert nias.next_attempt_at == task.due_at  # held, at the latest until it is due
    assert gareths.next_attempt_at == gareths.created_at  # an English reader is not held

    give_translation(cyd, task.id, AMOD, by=TRANSLATOR)
    with read_session(engine) as session:
        released = session.get(t.OutboxMessage, nias.id)
        assert released is not None
    assert released.next_attempt_at < task.due_at
    assert released.payload["decision"]["conditions"][0]["other"] == AMOD
    assert AMOD in _render(released, "cy").text


def test_giving_a_note_leaves_the_title_alone_and_a_title_still_sets_it(cyd: Cyd) -> None:
    venture_id = _at_board(cyd)
    give_translation(cyd, _task(cyd, NODYN).id, "Well co-produced, in Welsh first.", by=TRANSLATOR)
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        assert venture.title_other == "Caffi cymunedol"  # as the lead gave it
        note = session.exec(select(t.Translation).where(t.Translation.source_text == NODYN)).one()
        assert note.text == "Well co-produced, in Welsh first."
    (given,) = [e for e in audit_trail(cyd.engine, venture_id) if e.code == "translation-given"]
    assert "Lowri Parry translated a reviewer's note: Well co-produced" in given.words("en")
    assert "Cyfieithodd Lowri Parry nodyn adolygydd:" in given.words("cy")
    other = start_venture(
        cyd, workstream="day-opportunities", title="Second café", lead=LEAD
    ).venture_id
    give_translation(cyd, _task(cyd, "Second café").id, "Ail gaffi", by=TRANSLATOR)
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, other)
        assert venture is not None
        assert venture.title_other == "Ail gaffi"
    (titled,) = [e for e in audit_trail(cyd.engine, other) if e.code == "translation-given"]
    assert "Lowri Parry translated the venture's title: Ail gaffi" in titled.words("en")


def test_replay_gives_the_same_condition_translation(
    cyd: Cyd,
    engine: Engine,
    target: Engine,  # noqa: F811
) -> None:
    venture_id = _at_board(cyd)
    _decided(cyd, venture_id)
    _send_all(engine)
    give_translation(cyd, _task(cyd, CONDITION).id, AMOD, by=TRANSLATOR)
    give_translation(cyd, _task(cyd, NODYN).id, "Co-produced well.", by=TRANSLATOR)
    result = replay(engine, target, cyd.library)
    assert result.ok, result.problems
    assert compare(engine, target) == []
    with read_session(target) as session:
        given = session.exec(
            select(t.Translation).where(t.Translation.subject == "board-condition")
        ).one()
        assert (given.source_text, given.text) == (CONDITION, AMOD)


def _papers(cyd: Cyd, lang: str, easy_read: bool) -> str:
    (item,) = load_agenda(cyd.engine, cyd.library)
    member = Member("Someone", "someone@example.org", (lang,), easy_read)
    return render_html(pack_for(member, dt.date(2026, 12, 8), [item]))


def test_the_board_pack_shows_a_condition_and_a_note_in_the_readers_language(cyd: Cyd) -> None:
    venture_id = _at_board(cyd)
    vote(cyd, venture_id, member=PRIYA, choice="approve-with-conditions", reason=CONDITION)
    owen = f'<span lang="en">{NOTE}</span>'
    for easy_read in (False, True):
        welsh = _papers(cyd, "cy", easy_read)
        assert f'<span lang="en">{CONDITION}</span>' in welsh  # as written, marked
        assert owen in welsh
        assert f'<span lang="cy">{NODYN}' not in welsh  # Elin's, in Welsh
        assert f'<span lang="cy">{NODYN}</span>' in _papers(cyd, "en", easy_read)
    give_translation(cyd, _task(cyd, CONDITION).id, AMOD, by=TRANSLATOR)
    give_translation(cyd, _task(cyd, NODYN).id, "Co-produced well.", by=TRANSLATOR)
    for easy_read in (False, True):
        welsh = _papers(cyd, "cy", easy_read)
        assert AMOD in welsh
        assert CONDITION not in welsh
        assert owen in welsh  # not given yet: still as written
        english = _papers(cyd, "en", easy_read)
        assert CONDITION in english
        assert AMOD not in english
        assert 'lang="en"><span' not in english
        assert "Co-produced well." in english
        assert NODYN not in english


def test_the_translator_is_asked_to_translate_each_text_by_its_kind(cyd: Cyd) -> None:
    venture_id = _at_board(cyd)
    vote(cyd, venture_id, member=PRIYA, choice="approve-with-conditions", reason=CONDITION)
    asked = [a for a in next_actions(cyd.engine, cyd.library, TRANSLATOR, cyd.clock()) if a.params]
    by_subject = {a.params.get("subject"): a for a in asked}
    assert {"answer", "review-note", "board-condition"} <= by_subject.keys()
    condition = by_subject["board-condition"]
    assert condition.kind == "translate"
    assert "Cyfieithwch amodau aelod o'r Bwrdd ar y fenter “Community café”." in condition.words(
        "cy"
    )
    assert "Translate a reviewer's note on “Community café”." in by_subject["review-note"].words(
        "en"
    )
    give_translation(cyd, _task(cyd, CONDITION).id, AMOD, by=TRANSLATOR)
    left = next_actions(cyd.engine, cyd.library, TRANSLATOR, cyd.clock())
    assert all(a.params.get("subject") != "board-condition" for a in left)
