"""The chair's pages, the decision record and the audit trail in a real browser
(Chromium from the system; slow): Megan closes a vote early with the keyboard alone
through the confirm page that shows the count and both quorums; the decision record in
her Welsh Easy Read; the audit trail filtered by person; a non-chair's close URL is
"Page not found" and audited; a forged form is refused; axe-core finds no WCAG 2.0-2.2
A/AA violation on each page in English, Welsh, standard and Easy Read; no sideways
scrolling at 320 CSS pixels. Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import Library
from governance.catalogue import text
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from services.decision_record import decision_record

from .conftest import describe
from .test_chair_pages import ALED, DAVID, PRIYA, SIAN, TOM, at_board
from .test_checklist import CHAIR, LEAD
from .test_checklist_browser import tab_to

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
WIDE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def to_board(cyd: Cyd) -> str:
    venture_id = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    return at_board(cyd, venture_id)


def voted(cyd: Cyd) -> str:
    """A venture at the Board with four votes in: quorum and both lived-experience votes."""
    venture_id = to_board(cyd)
    c.declare_interest(cyd, venture_id, member=DAVID, interest="Runs a café")
    c.vote(cyd, venture_id, member=CHAIR, choice="approve", supported_by=TOM)
    c.vote(cyd, venture_id, member=ALED, choice="approve")
    c.vote(cyd, venture_id, member=SIAN, choice="approve")
    c.vote(cyd, venture_id, member=PRIYA, choice="approve-with-conditions", reason="Pay people.")
    return venture_id


def test_megan_closes_the_vote_early_with_the_keyboard_and_reads_the_record(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, screenshots: Path
) -> None:
    venture_id = voted(cyd)
    url = app_for(CHAIR)  # Megan: Welsh, Easy Read, her own choices
    page.goto(f"{url}/ventures/{venture_id}/chair")
    assert page.locator("html").get_attribute("lang") == "cy"
    # To the confirm page, and on, with the keyboard alone.
    tab_to(page, lambda f: f["href"].endswith("/chair/close"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/ventures/{venture_id}/chair/close")
    count = page.locator("#count-so-far").inner_text()
    assert "4" in count
    quorum = page.locator("#quorum").inner_text()
    assert text("quorum-met", "cy", {"voted": 4, "needed": 4}, True) in quorum
    lived = text("lived-experience-quorum-met", "cy", {"count": 3, "needed": 2}, True)
    assert lived in quorum
    page.screenshot(path=screenshots / "chair-close-cy-easy-read.png", full_page=True)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Gorffen y bleidlais")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/ventures/{venture_id}/chair/closed")
    page.screenshot(path=screenshots / "chair-closed-cy-easy-read.png", full_page=True)

    # The decision record: every reason in Welsh Easy Read.
    tab_to(page, lambda f: f["href"].endswith("/decisions"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shown = page.locator("main").inner_text()
    [decision] = decision_record(cyd.engine, CHAIR, venture_id).decisions
    for reason in decision.reasons:
        said = text(reason.code, "cy", dict(reason.params), True)
        assert " ".join(said.split()) in " ".join(shown.split())
    assert page.locator("#decision-1-head").inner_text() == decision.audit_head
    page.screenshot(path=screenshots / "decisions-cy-easy-read.png", full_page=True)
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_the_audit_trail_is_filtered_by_person_without_javascript_needed(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, screenshots: Path
) -> None:
    venture_id = voted(cyd)
    url = app_for(LEAD)
    page.goto(f"{url}/accessibility?lang=en&format=standard")
    page.goto(f"{url}/ventures/{venture_id}/audit")
    page.select_option("#person", ALED)
    with page.expect_navigation():
        page.locator("#filter").click()
    assert "person=aled.evans%40example.org" in page.url
    events = page.locator("#events li").all_inner_texts()
    assert events
    assert all("Aled Evans" in e for e in events)
    assert "Intact" in page.locator("#chain").inner_text()
    page.screenshot(path=screenshots / "audit-en-standard.png", full_page=True)


def test_a_non_chairs_close_url_is_not_found_and_audited_and_a_forged_form_refused(
    app_for: Callable[[str], str], page: Page, cyd: Cyd
) -> None:
    venture_id = voted(cyd)
    url = app_for(ALED)
    answer = page.goto(f"{url}/ventures/{venture_id}/chair/close")
    assert answer is not None
    assert answer.status == 404
    with read_session(cyd.engine) as session:
        refused = session.exec(select(t.Denial).where(t.Denial.actor == ALED)).all()
    assert [(d.action, d.details["code"]) for d in refused] == [("board.close", "not-chair")]
    # A form posted from elsewhere, without the token: refused, nothing closed.
    chair_url = app_for(CHAIR)
    page.goto(f"{chair_url}/accessibility")
    status = page.evaluate(
        """async (action) => (await fetch(action, {method: "POST",
             headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: ""})).status""",
        f"{chair_url}/ventures/{venture_id}/chair/close",
    )
    assert status == 403
    with read_session(cyd.engine) as session:
        ballot = session.exec(select(t.Ballot).where(t.Ballot.venture_id == venture_id)).one()
    assert ballot.closed_at is None


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_the_chairs_pages_and_records_pass_axe_and_fit_320_pixels(
    app_for: Callable[[str], str],
    page: Page,
    cyd: Cyd,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    open_vote = voted(cyd)
    decided = voted(cyd)
    c.close_vote(cyd, decided, by=CHAIR)
    url = app_for(CHAIR)
    page.goto(f"{url}/accessibility?lang={lang}&format={shape}")  # remembered from here on
    paths = [
        f"/ventures/{open_vote}/chair",
        f"/ventures/{open_vote}/chair/close",
        f"/ventures/{open_vote}/chair/extend",
        f"/ventures/{decided}/decisions",
        f"/ventures/{decided}/audit",
        f"/ventures/{decided}/audit?person={ALED}&kind=board",
    ]
    for width in (1024, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            answer = page.goto(url + path)
            assert answer is not None
            assert answer.status == 200, path
            assert page.locator("html").get_attribute("lang") == lang
            if width == 320:
                assert page.evaluate(WIDE) <= 0, f"{path} scrolls sideways at 320 px"
                continue
            violations = axe_check(page)
            assert violations == [], f"{path}:\n" + describe(violations)
    # The extension's error state and its check page.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(url + f"/ventures/{open_vote}/chair/extend")
    page.locator("#continue").click()
    assert page.locator(".govuk-error-summary").count() == 1
    violations = axe_check(page)
    assert violations == [], "extend error:\n" + describe(violations)
    page.fill("#until-day", "1")
    page.fill("#until-month", "6")
    page.fill("#until-year", "2040")
    page.fill("#reason", "Members need the papers in Easy Read first.")
    page.locator("#continue").click()
    assert page.locator("#extension").count() == 1
    violations = axe_check(page)
    assert violations == [], "extend check:\n" + describe(violations)
    page.locator("#confirm").click()
    violations = axe_check(page)
    assert violations == [], "extended:\n" + describe(violations)
    page.screenshot(path=screenshots / f"chair-extended-{lang}-{shape}.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate(WIDE) <= 0
    page.goto(url + f"/ventures/{decided}/decisions")
    page.screenshot(path=screenshots / f"decisions-{lang}-{shape}-320.png", full_page=True)
    assert page.csp_errors == []  # type: ignore[attr-defined]
