"""A justification in a real browser (Chromium from the system; slow): Gareth, the lead,
answers how many people with lived experience take part with 0, is told at once that
it does not meet what the checklist asks and why (the banner takes the focus), says why
it cannot be met yet in the field the page now asks, with the keyboard, and sees the
exception on the task list and on check your answers; a justification too long is
refused with the error summary. axe-core finds no WCAG 2.0-2.2 A/AA violation on any
of these pages, in English and in Welsh Easy Read. Screenshots go to
tests/web/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.loader import Library
from checklists.spec import Text
from services import commands as c
from services.commands import Cyd
from services.venture_checklist import venture_checklists

from .conftest import describe
from .test_checklist import LEAD
from .test_checklist_browser import tab_to

pytestmark = pytest.mark.slow

COUNT = "lived-experience-count"
FIELD = f"justification-{COUNT}"
WHY = {
    "en": "The self-advocacy group meets on the 14th and will choose two people to join us.",
    "cy": "Mae'r grŵp hunan-eiriolaeth yn cwrdd ar y 14eg a bydd yn dewis dau berson.",
}
# What the task list says of an item let through by a justification, by language and format.
EXCEPTION = {
    ("en", "standard"): "Exception given",
    ("cy", "easy-read"): "Dywedoch chi pam nad yw wedi'i wneud",
}


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def pick(text: Text, lang: str) -> str:
    return text.cy if lang == "cy" else text.en


def no_violations(page: Page, axe_check: Callable[[Page], list[dict[str, Any]]], what: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"{what}:\n" + describe(violations)


def save_and_continue(page: Page) -> None:
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["value"] == "continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize(("lang", "shape"), [("en", "standard"), ("cy", "easy-read")])
def test_gareth_answers_0_sees_why_it_is_not_met_and_gives_a_justification(
    app_for: Callable[[str], str],
    page: Page,
    cyd: Cyd,
    example_engine: Engine,
    library: Library,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    item = library.checklist("coproduction-start").item(COUNT)
    met = item.met_when
    assert met is not None
    assert met.justification is not None
    assert met.justification_easy_read is not None
    easy = shape == "easy-read"
    reason = pick(met.easy_read if easy else met.reason, lang)
    asked = pick(met.justification_easy_read if easy else met.justification, lang)
    url = app_for(LEAD)
    page.goto(f"{url}/accessibility?lang={lang}&format={shape}")  # remembered from here on
    # Standard: the people section's page; Easy Read: the question's own page.
    where = f"/ventures/{venture}/checklist/{COUNT if easy else 'people-affected'}"
    page.goto(url + where)
    assert page.locator(f"#{FIELD}").count() == 0  # not asked before there is a reason
    tab_to(page, lambda f: f["name"] == f"answer-{COUNT}")
    page.keyboard.type("0")
    save_and_continue(page)

    # Saved, not met: the same page, a banner saying so and why, which takes the focus.
    assert page.url.endswith(f"{where}?saved=1")
    banner = page.locator(".govuk-notification-banner")
    assert banner.count() == 1
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert "govuk-notification-banner" in page.evaluate("document.activeElement.className")
    assert reason in " ".join(banner.inner_text().split())
    assert page.locator("html").get_attribute("lang") == lang
    # The field asking why: the checklist's own question as its label (a sentence a line
    # in Easy Read), the reason said with it.
    label = " ".join(page.locator(f"label[for='{FIELD}']").inner_text().split())
    assert label == " ".join(asked.split())
    hint = " ".join(page.locator(f"#{FIELD}-hint").inner_text().split())
    assert reason in hint
    no_violations(page, axe_check, "saved, not met")
    page.screenshot(path=screenshots / f"justification-asked-{lang}-{shape}.png", full_page=True)

    # Too long: refused, the error summary takes the focus and leads to the field.
    page.locator(f"#{FIELD}").fill("word " * 301)
    save_and_continue(page)
    assert page.locator(".govuk-error-summary").count() == 1
    assert "govuk-error-summary" in page.evaluate("document.activeElement.className")
    no_violations(page, axe_check, "justification too long")
    page.screenshot(path=screenshots / f"justification-error-{lang}-{shape}.png", full_page=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link
    assert page.evaluate("document.activeElement.id") == FIELD
    saved = venture_checklists(example_engine, library, venture).values("coproduction-start")
    assert saved == {COUNT: 0}  # nothing of the refused page was saved

    # The justification, typed: saved, and on to the next page.
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(WHY[lang])
    save_and_continue(page)
    assert "saved=1" not in page.url
    assert not page.url.endswith(where)
    saved = venture_checklists(example_engine, library, venture).values("coproduction-start")
    assert saved[f"{COUNT}.justification"] == WHY[lang]

    # The task list: an exception, never "completed".
    page.goto(f"{url}/ventures/{venture}/checklist")
    row = page.locator(".govuk-task-list__item").filter(
        has=page.locator(f"a[href='/ventures/{venture}/checklist/{COUNT}']")
    )
    status = " ".join(row.locator(".govuk-task-list__status").inner_text().split())
    assert status == EXCEPTION[(lang, shape)]
    no_violations(page, axe_check, "task list")
    page.screenshot(path=screenshots / f"justification-tasks-{lang}-{shape}.png", full_page=True)

    # Check your answers: the justification in its own row, with a change link to it.
    page.goto(f"{url}/ventures/{venture}/check")
    assert WHY[lang] in page.locator("main").inner_text()
    change = page.locator(f"a[href$='#{FIELD}']")
    assert change.count() == 1
    no_violations(page, axe_check, "check your answers")
    with page.expect_navigation():
        change.click()
    assert page.url.endswith(f"/ventures/{venture}/checklist/{COUNT}?from=check#{FIELD}")
    assert page.locator(f"#{FIELD}").input_value() == WHY[lang]
    assert page.csp_errors == []  # type: ignore[attr-defined]
