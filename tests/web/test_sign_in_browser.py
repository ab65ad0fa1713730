"""Signing in, in a real browser (Chromium from the system), on the example programme:
Gareth signs in with the code from his local mailbox using the keyboard alone; every
sign-in page passes axe-core (WCAG 2.0/2.1/2.2 A and AA) in English, Welsh, standard
and Easy Read; a mistake moves the focus to the error summary. Screenshots are saved."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import describe
from .test_app import VARIANTS
from .test_sign_in_pages import inbox

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("mailboxes")]

GARETH = "gareth.jones@example.org"
Axe = Callable[[Page], list[dict[str, Any]]]


def newest_message(email: str, count: int, timeout_s: float = 15) -> tuple[str, str]:
    """The link's path and the code of the `count`th message (sent after the page
    answered: wait for it)."""
    deadline = time.monotonic() + timeout_s
    while len(inbox(email)) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"no sign-in message {count} for {email}")
        time.sleep(0.1)
    message = inbox(email)[count - 1]
    part = message.get_body(("plain",))
    assert part is not None
    text = str(part.get_content())  # type: ignore[attr-defined]
    link = re.search(r"https?://\S+/sign-in/([A-Za-z0-9_-]{43})", text)
    assert link is not None, text
    code = re.findall(r"(?<![0-9])([0-9]{6})(?![0-9])", text.replace(link.group(0), ""))
    return f"/sign-in/{link.group(1)}", code[0]


def focused(page: Page) -> str:
    """What has the focus: its id, else its tag and classes."""
    return str(
        page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.id || (e.tagName.toLowerCase() + '.' + e.className); })()"
        )
    )


def tab_to(page: Page, element_id: str, most: int = 30) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def tab_to_button(page: Page, text: str, most: int = 30) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.tagName === 'BUTTON' ? e.textContent.trim() : ''; })()"
        )
        if label == text:
            return
    pytest.fail(f"Tab never reached the button {text!r}")


def check(page: Page, axe_check: Axe, screenshots: Path, name: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"{name}:\n{describe(violations)}"
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)


def test_gareth_signs_in_with_the_code_from_his_mailbox_using_the_keyboard_alone(
    site: str, page: Page, axe_check: Axe, screenshots: Path
) -> None:
    page.goto(f"{site}/settings")  # a page for signed-in people sends him to sign in
    assert page.url == f"{site}/sign-in?next=%2Fsettings"
    check(page, axe_check, screenshots, "sign-in-keyboard-1-email")
    tab_to(page, "email")
    page.keyboard.type(GARETH)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your messages')")
    _, code = newest_message(GARETH, 1)
    check(page, axe_check, screenshots, "sign-in-keyboard-2-code")

    # A slip first: the focus moves to the error summary, which links to the field.
    tab_to(page, "code")
    page.keyboard.type("12345")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "govuk-error-summary" in focused(page)
    assert page.title().startswith("Error:")
    check(page, axe_check, screenshots, "sign-in-keyboard-3-error")
    page.keyboard.press("Tab")  # into the summary: its link to the code field
    page.keyboard.press("Enter")
    assert focused(page) == "code"
    page.keyboard.type(code)
    page.keyboard.press("Enter")

    page.wait_for_selector("h1:has-text('Your settings')")
    assert page.url == f"{site}/settings"
    assert "Signed in as Gareth Jones" in page.content()
    check(page, axe_check, screenshots, "sign-in-keyboard-4-settings")
    tab_to_button(page, "Sign out")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('You have signed out')")
    check(page, axe_check, screenshots, "sign-in-keyboard-5-signed-out")


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_every_sign_in_page_passes_axe(
    site: str, page: Page, axe_check: Axe, screenshots: Path, lang: str, shape: str
) -> None:
    def shot(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, name
        check(page, axe_check, screenshots, f"{name}-{lang}-{shape}")

    page.goto(f"{site}/sign-in?lang={lang}&format={shape}")  # remembered from here on
    shot("sign-in")
    page.locator("form[action='/sign-in'] button").click()  # no email: a mistake
    page.wait_for_selector(".govuk-error-summary")
    assert "govuk-error-summary" in focused(page)
    shot("sign-in-error")
    page.locator("#email").fill(GARETH)
    page.locator("form[action='/sign-in'] button").click()
    page.wait_for_selector("#code")
    shot("sign-in-sent")
    link, _ = newest_message(GARETH, 1)
    page.locator("#code").fill("000000")
    page.locator("form[action='/sign-in/code'] button").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "govuk-error-summary" in focused(page)
    shot("sign-in-code-error")

    page.goto(f"{site}{link}")
    assert page.url == f"{site}/sign-in/link"
    shot("sign-in-link")
    page.locator("form[action='/sign-in/link'] button").click()
    page.wait_for_load_state()
    page.goto(f"{site}/settings")
    assert page.locator("form[action='/sign-out']").count() == 2  # the header's and the page's
    shot("settings")
    page.locator("main form[action='/sign-out'] button").click()
    page.wait_for_selector(".govuk-panel")
    shot("signed-out")
    page.goto(f"{site}{link}")  # used: it says what to do
    shot("sign-in-link-used")
