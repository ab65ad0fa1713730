"""The checklist in a real browser (Chromium from the system; slow): completed with the
keyboard alone, focus on the error summary after a mistake, axe-core finding no WCAG
2.0-2.2 A/AA violation on the task list, a question page of each input type, the
error state and check your answers in English, Welsh, standard and Easy Read, and no
sideways scrolling at 320 CSS pixels. Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.loader import Library
from services import commands as c
from services.commands import Cyd
from services.venture_checklist import venture_checklists

from .conftest import describe
from .test_checklist import LEAD, NIA, SUMMARY

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
SENTENCE = "We will open a café that people who use day services run together with us."
TYPED = {
    "answer-lived-experience-count": "5",
    "answer-lived-experience-still-involved": "5",
    "answer-last-feedback-date-day": "7",
    "answer-last-feedback-date-month": "3",
    "answer-last-feedback-date-year": "2027",
    "answer-feedback-link": "https://example.org/notes",
    "answer-co-producer-contact": "Nia Morgan",
    "answer-safeguarding-contact": "Elin Davies",
}
# Choices that meet what the checklist asks (`met_when`): a radio group's option by how
# many times the down arrow moves from the first; the boxes to tick in a checkbox group.
ARROW_DOWN = {
    "answer-ladder-rung": 6,  # co-production, the last of seven rungs
    "answer-lived-experience-first": 3,  # before the idea was chosen, the last of four
    "answer-taking-part-felt": 2,  # good, the last of three
}
TICK = {
    "answer-formats-offered": {"easy-read", "welsh"},
    "answer-sectors-represented": {"council", "self-advocacy-groups"},
    "answer-support-offered": {"induction", "supporter-costs"},
}
# What the keyboard test reads of the focused element (reading is not acting).
FOCUSED = """() => {
  const e = document.activeElement;
  const group = e.name ? [...document.getElementsByName(e.name)] : [];
  return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value || "",
          href: e.getAttribute("href") || "", text: (e.innerText || "").trim(),
          checked: !!e.checked, groupChecked: group.some(x => x.checked)};
}"""


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def tab_to(
    page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 300
) -> dict[str, Any]:
    """Press Tab until the focused element is the one wanted; return what it is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached it")


def answer_with_the_keyboard(page: Page) -> None:
    """Answer every empty field of a question page with the keyboard, then press Enter on
    "save and continue"."""
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        name = focused["name"]
        if focused["tag"] == "BUTTON" and focused["value"] == "continue":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        if not name.startswith("answer-"):
            continue
        if focused["type"] == "checkbox" and name in TICK:
            if focused["value"] in TICK[name] and not focused["checked"]:
                page.keyboard.press("Space")
        elif focused["type"] in ("radio", "checkbox"):
            if not focused["groupChecked"]:
                page.keyboard.press("Space")  # the first choice: yes, or the first option
                for _ in range(ARROW_DOWN.get(name, 0)):
                    page.keyboard.press("ArrowDown")  # moves the choice along the group
        elif not focused["value"]:
            page.keyboard.type(TYPED.get(name, SENTENCE))
    raise AssertionError("never reached save and continue")


def test_the_checklist_is_completed_with_the_keyboard_alone(
    app_for: Callable[[str], str],
    page: Page,
    cyd: Cyd,
    example_engine: Engine,
    library: Library,
    screenshots: Path,
) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    url = app_for(LEAD)
    page.goto(f"{url}/ventures/{venture}/checklist?lang=en&format=standard")
    tab_to(page, lambda f: f["href"].endswith("/checklist/venture-summary"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    pages = 0
    while "/checklist/" in page.url:
        answer_with_the_keyboard(page)
        pages += 1
        assert pages < 40, "the questions never ended"
    assert page.url.endswith(f"/ventures/{venture}/check")
    assert page.locator("#missing").count() == 0  # nothing missing
    c.sign_off(cyd, venture, by="nia.morgan@example.org")  # as the gate asks
    tab_to(page, lambda f: f["tag"] == "BUTTON" and "Send the checklist" in f["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/ventures/{venture}/submitted")
    assert page.locator(".govuk-panel").count() == 1
    page.screenshot(path=screenshots / "checklist-submitted-en-standard.png", full_page=True)
    assert venture_checklists(example_engine, library, venture).state == "in_review"
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_focus_moves_to_the_error_summary_and_from_it_to_the_field(
    app_for: Callable[[str], str], page: Page, cyd: Cyd, screenshots: Path
) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    url = app_for(LEAD)
    page.goto(f"{url}/ventures/{venture}/checklist/people-affected?lang=en&format=standard")
    tab_to(page, lambda f: f["name"] == "answer-lived-experience-count")
    page.keyboard.type("lots")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form, as a person would
    focused = page.evaluate("document.activeElement.className")
    assert "govuk-error-summary" in focused
    assert page.title().startswith("Error: ")
    page.screenshot(path=screenshots / "checklist-error-en-standard.png", full_page=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link takes focus to the field
    assert page.evaluate("document.activeElement.id") == "answer-lived-experience-count"


def _pages_of_each_kind(cyd: Cyd) -> tuple[str, list[str]]:
    """A returned venture at the design gate and one at the delivery gate: the task list,
    a question page of each input type, and check your answers (paths)."""
    design = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    c.answer(cyd, design, "venture-summary", SUMMARY, by=NIA)
    c.submit(cyd, design, by=LEAD)  # returned: its reasons on the task list
    c.answer(cyd, design, "formats-offered", ["easy-read", "welsh"], by=LEAD)
    delivery = c.start_venture(
        cyd, workstream="day-opportunities", title="Year two", lead=LEAD, gate="delivery"
    ).venture_id
    questions = [
        (design, "venture-summary"),  # text, with a word count
        (design, "ladder-rung"),  # single choice
        (design, "formats-offered"),  # multiple choice
        (design, "lived-experience-count"),  # number
        (delivery, "still-paid"),  # yes or no
        (delivery, "co-producer-contact"),  # people
        (delivery, "last-feedback-date"),  # date
        (delivery, "feedback-link"),  # link
    ]
    paths = [f"/ventures/{design}/checklist"]
    paths += [f"/ventures/{v}/checklist/{item}" for v, item in questions]
    paths += [f"/ventures/{design}/check"]
    return design, paths


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_the_checklist_pages_pass_axe_and_fit_320_pixels(
    app_for: Callable[[str], str],
    page: Page,
    cyd: Cyd,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    design, paths = _pages_of_each_kind(cyd)
    # A long unbroken answer must not widen the page.
    c.answer(cyd, design, "people-affected", "x" * 2000, by=LEAD)
    url = app_for(LEAD)
    page.goto(f"{url}/accessibility?lang={lang}&format={shape}")  # remembered from here on
    for width in (1024, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            answer = page.goto(url + path)
            assert answer is not None
            assert answer.status == 200, path
            assert page.locator("html").get_attribute("lang") == lang
            if width == 320:
                wide = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert wide <= 0, f"{path} scrolls sideways at 320 px by {wide} px"
                continue
            violations = axe_check(page)
            assert violations == [], f"{path}:\n" + describe(violations)
        if width == 1024:
            shown = (("task-list", paths[0]), ("question", paths[3]), ("check", paths[-1]))
            for name, path in shown:
                page.goto(url + path)
                picture = screenshots / f"checklist-{name}-{lang}-{shape}.png"
                page.screenshot(path=picture, full_page=True)
    # The error state: a number that is not one, sent with the keyboard.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(url + f"/ventures/{design}/checklist/lived-experience-count")
    tab_to(page, lambda f: f["name"] == "answer-lived-experience-count")
    page.keyboard.type("lots")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-error-summary").count() == 1
    violations = axe_check(page)
    assert violations == [], "error state:\n" + describe(violations)
    page.screenshot(path=screenshots / f"checklist-error-{lang}-{shape}.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    assert page.csp_errors == []  # type: ignore[attr-defined]
