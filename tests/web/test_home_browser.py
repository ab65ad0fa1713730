"""The signed-in person's pages in a real browser (Chromium from the system): "What I
need to do", "My ventures", a venture's page (one returned for changes, with its
reasons) and "Start a venture" (and its mistakes) pass axe-core with no WCAG 2.0, 2.1
or 2.2 A/AA violation in English, Welsh, standard and Easy Read; none scrolls sideways
at 320 CSS pixels; the CSP blocks nothing; screenshots are saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from checklists.library import Library
from models.db import utcnow
from services.commands import Cyd, extend, start_venture, submit

from .conftest import describe
from .test_home import GARETH, NASTY, WORKSTREAM, signed_in_as

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
NARROW = {"width": 320, "height": 900}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str],
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    library: Library,
) -> str:
    """The pages, signed in as Gareth, with a venture returned for changes (v-0001) and
    a draft with a deadline and a title that tries everything (v-0002)."""
    cyd = Cyd(example_engine, library)
    returned = start_venture(cyd, workstream=WORKSTREAM, title="Community café", lead=GARETH)
    submit(cyd, returned.venture_id, by=GARETH)
    draft = start_venture(cyd, workstream=WORKSTREAM, title=NASTY, lead=GARETH)
    until = utcnow().date() + dt.timedelta(days=12)
    extend(cyd, draft.venture_id, until=until, by=GARETH, reason="Time to meet")
    return serve(make_app(example_engine, identify=signed_in_as(example_engine, GARETH)))


PAGES = {
    "home": "/",
    "ventures": "/ventures",
    "venture": "/ventures/v-0001",
    "new-venture": "/ventures/new",
}


def _fits_at_320(page: Page) -> bool:
    width: Any = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bool(width[0] <= width[1])


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_passes_axe_and_fits_a_narrow_screen(
    site: str,
    page: Page,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    name: str,
    lang: str,
    shape: str,
) -> None:
    page.set_viewport_size(WIDE)
    answer = page.goto(f"{site}{PAGES[name]}?lang={lang}&format={shape}")
    assert answer is not None
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("body.govuk-frontend-supported").count() == 1
    violations = axe_check(page)
    assert violations == [], describe(violations)
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.screenshot(path=screenshots / f"{name}-{lang}-{shape}.png", full_page=True)
    page.set_viewport_size(NARROW)
    assert _fits_at_320(page), f"{name} scrolls sideways at 320px"
    page.screenshot(path=screenshots / f"{name}-{lang}-{shape}-320.png", full_page=True)


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_the_start_forms_mistakes_pass_axe_and_take_the_focus(
    site: str,
    page: Page,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    page.goto(f"{site}/ventures/new?lang={lang}&format={shape}")
    page.locator("form[action='/ventures/new'] button").click()  # nothing chosen, nothing written
    page.wait_for_selector(".govuk-error-summary")
    # GOV.UK Frontend's script moves the focus to the error summary.
    focused = page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert focused
    assert page.locator(".govuk-error-summary__list a").count() == 2
    violations = axe_check(page)
    assert violations == [], describe(violations)
    page.set_viewport_size(NARROW)
    assert _fits_at_320(page)
    page.screenshot(path=screenshots / f"new-venture-mistakes-{lang}-{shape}.png", full_page=True)


def test_the_venture_page_shows_the_returned_reasons_first(site: str, page: Page) -> None:
    page.goto(f"{site}/ventures/v-0001?lang=en&format=standard")
    banner = page.locator(".govuk-notification-banner")
    assert banner.count() == 1
    assert "returned for changes" in banner.inner_text()
    heading = page.locator("h1")
    box_banner, box_heading = banner.bounding_box(), heading.bounding_box()
    assert box_banner is not None
    assert box_heading is not None
    assert box_banner["y"] < box_heading["y"]
