"""A venture's Easy Read summary in a real Chromium: a co-producer checks it with the
keyboard (an error first, then "Yes, it says it right"); the venture's page with the
summary and its forms passes axe-core in English, Welsh, standard and Easy Read, and
fits a 320 px screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.loader import Library
from models.db import read_session
from services import commands as c
from services.easy_read_summaries import summary_for, write_summary

from .test_home import signed_in_as
from .test_translation_browser import _checked

pytestmark = pytest.mark.slow

RHYS = "rhys.thomas@example.org"  # a co-producer
GARETH = "gareth.jones@example.org"
TEXT = "We want to open a café in the old library.\nPeople who use day services run it."


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str], make_app: Callable[..., FastAPI], example_engine: Engine
) -> str:
    return serve(make_app(example_engine, identify=signed_in_as(example_engine, RHYS)))


def test_a_co_producer_checks_the_summary_with_the_keyboard(
    site: str,
    page: Page,
    example_engine: Engine,
    library: Library,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
) -> None:
    cyd = c.Cyd(example_engine, library)
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=GARETH
    ).venture_id
    write_summary(cyd, venture, TEXT, by=GARETH)
    page.goto(f"{site}/ventures/{venture}?lang=en&format=standard")
    _checked(page, axe_check, "waiting for a check")
    page.goto(f"{site}/ventures/{venture}?lang=en&format=standard")
    page.get_by_role("button", name="Save your check").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # nothing chosen: the error
    assert page.locator(".govuk-error-summary").count() == 1
    focused = page.evaluate("document.activeElement.className")
    assert "govuk-error-summary" in focused  # focus moves to what went wrong
    _checked(page, axe_check, "with an error")
    page.goto(f"{site}/ventures/{venture}?lang=en&format=standard")
    page.get_by_label("Yes, it says it right").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save your check").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your check is saved." in page.content()
    page.screenshot(path=screenshots / "summary-agreed-en.png", full_page=True)
    _checked(page, axe_check, "agreed")
    with read_session(example_engine) as session:
        found = summary_for(session, venture)
    assert found is not None
    assert (found.state, found.checked_by) == ("agreed", RHYS)
    assert page.csp_errors == []  # type: ignore[attr-defined]
