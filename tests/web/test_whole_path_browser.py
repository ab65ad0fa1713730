"""The whole path in a real browser (Chromium from the system; slow), on the example
programme with the real sign-in: nobody's identity is fixed, each person signs in with
the code from the message in their own local mailbox.

Gareth (lead; English, standard) and Nia (co-producer; Welsh, Easy Read), each in a
browser of their own:

    Gareth  signs in, starts a venture from "Start a venture", lands on its task list
            and answers its first two sections;
    Nia     opens her settings, signs in and comes back to them (Welsh Easy Read: her
            own settings), sees the venture in "What I need to do", sees the lead's
            own questions without a way to answer them, answers one of hers in her
            own words, and sees what is still missing and why;
    Gareth  checks the answers (Nia's marked as Welsh), sees what is missing and why,
            sends too early (returned: the reasons on top of the task list, in English
            and in Welsh), answers the rest with the keyboard alone and sends it again
            (in review: the confirmation);
    Nia     sees it has gone to review, with nothing left for her to do.

Every page visited passes axe-core (WCAG 2.0/2.1/2.2 A and AA) with no violation, the
CSP blocks nothing, and a Welsh page names no question by its item's id (an English
word); screenshots of the key pages go to the screenshots folder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine

from checklists.library import Library
from governance.completeness import MISSING_MUST_MEET
from notifications import mailbox
from services.venture_checklist import venture_checklists
from web.i18n import translations

from .conftest import describe
from .test_checklist_browser import answer_with_the_keyboard, tab_to

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("mailboxes")]

GARETH = "gareth.jones@example.org"
NIA = "nia.morgan@example.org"
TITLE = "Community café"
SUMMARY = "A community café run together with the people who use day services in the town."
NIA_SAYS = "Fe wnaethon ni ofyn i bobl beth oedden nhw eisiau, ac fe wnaethon ni newid y fwydlen."
LINK = re.compile(r"https?://\S+/sign-in/[A-Za-z0-9_-]{43}")
CODE = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
Axe = Callable[[Page], list[dict[str, Any]]]


def cy(message: str) -> str:
    return translations("cy").gettext(message)


def cy_easy(message: str) -> str:
    return translations("cy").pgettext("easy-read", message)


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """A second person's browser: cookies of its own."""
    context = browser.new_context()
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@dataclass
class Visitor:
    """One person's browser: every page they look at is checked with axe-core."""

    page: Page
    site: str
    axe_check: Axe
    screenshots: Path
    item_ids: list[str]
    csp_errors: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        def watch(message: Any) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.csp_errors.append(message.text)

        self.page.on("console", watch)

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.site)

    def look(self, lang: str, shape: str, shot: str | None = None) -> None:
        """The page as it is now: in `lang` and `shape`, no axe violation, nothing
        blocked by the CSP; saved as `shot`.png when named."""
        page = self.page
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang, self.path
        easy = "cyd-easy-read" in (page.locator("body").get_attribute("class") or "")
        assert easy == (shape == "easy-read"), self.path
        if lang == "cy":  # Welsh whole: no item named by its id, an English word
            words = self.main_text()
            named = [i for i in self.item_ids if re.search(rf"(?<![/\w-]){i}(?![\w-])", words)]
            assert named == [], f"{self.path} names items by their ids: {named}"
        violations = self.axe_check(page)
        assert violations == [], f"{self.path}:\n{describe(violations)}"
        assert self.csp_errors == [], self.csp_errors
        self.seen.append(self.path)
        if shot is not None:
            page.screenshot(path=self.screenshots / f"whole-path-{shot}.png", full_page=True)

    def press(self, key: str = "Enter") -> None:
        """Press a key that leaves the page, and wait for the next one."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()


def mailbox_of(email: str) -> str:
    """The example programme's local mailbox of `email` (`mailbox://<box>`): the part
    before the @, but for the Programme Office's."""
    return "programme-office" if email == "admin@example.org" else email.split("@")[0]


def sign_in_message(email: str, seen: int, timeout_s: float = 15) -> str:
    """The code in the first sign-in message after the `seen` messages already there
    (it is sent after the page has answered: wait for it)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for message in mailbox.messages(mailbox_of(email))[seen:]:
            part = message.get_body(("plain",))
            assert part is not None
            text = str(part.get_content())  # type: ignore[attr-defined]
            link = LINK.search(text)
            if link is not None:
                codes = CODE.findall(text.replace(link.group(0), ""))
                assert len(codes) == 1, text
                return str(codes[0])
        if time.monotonic() > deadline:
            pytest.fail(f"no sign-in message for {email}")
        time.sleep(0.1)


def sign_in(visitor: Visitor, email: str, lang: str, shape: str, *, check: bool = True) -> None:
    """On the sign-in page: type the email, then the code from the mailbox, with the
    keyboard alone (the code's page checked with axe-core unless `check` is false: one
    already checked in the same language and format)."""
    page = visitor.page
    assert visitor.path.startswith("/sign-in")
    before = len(mailbox.messages(mailbox_of(email)))
    tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type(email)
    visitor.press()
    page.wait_for_selector("#code")
    if check:
        visitor.look(lang, shape)
    code = sign_in_message(email, before)
    tab_to(page, lambda f: f["name"] == "code")
    page.keyboard.type(code)
    visitor.press()


def section_statuses(visitor: Visitor) -> dict[str, str]:
    """Each section heading of the task list and the status line under it."""
    found: dict[str, str] = visitor.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("main h3[id^=section-]")]
             .map(h => [h.id, h.nextElementSibling.innerText.trim()]))"""
    )
    return found


def test_gareth_and_nia_sign_in_answer_the_checklist_together_and_submit_it(
    site: str,
    page: Page,
    second_page: Page,
    axe_check: Axe,
    screenshots: Path,
    example_engine: Engine,
    library: Library,
) -> None:
    ids = [item.id for item in library.checklist("coproduction-start").items()]
    gareth = Visitor(page, site, axe_check, screenshots, ids)
    nia = Visitor(second_page, site, axe_check, screenshots, ids)

    # --- Gareth signs in and starts a venture -----------------------------------------
    gareth.page.goto(f"{site}/")
    assert gareth.path == "/sign-in"
    gareth.look("en", "standard", "01-sign-in")
    sign_in(gareth, GARETH, "en", "standard")
    assert gareth.path == "/"
    gareth.look("en", "standard")
    assert "Signed in as Gareth Jones" in gareth.page.content()
    assert "You have nothing to do right now." in gareth.main_text()

    tab_to(gareth.page, lambda f: f["href"] == "/ventures/new")  # the navigation's link
    gareth.press()
    assert gareth.path == "/ventures/new"
    gareth.look("en", "standard")
    tab_to(gareth.page, lambda f: f["name"] == "workstream")
    gareth.page.keyboard.press("Space")
    tab_to(gareth.page, lambda f: f["name"] == "title")
    gareth.page.keyboard.type(TITLE)
    gareth.press()
    match = re.fullmatch(r"/ventures/(v-[0-9]+)/checklist", gareth.path)
    assert match is not None, gareth.path
    venture = match.group(1)
    gareth.look("en", "standard", "02-task-list-new")
    assert gareth.page.locator("h1").inner_text() == TITLE

    # --- Gareth answers the first two sections ------------------------------------------
    gareth.page.get_by_role(
        "link", name=library.checklist("coproduction-start").item("venture-summary").question.en
    ).click()
    gareth.page.wait_for_load_state()
    assert gareth.path == f"/ventures/{venture}/checklist/venture-summary"
    gareth.look("en", "standard", "03-question")
    gareth.page.locator("#answer-venture-summary").fill(SUMMARY)
    gareth.page.locator("input[name=answer-ladder-rung][value=co-production]").check()
    gareth.page.locator("#answer-open-to-change").fill(
        "The menu, the prices, the opening hours and who we hire are all still open."
    )
    gareth.page.locator("input[name=answer-lived-experience-first][value=before-idea]").check()
    gareth.page.locator("input[name=answer-terms-of-reference][value=yes]").check()
    gareth.page.get_by_role("button", name="Save and continue").click()
    gareth.page.wait_for_load_state()
    assert gareth.path == f"/ventures/{venture}/checklist/people-affected"
    gareth.look("en", "standard")
    gareth.page.locator("#answer-people-affected").fill("People who use day services.")
    for sector in ("council", "third-sector", "self-advocacy-groups"):
        gareth.page.locator(f"input[name=answer-sectors-represented][value={sector}]").check()
    gareth.page.locator("#answer-lived-experience-count").fill("4")
    gareth.page.locator("#answer-choice-of-involvement").fill(
        "Each person chooses which meetings to join and how much time to give."
    )
    # Always asked (since coproduction-start version 2), on the same page.
    gareth.page.locator("#answer-lived-experience-views").fill(
        "They chose the café's name and its opening hours."
    )
    gareth.page.get_by_role("button", name="Save and come back later").click()
    gareth.page.wait_for_load_state()
    assert gareth.path == f"/ventures/{venture}/checklist"
    gareth.look("en", "standard")
    statuses = section_statuses(gareth)
    assert statuses["section-coproduction-start-purpose"] == "This section is completed."
    assert statuses["section-coproduction-start-people"] == "This section is completed."
    assert statuses["section-coproduction-start-access"] == "This section is not started yet."

    # --- Nia signs in on the way to her settings, and comes back to them ------------------
    nia.page.goto(f"{site}/settings")
    assert nia.path == "/sign-in?next=%2Fsettings"
    nia.look("en", "standard")  # nothing says who she is yet
    sign_in(nia, NIA, "en", "standard")
    assert nia.path == "/settings"
    nia.look("cy", "easy-read", "04-settings-nia")  # her own settings, from the programme
    assert nia.page.locator("input[name=language][value=cy]").is_checked()
    assert nia.page.locator("input[name=format][value=easy-read]").is_checked()
    nia.page.get_by_role("button", name=cy("Save settings")).click()
    nia.page.wait_for_load_state()
    assert nia.path == "/settings?saved=1"
    nia.look("cy", "easy-read")

    # --- Nia sees the venture in "What I need to do" and answers her part -----------------
    tab_to(nia.page, lambda f: f["href"] == "/")
    nia.press()
    assert nia.path == "/"
    nia.look("cy", "easy-read", "05-home-nia")
    assert TITLE in nia.main_text()
    tab_to(nia.page, lambda f: f["href"] == f"/ventures/{venture}/checklist")
    nia.press()
    assert nia.path == f"/ventures/{venture}/checklist"
    nia.look("cy", "easy-read", "06-task-list-nia")
    assert cy_easy("Answer the questions on this list.") in nia.main_text()

    checklist = library.checklist("coproduction-start")
    # The lead's own questions are shown to her, never asked (`audience: lead`).
    nia.page.get_by_role("link", name=checklist.item("formats-offered").easy_read.cy).click()
    nia.page.wait_for_load_state()
    assert nia.path == f"/ventures/{venture}/checklist/formats-offered"
    nia.look("cy", "easy-read", "07-lead-question-nia")
    assert nia.page.locator("input[name=answer-formats-offered]").count() == 0
    # One of hers (anyone's to answer), in her own words.
    nia.page.goto(f"{site}/ventures/{venture}/checklist")
    nia.page.get_by_role("link", name=checklist.item("sensory-environment").easy_read.cy).click()
    nia.page.wait_for_load_state()
    assert nia.path == f"/ventures/{venture}/checklist/sensory-environment"
    nia.look("cy", "easy-read", "07-question-nia")
    nia.page.locator("#answer-sensory-environment").fill(NIA_SAYS)
    nia.page.get_by_role("button", name=cy("Save and come back later")).click()
    nia.page.wait_for_load_state()
    assert nia.path == f"/ventures/{venture}/checklist"
    nia.look("cy", "easy-read")
    assert "Gareth Jones" in nia.main_text()  # who answered the first sections

    # What is still missing and why, in Welsh Easy Read; sending is the lead's.
    nia.page.get_by_role("button", name=cy("Check your answers")).click()
    nia.page.wait_for_load_state()
    assert nia.path == f"/ventures/{venture}/check"
    nia.look("cy", "easy-read", "08-check-nia")
    missing_for_nia = nia.page.locator("#missing li").all_inner_texts()
    assert missing_for_nia, "nothing said to be missing"
    must = cy_easy("This question must have an answer.")
    assert all(line.endswith(must) for line in missing_for_nia), missing_for_nia
    assert nia.page.get_by_role("button", name=cy("Send the checklist")).count() == 0

    # --- Gareth checks the answers: what is missing and why, then sends too early --------
    gareth.page.get_by_role("button", name="Check your answers").click()
    gareth.page.wait_for_load_state()
    assert gareth.path == f"/ventures/{venture}/check"
    gareth.look("en", "standard", "09-check-missing")
    missing = gareth.page.locator("#missing li").all_inner_texts()
    assert len(missing) == len(missing_for_nia)
    assert all(line.endswith(MISSING_MUST_MEET.en) for line in missing), missing
    assert not any(checklist.item("sensory-environment").question.en in m for m in missing)
    nias_words = gareth.page.locator(f"bdi[lang=cy]:has-text('{NIA_SAYS[:20]}')")
    assert nias_words.count() == 1  # her words, marked as Welsh on an English page
    tab_to(gareth.page, lambda f: f["tag"] == "BUTTON" and "Send the checklist" in f["text"])
    gareth.press()
    assert gareth.path == f"/ventures/{venture}/checklist"  # returned
    gareth.look("en", "standard", "10-returned")
    banner = gareth.page.locator("main .govuk-notification-banner")
    assert banner.count() == 1
    first_in_main = gareth.page.evaluate(
        "document.querySelector('main .govuk-grid-column-two-thirds').firstElementChild"
        ".classList.contains('govuk-notification-banner')"
    )
    assert first_in_main, "the reasons are not at the top of the task list"
    gaps = banner.locator("li").all_inner_texts()
    assert len(gaps) == len(missing)
    assert "who-decides" not in banner.inner_text()  # questions, never their ids
    assert state(example_engine, library, venture) == "returned"

    # The venture's own page says so too, and leads back to the checklist.
    tab_to(gareth.page, lambda f: f["href"] == f"/ventures/{venture}")
    gareth.press()
    gareth.look("en", "standard", "11-venture-returned")
    assert "This venture was returned for changes" in gareth.main_text()
    tab_to(gareth.page, lambda f: f["href"] == f"/ventures/{venture}/checklist")
    gareth.press()
    assert gareth.path == f"/ventures/{venture}/checklist"

    # The same reasons in Welsh (the switch on the page), then back to English.
    tab_to(gareth.page, lambda f: f["text"] == "Cymraeg")
    gareth.press()
    gareth.look("cy", "standard", "12-returned-cy")
    welsh_banner = gareth.page.locator("main .govuk-notification-banner")
    assert "who-decides" not in welsh_banner.inner_text()
    welsh_gaps = welsh_banner.locator("li").all_inner_texts()
    assert len(welsh_gaps) == len(gaps)
    assert all(line.endswith(MISSING_MUST_MEET.cy) for line in welsh_gaps), welsh_gaps
    tab_to(gareth.page, lambda f: f["text"] == "English")
    gareth.press()
    gareth.look("en", "standard")

    # --- Gareth answers the rest with the keyboard alone, and sends it again -----------
    tab_to(gareth.page, lambda f: "/checklist/" in f["href"])  # the first reason's link
    gareth.press()
    pages = 0
    while "/checklist/" in gareth.path:
        gareth.look("en", "standard")
        answer_with_the_keyboard(gareth.page)
        pages += 1
        assert pages < 40, "the questions never ended"
    assert gareth.path == f"/ventures/{venture}/check"
    gareth.look("en", "standard")
    assert gareth.page.locator("#missing").count() == 0

    # --- Nia signs it off: the checklist says what they agreed (the gate asks for one) ---
    nia.page.goto(f"{nia.site}/ventures/{venture}/check")
    nia.look("cy", "easy-read", "12b-sign-off-nia")
    nia.page.get_by_role("button", name=cy_easy("Yes, the answers say what we agreed")).click()
    nia.page.wait_for_load_state()
    assert nia.path == f"/ventures/{venture}/check#signed-off"  # back where she was
    nia.look("cy", "easy-read")
    assert cy_easy("You said the answers are right.") in nia.main_text()
    gareth.page.reload()
    assert "Nia Morgan" in gareth.main_text()

    tab_to(gareth.page, lambda f: f["tag"] == "BUTTON" and "Send the checklist" in f["text"])
    gareth.press()
    assert gareth.path == f"/ventures/{venture}/submitted"
    gareth.look("en", "standard", "13-submitted")
    assert gareth.page.locator(".govuk-panel").count() == 1
    assert state(example_engine, library, venture) == "in_review"

    # --- Nia sees where it is: in review, nothing left for her ---------------------------
    nia.page.goto(f"{site}/")
    nia.look("cy", "easy-read")
    assert cy_easy("You have nothing to do now.") in nia.main_text()
    tab_to(nia.page, lambda f: f["href"] == "/ventures")  # "My work"
    nia.press()
    nia.look("cy", "easy-read")
    tab_to(nia.page, lambda f: f["href"] == f"/ventures/{venture}")
    nia.press()
    nia.look("cy", "easy-read", "14-venture-nia")
    assert cy_easy("People are checking this work.") in nia.main_text()


def state(engine: Engine, library: Library, venture: str) -> str:
    return venture_checklists(engine, library, venture).state
