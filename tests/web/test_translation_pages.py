"""The translators' page: what waits, giving it (errors, success), in Welsh for a Welsh
reader with each text marked with its language; nobody else sees it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import commands as c
from services.translations import give_translation
from web.visitor import SignedIn

from .test_checklist import Browser, csrf, main, own_token, person, text_of

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


@pytest.fixture
def browser_as(
    make_app: Callable[..., FastAPI], engine: Engine
) -> Iterator[Callable[[str], Browser]]:
    made: list[Browser] = []

    def sign_in(email: str) -> Browser:
        someone = person(engine, email)
        browser = Browser(
            make_app(engine, identify=lambda _r, _e: SignedIn(someone, f"session-{email}"))
        )
        made.append(browser)
        return browser

    yield sign_in
    for browser in made:
        browser.client.close()


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
