"""The Easy Read papers carry a venture's Easy Read summary on their first page, under
its title, once a co-producer agreed to it (marked with its language when the papers'
is the other); before that they say plainly there is none yet. The standard papers
are unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from checklists.loader import Library, load_library
from governance.board_pack import BoardPack, Member, pack_for
from models.db import make_engine
from models.migrate import upgrade
from notifications.board_pack import pack_blocks, render_html, render_pdf
from services.board_pack import load_agenda
from services.commands import Cyd
from services.easy_read_summaries import check_summary, write_summary
from tests.flows.scenario import LEAD, MEETING, make_cyd, to_board

SUMMARY = "We want to open a café in the old library.\nPeople who use day services run it."
SAID = "We want to open a café in the old library. People who use day services run it."
TRANSLATOR = "lowri.parry@example.org"
NONE = {
    "en": "There is no Easy Read summary of this work yet.",
    "cy": "Does dim crynodeb Hawdd ei Ddeall o'r gwaith yma eto.",
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def board(tmp_path: Path, library: Library) -> tuple[Engine, Cyd, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    upgrade(engine)
    cyd = make_cyd(engine, library)
    return engine, cyd, to_board(cyd)


def pack(engine: Engine, library: Library, lang: str, easy: bool) -> BoardPack:
    member = Member("Aled Evans", "aled.evans@example.org", (lang,), easy)
    return pack_for(member, MEETING, load_agenda(engine, library), site="https://cyd.example.org")


def first_page(papers: BoardPack, lang: str) -> list[str]:
    blocks = pack_blocks(papers, lang)
    title = papers.agenda[0].title
    first = next(n for n, b in enumerate(blocks) if b.kind == "h2" and b.text == title)
    return [b.text for b in blocks[:first]]


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_summary_agreed_is_said_plainly(
    board: tuple[Engine, Cyd, str], library: Library, lang: str
) -> None:
    engine, cyd, venture_id = board
    assert NONE[lang] in first_page(pack(engine, library, lang, True), lang)
    # Written but not yet checked (or changes asked): still none in the papers.
    write_summary(cyd, venture_id, SUMMARY, by=LEAD)
    page = first_page(pack(engine, library, lang, True), lang)
    assert NONE[lang] in page
    assert SAID not in page
    check_summary(cyd, venture_id, False, "Say where the café is.", by="nia.morgan@example.org")
    assert SAID not in first_page(pack(engine, library, lang, True), lang)
    engine.dispose()


def test_the_agreed_summary_is_under_the_title_marked_with_its_language(
    board: tuple[Engine, Cyd, str], library: Library
) -> None:
    engine, cyd, venture_id = board
    write_summary(cyd, venture_id, SUMMARY, by=LEAD)  # Gareth writes English
    check_summary(cyd, venture_id, True, by="sam.bennett@example.org")
    english = pack(engine, library, "en", True)
    page = first_page(english, "en")
    title = english.agenda[0].title
    assert page[page.index(title) + 1] == SAID  # right under the venture's title
    assert NONE["en"] not in page
    assert f"<span>{SAID}</span>" in render_html(english)  # the papers' own language
    welsh = pack(engine, library, "cy", True)
    assert SAID in first_page(welsh, "cy")
    assert f'<span lang="en">{SAID}</span>' in render_html(welsh)
    blocks = pack_blocks(welsh, "cy")
    (point,) = [b for b in blocks if b.text == SAID]
    assert point.picture == "information"
    assert point.lang == "en"
    assert render_pdf(welsh).startswith(b"%PDF")
    # The standard papers are unchanged: no summary in them.
    for lang in ("en", "cy"):
        assert SAID not in render_html(pack(engine, library, lang, False))
    # A rewrite waits for its own check: until then the papers have none agreed.
    write_summary(cyd, venture_id, SUMMARY + "\nIt opens in the spring.", by=LEAD)
    assert NONE["en"] in first_page(pack(engine, library, "en", True), "en")
    engine.dispose()


def test_the_summary_is_translated_for_the_other_language_papers(
    board: tuple[Engine, Cyd, str], library: Library
) -> None:
    """Written in English, its Welsh comes through the translators like any text a
    person writes; the Welsh Easy Read papers then show the Welsh, unmarked."""
    from services.translations import give_translation, open_translations

    engine, cyd, venture_id = board
    write_summary(cyd, venture_id, SUMMARY, by=LEAD)
    check_summary(cyd, venture_id, True, by="sam.bennett@example.org")
    [task] = [
        task
        for task in open_translations(engine, by=TRANSLATOR, now=cyd.clock())
        if task.subject == "easy-read-summary"
    ]
    assert (task.venture_id, task.source_lang, task.target_lang) == (venture_id, "en", "cy")
    assert task.source_text == SUMMARY
    welsh = (
        "Rydyn ni eisiau agor caffi yn yr hen lyfrgell.\n"
        "Pobl sy'n defnyddio gwasanaethau dydd sy'n ei redeg."
    )
    give_translation(cyd, task.id, welsh, by=TRANSLATOR)
    papers = pack(engine, library, "cy", True)
    shown = " ".join(welsh.split())
    assert shown in first_page(papers, "cy")
    assert f"<span>{shown}</span>" in render_html(papers)
    assert SAID not in render_html(papers)
    (point,) = [b for b in pack_blocks(papers, "cy") if b.text == shown]
    assert point.lang is None
    # The English papers keep the English the lead wrote.
    assert SAID in first_page(pack(engine, library, "en", True), "en")
    engine.dispose()
