"""The reviewers' pages in a real browser (Chromium from the system; slow): a reviewer signs
in with the real sign-in, opens the queue, reads a venture and recommends go through
check and confirm, the form done with the keyboard alone; axe-core finds no WCAG
2.0-2.2 A/AA violation on the queue, the review page, its error state, the check page
and the receipt in English, Welsh, standard and Easy Read; none scrolls sideways at 320
CSS pixels. Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.loader import Library
from services.commands import Cyd
from web.visitor import SignedIn

from .conftest import describe
from .test_checklist import person
from .test_checklist_browser import tab_to
from .test_review_pages import OWEN, in_review, reviews
from .test_whole_path_browser import Visitor, sign_in

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
NOTE = "Clear answers, and the lived-experience group chose the menu."
Axe = Callable[[Page], list[dict[str, Any]]]
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


@pytest.mark.usefixtures("mailboxes")
def test_a_reviewer_signs_in_reads_a_venture_and_recommends_go_with_the_keyboard(
    site: str,
    page: Page,
    cyd: Cyd,
    axe_check: Axe,
    screenshots: Path,
    example_engine: Engine,
    library: Library,
) -> None:
    venture = in_review(cyd)
    ids = [item.id for item in library.checklist("coproduction-start").items()]
    owen = Visitor(page, site, axe_check, screenshots, ids)

    # The queue needs signing in, and comes back after it.
    page.goto(f"{site}/reviews")
    assert owen.path == "/sign-in?next=%2Freviews"
    sign_in(owen, OWEN, "en", "standard")
    assert owen.path == "/reviews"
    owen.look("en", "standard", "review-01-queue")
    assert "1 venture is waiting for your review." in owen.main_text()
    assert "You have been asked to review it." in owen.main_text()

    # Open the venture from the queue.
    tab_to(page, lambda f: f["href"] == f"/ventures/{venture}/review")
    owen.press()
    assert owen.path == f"/ventures/{venture}/review"
    owen.look("en", "standard", "review-02-page")
    words = owen.main_text()
    assert "Community café" in words
    assert "Every question that must be answered has an answer." in words
    assert library.checklist("coproduction-start").item("venture-summary").question.en in words

    # The form with the keyboard alone: go, a note, continue.
    focused = tab_to(page, lambda f: f["name"] == "recommend")
    assert focused["value"] == "go"
    page.keyboard.press("Space")
    assert page.is_checked("input[name=recommend][value=go]")
    tab_to(page, lambda f: f["name"] == "note")
    page.keyboard.type(NOTE)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Continue")
    owen.press()
    assert owen.path == f"/ventures/{venture}/review/check"
    owen.look("en", "standard", "review-03-check")
    words = owen.main_text()
    assert "Go: the Board should approve the venture" in words
    assert NOTE in words
    assert reviews(example_engine, venture) == []  # nothing recorded before confirming

    tab_to(page, lambda f: f["name"] == "then" and f["value"] == "confirm")
    owen.press()
    assert owen.path == f"/ventures/{venture}/review/recorded"
    owen.look("en", "standard", "review-04-recorded")
    assert "Recommendation recorded" in owen.main_text()
    assert reviews(example_engine, venture) == [("go", NOTE, True)]


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_the_reviewers_pages_pass_axe_and_fit_320_pixels(
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    serve: Callable[[FastAPI], str],
    page: Page,
    cyd: Cyd,
    axe_check: Axe,
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    venture = in_review(cyd)
    who = person(example_engine, OWEN)
    url = serve(make_app(example_engine, identify=lambda _r, _e: SignedIn(who, f"session-{OWEN}")))
    page.goto(f"{url}/accessibility?lang={lang}&format={shape}")  # remembered from here on
    review = f"/ventures/{venture}/review"

    def check(name: str) -> None:
        """The page as it is now: in the language and format, no axe violation, no
        sideways scrolling at 320 px."""
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang, name
        page.set_viewport_size({"width": 1024, "height": 800})
        violations = axe_check(page)
        assert violations == [], f"{name}:\n" + describe(violations)
        page.screenshot(path=screenshots / f"review-{name}-{lang}-{shape}.png", full_page=True)
        page.set_viewport_size({"width": 320, "height": 800})
        wide = page.evaluate(SIDEWAYS)
        assert wide <= 0, f"{name} scrolls sideways at 320 px by {wide} px"
        page.set_viewport_size({"width": 1024, "height": 800})

    page.goto(url + "/reviews")
    check("queue")
    page.goto(url + review)
    check("page")
    # The error state: continue without choosing.
    with page.expect_navigation():
        page.click(f"form[action='{review}/check'] button")
    assert page.locator(".govuk-error-summary").count() == 1
    check("error")
    page.check("input[name=recommend][value=recycle]")
    page.fill("textarea[name=note]", "x" * 300)  # a long word must not widen the page
    with page.expect_navigation():
        page.click(f"form[action='{review}/check'] button")
    check("check")
    with page.expect_navigation():
        page.click("button[value=confirm]")
    assert page.url.endswith(f"{review}/recorded")
    check("recorded")
    assert page.csp_errors == []  # type: ignore[attr-defined]
