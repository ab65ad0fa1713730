"""The Board's pages in a real browser (Chromium from the system; slow): a member reads
the papers, declares an interest and withdraws it, votes with the keyboard alone through
check-and-confirm and changes the vote; the chair votes with her supporter and asks for
more time; a lead typing their own vote address gets "Page not found" (audited); a
forged form without the CSRF token is refused; axe-core finds no WCAG 2.0-2.2 A/AA
violation on any of the pages in English, Welsh, standard and Easy Read; no sideways
scrolling at 320 CSS pixels. Screenshots go to tests/web/screenshots/."""

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
from tests.flows.scenario import make_cyd, to_board
from web.visitor import SignedIn

from .conftest import describe
from .test_board_pages import CHAIR, DAVID, LEAD, NIA, TOM, current_vote, denials
from .test_checklist import person
from .test_checklist_browser import tab_to

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
WIDTH = """() => document.documentElement.scrollWidth"""


@pytest.fixture
def cyd(web_engine: Engine, library: Library) -> Cyd:
    return make_cyd(web_engine, library)


@pytest.fixture
def venture(cyd: Cyd) -> str:
    return to_board(cyd)


@pytest.fixture
def app_for(
    make_app: Callable[..., FastAPI], web_engine: Engine, cyd: Cyd, serve: Callable[[FastAPI], str]
) -> Callable[[str], str]:
    """The pages served with `email` signed in (at the programme's time): their address."""

    def start(email: str) -> str:
        who = person(web_engine, email)
        app = make_app(web_engine, identify=lambda _r, _e: SignedIn(who, f"session-{email}"))
        app.state.cyd.clock = cyd.clock
        return serve(app)

    return start


def clean(page: Page, axe_check: Callable[[Page], list[dict[str, Any]]], where: str) -> None:
    violations = axe_check(page)
    assert not violations, f"{where}:\n{describe(violations)}"
    assert not page.csp_errors, page.csp_errors  # type: ignore[attr-defined]


def test_a_member_reads_declares_withdraws_and_votes_with_the_keyboard(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, venture: str, screenshots: Path
) -> None:
    url = app_for(DAVID)
    page.goto(f"{url}/board/pack?lang=en&format=standard")
    assert page.locator("h1").inner_text().startswith("Board papers")
    assert page.get_by_text("Well co-produced.").count() >= 2
    page.screenshot(path=screenshots / "board-pack-en.png", full_page=False)

    page.goto(f"{url}/ventures/{venture}/interest")
    page.get_by_label("What is your interest?").fill("I run a café nearby")
    with page.expect_navigation():
        page.get_by_role("button", name="Declare my interest").click()
    assert page.locator("#leave").is_visible()
    assert "I run a café nearby" in page.locator("#declared").inner_text()
    page.goto(f"{url}/ventures/{venture}/vote")
    assert page.locator("input[name=choice]").count() == 0  # never the form
    page.goto(f"{url}/ventures/{venture}/interest")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw my declaration").click()
    assert "take part in this decision again" in page.locator("main").inner_text()

    # The keyboard alone: Tab to the first choice, Space, Tab to Continue, Enter; then
    # Tab to the confirm button and Enter.
    page.goto(f"{url}/ventures/{venture}/vote")
    tab_to(page, lambda f: f["name"] == "choice" and f["value"] == "approve")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check your vote"
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Confirm my vote")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/ventures/{venture}/vote/receipt")
    assert "Vote recorded" in page.locator("h1").inner_text()
    stored = current_vote(cyd, venture, DAVID)
    assert stored is not None
    assert stored.choice == "approve"

    # Changed before the vote closes: the page shows the vote as it is.
    page.get_by_role("link", name="Change my vote").click()
    assert "Approve" in page.locator("#current-vote").inner_text()
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Your conditions").fill("Pay people from the first day.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm my vote").click()
    page.wait_for_url(f"**/ventures/{venture}/vote/receipt")
    stored = current_vote(cyd, venture, DAVID)
    assert stored is not None
    assert (stored.choice, stored.reason) == (
        "approve-with-conditions",
        "Pay people from the first day.",
    )


def test_the_chair_votes_with_her_supporter_and_asks_for_more_time(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, venture: str, screenshots: Path
) -> None:
    url = app_for(CHAIR)  # Welsh, Easy Read
    page.goto(f"{url}/ventures/{venture}/vote")
    assert page.locator("html").get_attribute("lang") == "cy"
    page.locator("input[name=choice][value=more-time]").check()
    page.locator(f"input[name=supporter][value='{TOM}']").check()
    page.screenshot(path=screenshots / "board-vote-cy-easy-read.png", full_page=False)
    page.locator("form[action$='/vote/check'] button").click()
    assert "Tom Price" in page.locator("main").inner_text()
    page.get_by_role("button", name="Anfon fy mhleidlais").click()
    page.wait_for_url(f"**/ventures/{venture}/vote/receipt")
    assert "Gofynnoch chi am fwy o amser" in page.locator("h1").inner_text()
    stored = current_vote(cyd, venture, CHAIR)
    assert stored is not None
    assert stored.choice == "more-time"
    assert stored.supported_by_id == person(cyd.engine, TOM).id


def test_the_lead_typing_their_own_vote_address_gets_not_found(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, venture: str
) -> None:
    url = app_for(LEAD)
    answer = page.goto(f"{url}/ventures/{venture}/vote")
    assert answer is not None
    assert answer.status == 404
    assert denials(cyd) == [(LEAD, "board.vote", "own-venture")]


def test_a_forged_form_without_the_csrf_token_is_refused(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, venture: str
) -> None:
    url = app_for(DAVID)
    page.goto(f"{url}/ventures/{venture}/vote")  # the browser holds the CSRF cookie
    for path in ("/vote/check", "/interest", "/interest/withdraw"):
        answer = page.request.post(
            f"{url}/ventures/{venture}{path}",
            form={"choice": "approve", "confirm": "yes", "interest": "forged"},
            max_redirects=0,
        )
        assert answer.status == 403, path
    assert current_vote(cyd, venture, DAVID) is None


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_every_board_page_passes_axe_and_reflows_at_320_pixels(
    app_for: Callable[[str], str],
    page: Page,
    venture: str,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    url = app_for(DAVID)
    nia = app_for(NIA)
    choice = f"?lang={lang}&format={shape}"
    seen: list[str] = []

    def visit(where: str) -> None:
        clean(page, axe_check, f"{where} {lang} {shape}")
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate(WIDTH) <= 320, f"{where} scrolls sideways at 320 px"
        page.set_viewport_size({"width": 1280, "height": 800})
        seen.append(where)

    page.goto(f"{url}/board{choice}")
    visit("agenda")
    page.goto(f"{url}/board/pack")
    visit("pack")
    page.screenshot(path=screenshots / f"board-pack-{lang}-{shape}.png", full_page=False)
    page.goto(f"{url}/ventures/{venture}/interest")
    visit("interest")
    page.goto(f"{url}/ventures/{venture}/vote")
    page.locator("form[action$='/vote/check'] button").click()  # nothing chosen: errors
    page.wait_for_load_state()
    visit("vote with errors")
    page.locator("input[name=choice][value=approve-with-conditions]").check()
    visit("vote")
    page.locator("textarea[name=conditions]").fill("Pay people from the first day.")
    page.locator("form[action$='/vote/check'] button").click()
    page.wait_for_load_state()
    visit("check")
    page.locator("form[action$='/vote/check'] button").click()
    page.wait_for_url(f"**/ventures/{venture}/vote/receipt")
    visit("receipt")
    page.goto(f"{nia}/ventures/{venture}/vote{choice}")
    visit("may not vote")
    assert len(seen) == 8
