"""The translators' page: what waits, giving it (errors, success), in Welsh for a Welsh
reader with each text marked with its language; nobody else sees it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import commands as c
from services import free_text
from services.translations import give_translation

from .test_checklist import Browser, csrf, main, own_token, text_of

LOWRI = "lowri.parry@example.org"  # the example programme's translator: reads Welsh
NIA = "nia.morgan@example.org"
GARETH = "gareth.jones@example.org"
WELSH = "Caffi cymunedol"


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


@pytest.fixture
def venture(engine: Engine, library: Library) -> str:
    cyd = c.Cyd(engine, library)
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=GARETH
    ).venture_id


def _task(engine: Engine, venture: str) -> t.Translation:
    with read_session(engine) as session:
        return session.exec(select(t.Translation).where(t.Translation.venture_id == venture)).one()


def test_the_translator_sees_what_waits_and_gives_it(
    browser_as: Callable[..., Browser], engine: Engine, venture: str
) -> None:
    lowri = browser_as(LOWRI)
    home = lowri.page("/")
    assert 'href="/translations"' in home  # the navigation offers it to a translator
    page = lowri.page("/translations")
    task = _task(engine, venture)
    assert '<html lang="cy"' in page  # her own language
    assert "Cyfieithiadau" in text_of(page)
    assert "Wedi'i ysgrifennu yn Saesneg:" in text_of(page)
    assert '<span class="govuk-!-font-weight-bold" lang="en"><bdi>Community café</bdi>' in page
    assert "Y teitl yn Gymraeg" in page
    assert f'id="text-{task.id}"' in page
    assert 'lang="cy"' in page.split(f'id="text-{task.id}"')[1].split(">")[0]  # spellcheck

    token = csrf(page)
    url = f"/translations/{task.id}"
    refused = lowri.client.post(
        url, data={"csrf_token": token, "text": "  "}, follow_redirects=False
    )
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert f'href="#text-{task.id}"' in refused.text
    assert "Rhowch y cyfieithiad" in refused.text
    assert _task(engine, venture).done_at is None

    given = lowri.client.post(
        url, data={"csrf_token": token, "text": f" {WELSH} "}, follow_redirects=False
    )
    assert given.status_code == 303
    assert given.headers["location"] == f"/translations?given={task.id}"
    after = lowri.page(given.headers["location"])
    assert "Mae'r cyfieithiad wedi'i gadw." in text_of(after)
    assert "Does dim byd yn aros am gyfieithiad ar hyn o bryd." in text_of(after)
    assert f'<span lang="cy"><bdi>{WELSH}</bdi></span>' in after
    with read_session(engine) as session:
        stored = session.get(t.Venture, venture)
        assert stored is not None
        assert stored.title_other == WELSH

    # Given once: the form is gone, and posting again says why.
    again = lowri.client.post(
        url, data={"csrf_token": token, "text": "Caffi arall"}, follow_redirects=False
    )
    assert again.status_code == 409
    assert "Mae'r cyfieithiad yma wedi'i roi yn barod." in html.unescape(again.text)
    assert _task(engine, venture).text == WELSH


def test_nobody_else_sees_or_gives_translations(
    browser_as: Callable[..., Browser], engine: Engine, venture: str
) -> None:
    nia = browser_as(NIA)
    assert 'href="/translations"' not in nia.page("/")
    assert nia.get("/translations").status_code == 404
    task = _task(engine, venture)
    posted: Any = nia.client.post(
        f"/translations/{task.id}",
        data={"csrf_token": own_token(nia, NIA), "text": WELSH},
        follow_redirects=False,
    )
    assert posted.status_code == 404
    assert _task(engine, venture).done_at is None
    with read_session(engine) as session:
        refusals = session.exec(select(t.Denial).where(t.Denial.actor == NIA)).all()
    assert {r.details["code"] for r in refusals} == {"not-translator"}


def test_the_page_in_english_easy_read_says_it_in_points(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    lowri = browser_as(LOWRI)
    words = text_of(lowri.page("/translations?lang=en&format=easy-read"))
    assert "Words to translate" in words
    assert "Please write each name in the other language." in words
    assert "Community café" in words
    assert venture


def test_a_welsh_reader_reads_the_title_in_welsh_once_translated(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    nia = browser_as(NIA)  # reads Welsh (Easy Read)
    pages = ("/", "/ventures", f"/ventures/{venture}", f"/ventures/{venture}/checklist")
    for url in pages[:2]:  # before: the English title, marked as English
        assert '<bdi lang="en">Community café</bdi>' in nia.page(url), url
    for url in pages:
        assert WELSH not in nia.page(url), url
    task = _task(engine, venture)
    give_translation(c.Cyd(engine, library), task.id or 0, WELSH, by=LOWRI)
    for url in pages:
        page = nia.page(url)
        assert WELSH in page, url
    # Its own pages are headed with it (the history still quotes what was recorded).
    for url in pages[2:]:
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", nia.page(url), re.S)
        assert heading is not None
        assert WELSH in heading.group(1)
        assert "Community café" not in heading.group(1)
    # Gareth reads English: the title as he wrote it, never the translation.
    gareth = browser_as(GARETH)
    for url in pages[:2]:
        page = main(gareth.page(url))
        assert "Community café" in page, url
        assert WELSH not in page, url
    for url in pages[2:]:
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", gareth.page(url), re.S)
        assert heading is not None
        assert "Community café" in heading.group(1)
        assert WELSH not in heading.group(1)


def test_what_i_need_to_do_asks_the_translator_and_links_to_the_form(
    browser_as: Callable[..., Browser], engine: Engine, venture: str
) -> None:
    task = _task(engine, venture)
    home = browser_as(LOWRI).page("/")
    assert f'href="/translations#task-{task.id}"' in home
    assert "Cyfieithu'r teitl" in text_of(home)
    assert "mae pobl sy'n darllen Cymraeg yn aros amdano." in text_of(home)


def test_a_reviewers_note_waits_on_the_page_as_a_note_and_is_given_there(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    cyd = c.Cyd(engine, library)
    with read_session(engine) as session:
        person_row = session.exec(select(t.Person).where(t.Person.email == GARETH)).one()
        note = free_text.request_text(
            session, venture, free_text.NOTE, person_row, "Pay people.\nFrom day one.", cyd.clock()
        )
        assert note is not None
        session.commit()
        number = note.id
    lowri = browser_as(LOWRI)
    page = lowri.page("/translations")
    words = text_of(page)
    assert f"Menter {venture}: nodyn adolygydd" in words
    assert f"Menter {venture}: ei theitl" in words  # the title waits too
    block = page.split(f'id="task-{number}"')[1].split("</form>")[0]
    assert (
        '<p class="govuk-body govuk-!-font-weight-bold govuk-!-text-break-word" lang="en">' in block
    )
    assert "Pay people.<br>From day one." in block
    assert "<textarea" in block  # a note keeps its lines
    assert "Y cyfieithiad yn Gymraeg" in block
    english = text_of(lowri.page("/translations?lang=en"))
    assert f"Venture {venture}: a reviewer's note" in english
    given = lowri.client.post(
        f"/translations/{number}",
        data={"csrf_token": csrf(page), "text": "Talwch bobl.\nO'r diwrnod cyntaf."},
        follow_redirects=False,
    )
    assert given.status_code == 303
    with read_session(engine) as session:
        row = session.get(t.Translation, number)
        assert row is not None
        assert row.text == "Talwch bobl.\nO'r diwrnod cyntaf."
        stored = session.get(t.Venture, venture)
        assert stored is not None
        assert stored.title_other is None  # a note's translation is no title


def test_a_free_text_answer_reads_in_welsh_on_the_checklist_once_translated(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    cyd = c.Cyd(engine, library)
    summary = "A café run with the people who use it, every weekday morning."
    c.answer(cyd, venture, "venture-summary", summary, by=GARETH)
    with read_session(engine) as session:
        task = session.exec(
            select(t.Translation).where(t.Translation.subject == free_text.ANSWER)
        ).one()
    assert (task.source_text, task.source_lang, task.target_lang) == (summary, "en", "cy")
    nia = browser_as(NIA)
    url = f"/ventures/{venture}/check"  # check the answers
    before = nia.page(url)
    assert f'lang="en">{summary}' in html.unescape(before)
    welsh = "Caffi sy'n cael ei redeg gyda'r bobl sy'n ei ddefnyddio, bob bore yn yr wythnos."
    give_translation(cyd, task.id or 0, welsh, by=LOWRI)
    after = html.unescape(nia.page(url))
    assert welsh in after
    assert summary not in after
    # Gareth wrote it in English: he reads it as he wrote it.
    assert summary in html.unescape(browser_as(GARETH).page(url))
