"""Ideas from anyone, in a real browser (Chromium from the system), on the example
programme with its replies going to a real SMTP server on loopback: an anonymous Welsh
Easy Read visitor puts an idea forward by keyboard alone (a slip first, put right from
the error summary), gets the reference, and is acknowledged by email; the idea is
published, triaged and adopted through the services, the answer reaches them, and the
venture's page credits the idea. axe-core finds nothing on the form, its error state,
the confirmation, the list and the withdrawal page, in Welsh Easy Read and in English.
SQLite (the services' own tests run the route on PostgreSQL too)."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from sqlalchemy import Engine

from checklists.loader import Library
from models import queries
from models.db import read_session
from notifications.relay import send_due
from services import ideas
from services.commands import Cyd
from services.programme_import import import_programme, parse_programme
from tests.models.conftest import _empty as empty
from tests.models.conftest import postgres_database, postgres_server  # noqa: F401  (fixtures)
from tests.notifications.conftest import SmtpServer, smtp  # noqa: F401  (a fixture)
from web.settings import WebSettings
from web.visitor import SignedIn

from .conftest import ROOT, describe
from .test_sign_in_browser import focused, tab_to, tab_to_button

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("mailboxes")]

ADMIN = "admin@example.org"
LEAD = "gareth.jones@example.org"
STREAM = "day-opportunities"
PROPOSER = "carys.local@example.net"
MINIMUM_S = 1.0  # the form's minimum time to fill, short for the test
Axe = Callable[[Page], list[dict[str, Any]]]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(
    request: pytest.FixtureRequest,
    library: Library,
    smtp: SmtpServer,  # noqa: F811
) -> Engine:
    """The example programme on SQLite or PostgreSQL, its replies to proposers through
    the loopback SMTP server."""
    if request.param == "sqlite":
        database: Engine = request.getfixturevalue("web_engine")
    else:
        database = request.getfixturevalue("postgres_database").engine
        empty(database)
    text = (ROOT / "examples" / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace('reply_channel: "mailbox://ideas-replies"', "reply_channel: REPLY")
    assert "reply_channel: REPLY" in text
    text = text.replace("REPLY", f'"{smtp.url("placeholder@example.org")}"')
    programme = parse_programme(text, "programme.yaml", library=library)
    import_programme(database, programme, text, ADMIN)
    return database


@pytest.fixture
def settings(web_settings: WebSettings) -> WebSettings:
    return dataclasses.replace(web_settings, idea_min_seconds=MINIMUM_S)


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str],
    make_app: Callable[..., FastAPI],
    engine: Engine,
    settings: WebSettings,
) -> str:
    return serve(make_app(engine, settings=settings))


def check(page: Page, axe_check: Axe, screenshots: Path, name: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"{name}:\n{describe(violations)}"
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)


def relay(engine: Engine) -> None:
    send_due(engine, concurrency=1)


def mail_text(smtp: SmtpServer, address: str) -> list[str]:  # noqa: F811
    return [received.body("plain") for received in smtp.to(address)]


def test_a_welsh_easy_read_visitor_puts_an_idea_forward_by_keyboard_and_it_becomes_a_venture(
    site: str,
    page: Page,
    axe_check: Axe,
    screenshots: Path,
    engine: Engine,
    library: Library,
    smtp: SmtpServer,  # noqa: F811
    serve: Callable[[FastAPI], str],
    make_app: Callable[..., FastAPI],
    settings: WebSettings,
) -> None:
    page.goto(f"{site}/ideas/new?lang=cy&format=easy-read")
    assert page.locator("html").get_attribute("lang") == "cy"
    page.wait_for_selector("h1:has-text('Dywedwch wrthon ni eich syniad')")
    # The reply in the page's own language and format, unless they choose otherwise.
    assert page.locator("input[name=reply_language][value=cy]").is_checked()
    assert page.locator("input[name=reply_format][value=easy-read]").is_checked()
    check(page, axe_check, screenshots, "idea-1-form-cy-easy-read")

    # A slip first: sent with nothing written. The focus moves to the error summary.
    tab_to_button(page, "Anfon fy syniad", most=60)
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "govuk-error-summary" in focused(page)
    assert page.title().startswith("Gwall:")
    assert "Dywedwch wrthon ni beth yw eich syniad." in page.content()
    check(page, axe_check, screenshots, "idea-2-error-cy-easy-read")
    page.keyboard.press("Tab")  # into the summary: its link to the field
    page.keyboard.press("Enter")
    assert focused(page) == "what"
    page.keyboard.type("Caffi yn y parc, wedi'i redeg gan bobl sy'n defnyddio gwasanaethau dydd")
    tab_to(page, "contact-email")
    page.keyboard.type(PROPOSER)
    tab_to(page, "consent-contact")
    page.keyboard.press("Space")
    tab_to(page, "consent-publish")
    page.keyboard.press("Space")
    time.sleep(MINIMUM_S)  # a person's pace, at least (the typing took some of it)
    tab_to_button(page, "Anfon fy syniad", most=60)
    page.keyboard.press("Enter")

    page.wait_for_selector("h1:has-text('Cawson ni eich syniad')")
    content = page.content()
    assert "i-0001" in content
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert "Rydyn ni wedi anfon neges" in content  # a reply is on its way
    check(page, axe_check, screenshots, "idea-3-received-cy-easy-read")

    row = ideas.idea_view(Cyd(engine, library), "i-0001", by=ADMIN)
    assert (row.reply_language, row.reply_format, row.lang) == ("cy", "easy-read", "cy")
    assert row.contact_email == PROPOSER

    # Acknowledged at once (the page sends it straight after answering, no relay run),
    # in Welsh, through the SMTP server.
    deadline = time.monotonic() + 15
    while not mail_text(smtp, PROPOSER) and time.monotonic() < deadline:
        time.sleep(0.1)
    [ack] = mail_text(smtp, PROPOSER)
    assert "i-0001" in ack
    assert "Diolch" in ack

    # Checked and published; triaged; adopted: a venture starts from it.
    cyd = Cyd(engine, library)
    ideas.moderate(cyd, "i-0001", by=ADMIN, publish=True, note="Dim data personol")
    ideas.send_to(cyd, "i-0001", workstream=STREAM, by=ADMIN)
    view = ideas.answer_idea(
        cyd,
        "i-0001",
        by=LEAD,
        outcome="adopted",
        title="Caffi yn y parc",
        reason={"cy-easy": "Rydyn ni'n hoffi'r syniad.", "en": "We like the idea."},
    )
    assert view.venture is not None
    relay(engine)
    answered = mail_text(smtp, PROPOSER)
    assert len(answered) == 2
    assert "Rydyn ni'n hoffi'r syniad." in answered[1]

    page.goto(f"{site}/ideas")
    page.wait_for_selector("h2:has-text('Syniad i-0001')")
    content = page.content()
    assert "Rydyn ni'n hoffi'r syniad." in content
    assert "Ie! Mae gwaith wedi dechrau ar y syniad yma." in content
    assert f"/ventures/{view.venture}" not in content  # not signed in
    check(page, axe_check, screenshots, "idea-4-list-cy-easy-read")

    # The venture's page, for its lead: the idea is credited.
    with read_session(engine) as session:
        gareth = queries.person_by_email(session, LEAD)
    assert gareth is not None
    signed_in = serve(
        make_app(engine, settings=settings, identify=lambda _r, _e: SignedIn(gareth, "s-lead"))
    )
    page.goto(f"{signed_in}/ventures/{view.venture}?lang=en&format=standard")
    credit = page.locator("#from-idea")
    assert credit.inner_text() == "Started from an idea put forward by a local person (i-0001)."
    check(page, axe_check, screenshots, "idea-5-venture-credit")


def test_the_idea_pages_pass_axe_in_english_standard(
    site: str,
    page: Page,
    axe_check: Axe,
    screenshots: Path,
    engine: Engine,
    library: Library,
) -> None:
    page.goto(f"{site}/ideas/new?lang=en&format=standard")
    check(page, axe_check, screenshots, "idea-form-en-standard")
    page.fill("#contact-email", "not an email")
    page.check("#behalf-2")  # a group, with no name given
    page.locator("form[action='/ideas/new'] button").click()
    page.wait_for_selector(".govuk-error-summary")
    links = page.locator(".govuk-error-summary__list a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#what",
        "#on-behalf-of",
        "#contact-email",
    ]
    check(page, axe_check, screenshots, "idea-error-en-standard")
    page.fill("#what", "<script>alert('x')</script> Benches along the river path")
    page.fill("#on-behalf-of", "Llais Self-Advocacy")
    page.fill("#contact-email", "")
    page.check("#consent-publish")
    time.sleep(MINIMUM_S)
    page.locator("form[action='/ideas/new'] button").click()
    page.wait_for_selector("h1:has-text('Idea received')")
    check(page, axe_check, screenshots, "idea-received-en-standard")
    assert "We will not send you a reply" in page.content()

    ideas.moderate(Cyd(engine, library), "i-0001", by=ADMIN, publish=True, note="checked")
    page.goto(f"{site}/ideas")
    page.wait_for_selector("h2:has-text('Idea i-0001')")
    shown = page.locator("section p.govuk-body").first.inner_text()
    assert shown == "<script>alert('x')</script> Benches along the river path"
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    assert "Llais Self-Advocacy" in page.content()
    check(page, axe_check, screenshots, "idea-list-en-standard")

    page.goto(f"{site}/ideas/withdraw")
    check(page, axe_check, screenshots, "idea-withdraw-en-standard")
    page.fill("#reference", "AAAA-BBBB-CCCC")
    page.locator("form[action='/ideas/withdraw'] button").click()
    page.wait_for_selector(".govuk-error-summary")
    check(page, axe_check, screenshots, "idea-withdraw-error-en-standard")
