"""People admin in a real Chromium: an admin adds a person (check and confirm),
changes their language and format, sets a channel (never shown back) and sends a test
message that a real SMTP server on loopback receives; every people page passes axe-core
in English, Welsh, standard and Easy Read, and fits a 320 px screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy.engine import Engine

from tests.notifications.conftest import PASSWORD, SmtpServer, smtp  # noqa: F401  (a fixture)

from .conftest import describe
from .test_home import signed_in_as

pytestmark = pytest.mark.slow

ADMIN = "admin@example.org"
VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]
NARROW = {"width": 320, "height": 900}


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str], make_app: Callable[..., FastAPI], example_engine: Engine
) -> str:
    return serve(make_app(example_engine, identify=signed_in_as(example_engine, ADMIN)))


def _fits_at_320(page: Page) -> bool:
    width: Any = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bool(width[0] <= width[1])


def test_an_admin_adds_a_person_and_tests_their_channel(
    site: str,
    page: Page,
    smtp: SmtpServer,  # noqa: F811  (the fixture)
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
) -> None:
    page.goto(f"{site}/?lang=en&format=standard")
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Name", exact=True).fill("Ffion Rees")
    page.get_by_label("Email", exact=True).fill("ffion@example.org")
    page.get_by_label("Co-producer").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert "Check the new person" in page.content()
    page.get_by_role("button", name="Add this person").click()
    assert "The person is added." in page.content()
    person_url = page.url.split("?")[0]

    page.locator("a[href$='/language']").click()
    page.get_by_label("Cymraeg", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.locator("a[href$='/format']").click()
    page.get_by_label("Easy Read", exact=True).check()
    page.get_by_role("button", name="Save").click()
    summary = page.locator("dl").inner_text()
    assert "Cymraeg" in summary
    assert "Easy Read" in summary

    page.get_by_role("link", name="Manage channels").click()
    page.locator("#new-url").fill(smtp.url("ffion@example.org"))
    page.get_by_role("button", name="Add channel").click()
    assert "The channel is added." in page.content()
    assert PASSWORD not in page.content()
    assert "mailto://••••" in page.content()
    page.get_by_role("button", name="Send a test message").click()
    assert "The test message was sent" in page.content()
    assert len(smtp.to("ffion@example.org")) == 1
    assert PASSWORD not in page.content()

    for lang, shape in VARIANTS:
        for where in ("/people", "/people/new", person_url, person_url + "/channels"):
            url = where if where.startswith("http") else site + where
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{url}?lang={lang}&format={shape}")
            assert page.locator("html").get_attribute("lang") == lang
            violations = axe_check(page)
            assert violations == [], (where, lang, shape, describe(violations))
            page.set_viewport_size(NARROW)
            assert _fits_at_320(page), f"{where} scrolls sideways at 320px ({lang}, {shape})"
    page.screenshot(path=screenshots / "people-channels-cy-easy-read-320.png", full_page=True)
