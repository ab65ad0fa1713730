"""The translators' page in a real Chromium: the translator gives a title with the
keyboard; the page passes axe-core in English, Welsh, standard and Easy Read (waiting,
with an error, and after), and fits a 320 px screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import commands as c

from .conftest import describe
from .test_home import signed_in_as

pytestmark = pytest.mark.slow

LOWRI = "lowri.parry@example.org"
VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str], make_app: Callable[..., FastAPI], example_engine: Engine
) -> str:
    return serve(make_app(example_engine, identify=signed_in_as(example_engine, LOWRI)))


def _checked(page: Page, axe_check: Callable[[Page], list[dict[str, Any]]], what: str) -> None:
    for lang, shape in VARIANTS:
        page.set_viewport_size({"width": 1280, "height": 900})
        url = page.url.split("?")[0]
        page.goto(f"{url}?lang={lang}&format={shape}")
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe_check(page)
        assert violations == [], (what, lang, shape, describe(violations))
        page.set_viewport_size({"width": 320, "height": 900})
        wide = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 0, f"{what} scrolls sideways at 320 px ({lang}, {shape})"


def test_the_translator_gives_a_title_with_the_keyboard(
    site: str,
    page: Page,
    example_engine: Engine,
    library: Library,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
) -> None:
    cyd = c.Cyd(example_engine, library)
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead="gareth.jones@example.org"
    ).venture_id
    page.goto(f"{site}/translations?lang=en&format=standard")
    _checked(page, axe_check, "waiting")
    page.goto(f"{site}/translations?lang=en&format=standard")
    field = page.get_by_label("The title in Welsh")
    field.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # nothing typed: the error
    focused = page.evaluate("document.activeElement.className")
    assert page.locator(".govuk-error-summary").count() == 1
    assert "govuk-error-summary" in focused  # focus moves to what went wrong
    page.screenshot(path=screenshots / "translations-error-en.png", full_page=True)
    page.get_by_label("The title in Welsh").fill("Caffi cymunedol")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "The translation is saved." in page.content()
    _checked(page, axe_check, "given")
    page.screenshot(path=screenshots / "translations-given-cy-easy-read.png", full_page=True)
    with read_session(example_engine) as session:
        stored = session.get(t.Venture, venture)
        assert stored is not None
        assert stored.title_other == "Caffi cymunedol"
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_a_reviewers_note_is_given_in_a_text_box_that_keeps_its_lines(
    site: str,
    page: Page,
    example_engine: Engine,
    library: Library,
    axe_check: Callable[[Page], list[dict[str, Any]]],
) -> None:
    from services import free_text

    cyd = c.Cyd(example_engine, library)
    venture = c.start_venture(
        cyd,
        workstream="day-opportunities",
        title="Community café",
        title_other="Caffi cymunedol",
        lead="gareth.jones@example.org",
    ).venture_id
    with read_session(example_engine) as session:
        writer = session.get(t.Person, 1)
        assert writer is not None
        asked = free_text.request_text(
            session, venture, free_text.NOTE, writer, "Pay people.\nFrom day one.", cyd.clock()
        )
        assert asked is not None
        session.commit()
        number = asked.id
    page.goto(f"{site}/translations?lang=en&format=standard")
    _checked(page, axe_check, "a note waiting")
    page.goto(f"{site}/translations?lang=en&format=standard")
    box = page.locator(f"textarea#text-{number}")
    box.fill("Talwch bobl.\nO'r diwrnod cyntaf.")
    with page.expect_navigation():
        page.locator(f"#task-{number} ~ form button").first.click()
    assert "The translation is saved." in page.content()
    with read_session(example_engine) as session:
        row = session.get(t.Translation, number)
        assert row is not None
        assert row.text == "Talwch bobl.\nO'r diwrnod cyntaf."
