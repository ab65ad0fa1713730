"""Assisted actions in a real browser (Chromium from the system; slow), on the example
programme: Bethan, the Board's clerk, records through check and confirm the vote Aled
gave at a meeting ("waiting for Aled Evans to confirm"); it does not count until Aled,
from "What I need to do", confirms it with the keyboard alone, and then the chair's
count goes up by one. An answer she records for Nia, a co-producer, is declined ("This
is not right") and never counts. axe-core finds no WCAG 2.0-2.2 A/AA violation on any
clerk or confirm page (forms, their errors, check pages, receipts, pending, confirmed
and declined) in English, Welsh, standard and Easy Read, and none scrolls sideways at
320 CSS pixels. Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import assisted
from services import commands as c
from services.commands import Cyd

from .conftest import describe
from .test_chair_pages import ALED, at_board
from .test_checklist import CHAIR, LEAD, NIA
from .test_checklist_browser import tab_to

pytestmark = pytest.mark.slow

CLERK = "bethan.rees@example.org"
SUMMARY = "coproduction-start/venture-summary"
NOT_SAID = "A café open at night, which nobody at the meeting asked for."
VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
Axe = Callable[[Page], list[dict[str, Any]]]


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def to_board(cyd: Cyd, title: str = "Community café") -> str:
    venture_id = c.start_venture(
        cyd, workstream="day-opportunities", title=title, lead=LEAD
    ).venture_id
    return at_board(cyd, venture_id)


def a_draft(cyd: Cyd) -> str:
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Walking group", lead=LEAD
    ).venture_id


# The rows of the chair's count (web/templates/_records.html `COUNTS`), in order.
COUNTS = ("eligible", "recused", "voted", "approve")


def counted(page: Page, chair_url: str, venture_id: str) -> dict[str, int]:
    """The chair's count so far: how many voted, and how many approve."""
    page.goto(f"{chair_url}/ventures/{venture_id}/chair")
    values = page.locator("#count-so-far .govuk-summary-list__value").all_inner_texts()
    return dict(zip(COUNTS, (int(v.strip()) for v in values), strict=False))


def main_text(page: Page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def clean(page: Page, axe_check: Axe, where: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"{where}:\n{describe(violations)}"
    assert page.csp_errors == [], page.csp_errors  # type: ignore[attr-defined]


def in_english(page: Page, url: str) -> None:
    page.goto(f"{url}/accessibility?lang=en&format=standard")  # remembered from here on


def test_a_vote_recorded_by_the_clerk_counts_once_the_member_confirms_it_with_the_keyboard(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, screenshots: Path
) -> None:
    venture_id = to_board(cyd)
    chair_url, clerk_url, aled_url = app_for(CHAIR), app_for(CLERK), app_for(ALED)
    before = counted(page, chair_url, venture_id)

    # The clerk: the form, the check page, the receipt.
    in_english(page, clerk_url)
    page.goto(f"{clerk_url}/clerk/ventures/{venture_id}/vote")
    page.get_by_label("Aled Evans").check()
    page.locator("#choice-approve").check()
    with page.expect_navigation():
        page.locator("form[action$='/vote/check'] button").click()
    assert "Check what you will record" in main_text(page)
    assert "Aled Evans" in main_text(page)
    with page.expect_navigation():
        page.locator("form[action$='/vote/record'] button").click()
    assert "/clerk/recorded/" in page.url
    assert "waiting for Aled Evans to confirm" in main_text(page)
    page.screenshot(path=screenshots / "clerk-receipt-en-standard.png", full_page=True)
    assert counted(page, chair_url, venture_id) == before  # recorded, not counted

    # The member, with the keyboard alone: "What I need to do", the confirm page, Confirm.
    in_english(page, aled_url)
    page.goto(f"{aled_url}/")
    assert "Confirm what the clerk recorded" in main_text(page)
    tab_to(page, lambda f: "/confirm/" in f["href"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/confirm/" in page.url
    shown = main_text(page)
    assert "Is this your vote?" in shown
    assert "Approve" in shown
    assert "Bethan Rees" in shown
    page.screenshot(path=screenshots / "confirm-vote-en-standard.png", full_page=True)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["value"] == "confirm")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "It counts now" in main_text(page)
    after = counted(page, chair_url, venture_id)
    assert (after["voted"], after["approve"]) == (before["voted"] + 1, before["approve"] + 1)
    assert after["eligible"] == before["eligible"]
    with read_session(cyd.engine) as session:
        [vote] = session.exec(select(t.Vote).where(t.Vote.venture_id == venture_id)).all()
    assert vote.choice == "approve"
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_an_answer_recorded_for_a_co_producer_and_declined_never_counts(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, screenshots: Path
) -> None:
    venture_id = a_draft(cyd)
    clerk_url, nia_url = app_for(CLERK), app_for(NIA)
    in_english(page, clerk_url)
    page.goto(f"{clerk_url}/clerk/ventures/{venture_id}/answer")
    page.get_by_label("Nia Morgan").check()
    page.locator("#item").select_option(SUMMARY)
    page.locator("#answer").fill(NOT_SAID)
    with page.expect_navigation():
        page.locator("form[action$='/answer/check'] button").click()
    assert NOT_SAID in main_text(page)
    with page.expect_navigation():
        page.locator("form[action$='/answer/record'] button").click()
    assert "waiting for Nia Morgan to confirm" in main_text(page)

    in_english(page, nia_url)
    page.goto(f"{nia_url}/confirm")
    with page.expect_navigation():
        page.locator("main a[href^='/confirm/']").first.click()
    shown = main_text(page)
    assert "Is this your answer?" in shown
    assert NOT_SAID in shown
    assert "venture-summary" not in shown  # the question, not the item's id
    with page.expect_navigation():
        page.locator("button[value=decline]").click()
    assert "It does not count" in main_text(page)
    page.screenshot(path=screenshots / "confirm-declined-en-standard.png", full_page=True)
    with read_session(cyd.engine) as session:
        answers = session.exec(select(t.Answer).where(t.Answer.venture_id == venture_id)).all()
    assert all(a.value != NOT_SAID for a in answers)
    # Nothing is left for her to confirm, and nothing can make it count now.
    page.goto(f"{nia_url}/confirm")
    assert page.locator("main a[href^='/confirm/']").count() == 0


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_every_clerk_and_confirm_page_passes_axe_and_fits_320_pixels(
    app_for: Callable[[str], str],
    page: Page,
    cyd: Cyd,
    axe_check: Axe,
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    board, draft = to_board(cyd), a_draft(cyd)
    clerk_url, aled_url, nia_url = app_for(CLERK), app_for(ALED), app_for(NIA)
    # For the confirm pages: a vote waiting; an answer replaced by a newer one, which is
    # confirmed; another declined.
    waiting = assisted.record_vote_for(
        cyd, board, by=CLERK, member=ALED, choice="approve-with-conditions", reason="Pay people."
    ).details["id"]
    replaced = assisted.record_answer_for(
        cyd, draft, by=CLERK, person=NIA, item_ref=SUMMARY, value=NOT_SAID
    ).details["id"]
    confirmed = assisted.record_answer_for(
        cyd, draft, by=CLERK, person=NIA, item_ref=SUMMARY, value=NOT_SAID + " Open every day."
    ).details["id"]
    assisted.confirm(cyd, confirmed, by=NIA)
    declined = assisted.record_answer_for(
        cyd, draft, by=CLERK, person=NIA, item_ref=SUMMARY, value=NOT_SAID
    ).details["id"]
    assisted.decline(cyd, declined, by=NIA)
    page.goto(f"{clerk_url}/accessibility?lang={lang}&format={shape}")  # one host: all servers

    def look(where: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, where
        clean(page, axe_check, where)
        page.set_viewport_size({"width": 320, "height": 800})
        assert page.evaluate(WIDE) <= 0, f"{where} scrolls sideways at 320 px"
        page.set_viewport_size({"width": 1024, "height": 800})

    def visit(url: str) -> None:
        answer = page.goto(url)
        assert answer is not None
        assert answer.status == 200, url
        look(url)

    # The clerk's vote: the form, its errors, the check page, the receipt.
    visit(f"{clerk_url}/clerk/ventures/{board}/vote")
    with page.expect_navigation():
        page.locator("form[action$='/vote/check'] button").click()
    assert page.locator(".govuk-error-summary").count() == 1
    look("the vote form's errors")
    page.locator("input[name=member]").first.check()
    page.locator("#choice-approve-with-conditions").check()
    page.locator("#conditions").fill("Pay people from the first day.")
    with page.expect_navigation():
        page.locator("form[action$='/vote/check'] button").click()
    look("the vote's check page")
    with page.expect_navigation():
        page.locator("form[action$='/vote/record'] button").click()
    assert "/clerk/recorded/" in page.url
    look("the vote's receipt")
    vote_id = int(page.url.rsplit("/", 1)[1])

    # The clerk's answer: the form, its errors, the check page, the receipt.
    visit(f"{clerk_url}/clerk/ventures/{draft}/answer")
    with page.expect_navigation():
        page.locator("form[action$='/answer/check'] button").click()
    assert page.locator(".govuk-error-summary").count() == 1
    look("the answer form's errors")
    page.get_by_label("Nia Morgan").check()
    page.locator("#item").select_option(SUMMARY)
    page.locator("#answer").fill(
        "We asked people what they wanted, and we changed the menu with them."
    )
    with page.expect_navigation():
        page.locator("form[action$='/answer/check'] button").click()
    look("the answer's check page")
    with page.expect_navigation():
        page.locator("form[action$='/answer/record'] button").click()
    look("the answer's receipt")
    answer_id = int(page.url.rsplit("/", 1)[1])
    # An answer the item refuses (too short to be a summary): the page says why.
    visit(f"{clerk_url}/clerk/ventures/{draft}/answer")
    page.get_by_label("Nia Morgan").check()
    page.locator("#item").select_option(SUMMARY)
    page.locator("#answer").fill("Café.")
    with page.expect_navigation():
        page.locator("form[action$='/answer/check'] button").click()
    with page.expect_navigation():
        page.locator("form[action$='/answer/record'] button").click()
    assert page.url.endswith("/answer/record")
    look("the answer refused")
    page.screenshot(path=screenshots / f"clerk-receipt-{lang}-{shape}.png", full_page=True)

    # The people it is for: the list; a vote and an answer waiting, one replaced by a
    # newer one, one confirmed, one declined.
    member = assisted.recorded_by_me(cyd, vote_id, by=CLERK).person
    member_url = aled_url if member == ALED else app_for(member)
    visit(f"{member_url}/confirm")
    visit(f"{member_url}/confirm/{vote_id}")
    page.screenshot(path=screenshots / f"confirm-vote-{lang}-{shape}.png", full_page=True)
    visit(f"{aled_url}/confirm/{waiting}")
    visit(f"{nia_url}/confirm")
    for pending_id in (answer_id, replaced, confirmed, declined):
        visit(f"{nia_url}/confirm/{pending_id}")
