"""The sign-in pages, settings and signing out, through FastAPI's test client on the
example programme: the real outbox and relay deliver the sign-in message to the
person's local mailbox (`mailbox://` channels write .eml files), and the link and
code are read from it, as a person would."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlmodel import col, select

from governance.sign_in import REMEMBERED_SESSION
from models import tables as t
from models.db import read_session
from notifications import mailbox
from web.sessions import SESSION_COOKIE
from web.settings import WebSettings

from .conftest import LOOPBACK

GARETH = "gareth.jones@example.org"  # a lead: English, standard
NIA = "nia.morgan@example.org"  # a co-producer: Welsh, Easy Read
UNKNOWN = "nobody.here@example.org"
LINK = re.compile(re.escape(LOOPBACK) + r"(/sign-in/[A-Za-z0-9_-]{43})\b")
CODE = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
ONE_MESSAGE = "That code did not work."
SIGN_IN_FORMS = ["/sign-in", "/sign-in/code", "/sign-in/link"]


pytestmark = pytest.mark.usefixtures("mailboxes")


@pytest.fixture
def site(
    make_app: Callable[..., FastAPI], example_engine: Engine, web_settings: WebSettings
) -> FastAPI:
    """The pages on the example programme, their links pointing at the test client."""
    return make_app(example_engine, settings=dataclasses.replace(web_settings, base_url=LOOPBACK))


@pytest.fixture
def browsers(site: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """New browsers (each its own cookies) on the site."""
    made: list[TestClient] = []

    def new() -> TestClient:
        made.append(TestClient(site, base_url=LOOPBACK))
        return made[-1]

    yield new
    for client in made:
        client.close()


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form"
    return found.group(1)


def inbox(email: str) -> list[EmailMessage]:
    return mailbox.messages(email.split("@")[0])


def link_and_code(message: EmailMessage) -> tuple[str, str]:
    """The link's path and the code, as a person reads them in the message."""
    part = message.get_body(("plain",))
    assert part is not None
    text = str(part.get_content())  # type: ignore[attr-defined]
    links = LINK.findall(text)
    assert len(links) == 1, text
    codes = CODE.findall(text.replace(links[0], ""))
    assert len(codes) == 1, text
    return links[0], codes[0]


def ask(browser: TestClient, email: str, **form: str) -> Response:
    """Ask for a link and a code on the sign-in page, as a person does."""
    page = browser.get("/sign-in")
    return browser.post("/sign-in", data={"email": email, "csrf_token": csrf(page.text), **form})


def ask_and_read(browser: TestClient, email: str, **form: str) -> tuple[str, str]:
    before = len(inbox(email))
    answer = ask(browser, email, **form)
    assert answer.status_code == 200
    got = inbox(email)
    assert len(got) == before + 1
    return link_and_code(got[-1])


def type_code(browser: TestClient, email: str, code: str, **form: str) -> Response:
    page = browser.get("/sign-in/code")
    data = {"email": email, "code": code, "csrf_token": csrf(page.text), **form}
    return browser.post("/sign-in/code", data=data, follow_redirects=False)


def sign_in(browser: TestClient, email: str, **form: str) -> str:
    """Sign in with the code from the message; the session's token."""
    _, code = ask_and_read(browser, email, **form)
    answer = type_code(browser, email, code, **form)
    assert answer.status_code == 303, answer.text
    token = browser.cookies.get(SESSION_COOKIE)
    assert token
    return token


def session_cookie(answer: Response) -> str:
    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)]
    assert len(cookies) == 1, answer.headers.get_list("set-cookie")
    return cookies[0]


def actions(engine: Engine, action: str) -> list[t.AuditEntry]:
    with read_session(engine) as session:
        return list(
            session.exec(
                select(t.AuditEntry)
                .where(t.AuditEntry.action == action)
                .order_by(col(t.AuditEntry.seq))
            )
        )


def audit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(t.AuditEntry.seq)).all())


def main_part(html: str) -> str:
    """The page's main content, without its CSRF tokens (they differ per browser)."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrf_token" value="[^"]+"', "", main)


# --- the whole way in ----------------------------------------------------------------------


def test_a_person_signs_in_with_the_code_from_their_mailbox(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    browser = browsers()
    page = browser.get("/sign-in")
    assert page.status_code == 200
    assert '<input class="govuk-input" id="email" name="email" type="email"' in page.text
    assert 'autocomplete="email"' in page.text
    assert "password" not in page.text.lower().replace("do not need a password", "")
    answer = browser.post(
        "/sign-in", data={"email": " Gareth.Jones@Example.org ", "csrf_token": csrf(page.text)}
    )
    assert answer.status_code == 200
    assert "Check your messages" in answer.text
    assert 'autocomplete="one-time-code"' in answer.text
    assert 'inputmode="numeric"' in answer.text
    [message] = inbox(GARETH)
    _, code = link_and_code(message)

    signed_in = browser.post(
        "/sign-in/code",
        data={"email": GARETH, "code": code, "csrf_token": csrf(answer.text)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    settings = browser.get("/settings")
    assert settings.status_code == 200
    assert "Signed in as Gareth Jones" in settings.text
    [succeeded] = actions(example_engine, "sign-in.succeeded")
    assert (succeeded.actor, succeeded.payload["via"]) == (GARETH, "code")
    # The code worked once: typed again in another browser, it does not.
    again = type_code(browsers(), GARETH, code)
    assert again.status_code == 400
    assert ONE_MESSAGE in again.text


def test_the_page_says_the_same_for_an_email_cyd_does_not_know(
    browsers: Callable[[], TestClient], example_engine: Engine, mailboxes: Path
) -> None:
    known = ask(browsers(), GARETH)
    unknown = ask(browsers(), UNKNOWN)
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert main_part(known.text).replace(GARETH, "EMAIL") == main_part(unknown.text).replace(
        UNKNOWN, "EMAIL"
    )
    assert len(inbox(GARETH)) == 1
    assert sorted(p.name for p in mailboxes.iterdir()) == ["gareth.jones"]
    outcomes = [e.payload["outcome"] for e in actions(example_engine, "sign-in.requested")]
    assert outcomes == ["issued", "unknown"]


def test_a_mistyped_email_is_said_before_anything_is_sent(
    browsers: Callable[[], TestClient], mailboxes: Path
) -> None:
    for typed, problem in [
        ("", "Enter your email address"),
        ("gareth.jones", "Enter an email address in the right format"),
    ]:
        answer = ask(browsers(), typed)
        assert answer.status_code == 400
        assert "<title>Error: Sign in to Cyd – Cyd</title>" in answer.text
        assert 'data-module="govuk-error-summary"' in answer.text
        assert f'<a href="#email">{problem}' in answer.text
        assert 'class="govuk-input govuk-input--error"' in answer.text
    assert not mailboxes.exists() or list(mailboxes.iterdir()) == []


def test_every_failed_code_gets_the_same_message_in_the_error_summary(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    browser = browsers()
    _, code = ask_and_read(browser, GARETH)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [
        type_code(browser, GARETH, wrong),  # a wrong code
        type_code(browser, UNKNOWN, code),  # an email Cyd does not know
        type_code(browser, NIA, code),  # a known email that asked for nothing
        type_code(browser, GARETH, "12345"),  # not six digits
    ]
    mains = set()
    for answer in answers:
        assert answer.status_code == 400
        assert "<title>Error: Sign in with a code – Cyd</title>" in answer.text
        assert 'data-module="govuk-error-summary"' in answer.text
        assert '<a href="#code">That code did not work.' in answer.text
        assert 'id="code-error"' in answer.text
        shown = main_part(answer.text)
        for email in (GARETH, UNKNOWN, NIA):
            shown = shown.replace(email, "EMAIL")  # the email as typed, kept in the form
        mains.add(shown)
    assert len(mains) == 1, "the page differs between failures"
    reasons = [e.payload["reason"] for e in actions(example_engine, "sign-in.failed")]
    assert reasons == ["wrong-code", "unknown-email", "no-code", "wrong-code"]
    # A wrong code is not the end: the right one still works.
    assert type_code(browser, GARETH, code).status_code == 303


def test_a_missing_code_is_asked_for(browsers: Callable[[], TestClient]) -> None:
    answer = type_code(browsers(), GARETH, "  ")
    assert answer.status_code == 400
    assert '<a href="#code">Enter the code from your message' in answer.text


# --- the link --------------------------------------------------------------------------------


def test_the_link_signs_in_once_and_only_from_the_button(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    link, _ = ask_and_read(browsers(), GARETH)
    # A mail scanner opens the link first: that signs nobody in and uses nothing up.
    scanner = browsers()
    opened = scanner.get(link, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/sign-in/link"
    assert scanner.get("/sign-in/link").status_code == 200
    assert actions(example_engine, "sign-in.succeeded") == []

    person = browsers()
    page = person.get(link)
    assert page.status_code == 200
    assert str(page.url) == f"{LOOPBACK}/sign-in/link"  # the token is out of the address bar
    assert link.rsplit("/", 1)[1] not in page.text
    assert '<button type="submit" class="govuk-button"' in page.text
    signed_in = person.post(
        "/sign-in/link", data={"csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    assert "cyd_link" not in person.cookies  # the link's token is dropped
    assert person.get("/settings").status_code == 200
    [succeeded] = actions(example_engine, "sign-in.succeeded")
    assert succeeded.payload["via"] == "link"

    # Used: the scanner's copy (or anyone's) no longer works.
    page = scanner.get(link)
    used = scanner.post("/sign-in/link", data={"csrf_token": csrf(page.text)})
    assert used.status_code == 400
    assert "That link did not work" in used.text
    assert SESSION_COOKIE not in scanner.cookies
    assert scanner.get("/settings", follow_redirects=False).status_code == 303


def test_the_link_page_without_a_link_says_what_to_do(browsers: Callable[[], TestClient]) -> None:
    page = browsers().get("/sign-in/link")
    assert page.status_code == 200
    assert "That link did not work" in page.text
    assert 'href="/sign-in">Ask for a new link and code' in page.text


# --- sessions ----------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_ends_with_the_browser(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    _, code = ask_and_read(browser, GARETH)
    cookie = session_cookie(type_code(browser, GARETH, code))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a browser would refuse it
    assert "Max-Age" not in cookie
    assert "expires" not in cookie.lower()


def test_a_remembered_device_keeps_its_cookie_for_thirty_days(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    answer = ask(browser, GARETH, remember="yes")
    assert 'name="remember" type="checkbox" value="yes" checked' in answer.text
    _, code = link_and_code(inbox(GARETH)[-1])
    cookie = session_cookie(type_code(browser, GARETH, code, remember="yes"))
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))  # type: ignore[union-attr]
    assert REMEMBERED_SESSION.total_seconds() - 60 <= max_age <= REMEMBERED_SESSION.total_seconds()
    assert "HttpOnly" in cookie


def test_the_session_cookie_is_secure_beyond_loopback(
    make_app: Callable[..., FastAPI], example_engine: Engine, web_settings: WebSettings
) -> None:
    base = "https://cyd.example.org"
    app = make_app(example_engine, settings=dataclasses.replace(web_settings, base_url=base))
    with TestClient(app, base_url=base) as browser:
        ask(browser, GARETH)
        message = inbox(GARETH)[-1].get_body(("plain",))
        assert message is not None
        text = str(message.get_content())  # type: ignore[attr-defined]
        assert f"{base}/sign-in/" in text
        code = CODE.findall(re.sub(r"https://\S+", "", text))[0]
        cookie = session_cookie(type_code(browser, GARETH, code))
    assert "Secure" in cookie


def test_signing_out_ends_the_session(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    browser = browsers()
    token = sign_in(browser, GARETH)
    page = browser.get("/settings")
    answer = browser.post("/sign-out", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signed-out"
    assert 'cyd_session=""' in session_cookie(answer)
    assert "You have signed out" in browser.get("/signed-out").text
    # The old cookie, kept by someone, no longer signs anyone in.
    kept = browsers()
    kept.cookies.set(SESSION_COOKIE, token)
    assert kept.get("/settings", follow_redirects=False).headers["location"].startswith("/sign-in")
    [signed_out] = actions(example_engine, "sign-in.signed-out")
    assert signed_out.payload == {"everywhere": False, "sessions": 1}


def test_signing_out_everywhere_ends_another_browsers_session(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    phone, laptop = browsers(), browsers()
    sign_in(phone, GARETH)
    sign_in(laptop, GARETH)
    assert phone.get("/settings").status_code == 200
    page = laptop.get("/settings")
    answer = laptop.post(
        "/sign-out/everywhere", data={"csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert answer.headers["location"] == "/signed-out?everywhere=1"
    assert "You are signed out on every device" in laptop.get(answer.headers["location"]).text
    for browser in (phone, laptop):
        assert browser.get("/settings", follow_redirects=False).status_code == 303
    [signed_out] = actions(example_engine, "sign-in.signed-out")
    assert signed_out.payload == {"everywhere": True, "sessions": 2}


def test_signing_in_again_in_a_browser_ends_its_earlier_session(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    first = sign_in(browser, GARETH)
    assert browser.get("/sign-in", follow_redirects=False).headers["location"] == "/"
    # Gareth's browser, lent to Nia: she asks from a form of Gareth's session.
    page = browser.get("/settings")
    sent = browser.post("/sign-in", data={"email": NIA, "csrf_token": csrf(page.text)})
    _, code = link_and_code(inbox(NIA)[-1])
    answer = browser.post(
        "/sign-in/code", data={"email": NIA, "code": code, "csrf_token": csrf(sent.text)}
    )
    settings = browser.get("/settings").text  # in Nia's language: Welsh
    assert "Nia Morgan" in settings
    assert "Gareth" not in settings
    assert browser.cookies[SESSION_COOKIE] != first
    assert answer.status_code == 200  # home, "what I need to do", as Nia
    assert answer.url.path == "/"
    assert 'lang="cy"' in answer.text
    kept = browsers()
    kept.cookies.set(SESSION_COOKIE, first)
    assert kept.get("/settings", follow_redirects=False).status_code == 303


# --- pages for signed-in people, and where they go after signing in -------------------------


def test_a_page_for_signed_in_people_sends_others_to_sign_in_and_back(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    answer = browser.get("/settings?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fsettings%3Fx%3D1"
    page = browser.get(answer.headers["location"])
    assert '<input type="hidden" name="next" value="/settings?x=1">' in page.text
    sent = browser.post(
        "/sign-in",
        data={"email": GARETH, "next": "/settings?x=1", "csrf_token": csrf(page.text)},
    )
    assert '<input type="hidden" name="next" value="/settings?x=1">' in sent.text
    _, code = link_and_code(inbox(GARETH)[-1])
    signed_in = browser.post(
        "/sign-in/code",
        data={
            "email": GARETH,
            "code": code,
            "next": "/settings?x=1",
            "csrf_token": csrf(sent.text),
        },
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/settings?x=1"
    # Signed in, the sign-in page sends the person on.
    assert (
        browser.get("/sign-in?next=/settings", follow_redirects=False).headers["location"]
        == "/settings"
    )


def _by_link(browser: TestClient, link: str) -> Response:
    page = browser.get(link)
    return browser.post(
        "/sign-in/link", data={"csrf_token": csrf(page.text)}, follow_redirects=False
    )


def test_the_link_opened_in_the_same_browser_goes_back_to_the_page_asked_for(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    sign_in_page = browser.get("/settings?x=1")  # sent to sign in
    assert str(sign_in_page.url).endswith("/sign-in?next=%2Fsettings%3Fx%3D1")
    asked = browser.post(
        "/sign-in",
        data={"email": GARETH, "next": "/settings?x=1", "csrf_token": csrf(sign_in_page.text)},
    )
    assert asked.status_code == 200
    link, _ = link_and_code(inbox(GARETH)[-1])
    signed_in = _by_link(browser, link)
    assert signed_in.headers["location"] == "/settings?x=1"
    assert "cyd_next" not in browser.cookies  # used: the next sign-in starts afresh

    # Opened on another device, the link cannot know where the person was going: home.
    other_link, _ = ask_and_read(browser, GARETH, next="/settings")
    assert _by_link(browsers(), other_link).headers["location"] == "/"


def test_a_kept_next_that_is_not_a_path_of_this_site_goes_home(
    browsers: Callable[[], TestClient],
) -> None:
    browser = browsers()
    link, _ = ask_and_read(browser, GARETH)
    browser.cookies.set("cyd_next", "https%3A%2F%2Fevil.example%2F")
    assert _by_link(browser, link).headers["location"] == "/"


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\x01x",
    ],
)
def test_after_signing_in_a_person_goes_nowhere_but_this_site(
    browsers: Callable[[], TestClient], elsewhere: str
) -> None:
    browser = browsers()
    _, code = ask_and_read(browser, GARETH)
    answer = type_code(browser, GARETH, code, next=elsewhere)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


# --- settings ----------------------------------------------------------------------------------


def test_settings_change_the_language_and_format_for_the_person_and_are_audited(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    browser, other = browsers(), browsers()
    sign_in(browser, GARETH)
    sign_in(other, GARETH)
    page = browser.get("/settings")
    assert 'value="en" checked' in page.text
    assert 'lang="cy" for="language-2"' in page.text  # "Cymraeg" is marked as Welsh
    answer = browser.post(
        "/settings",
        data={"language": "cy", "format": "easy-read", "csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/settings?saved=1"
    saved = browser.get(answer.headers["location"])
    assert '<html lang="cy"' in saved.text
    assert "cyd-easy-read" in saved.text
    assert "Mae eich gosodiadau wedi'u cadw." in saved.text
    assert "Your settings" not in saved.text
    with read_session(example_engine) as session:
        gareth = session.exec(select(t.Person).where(t.Person.email == GARETH)).one()
    assert (gareth.language, gareth.format) == ("cy", "easy-read")
    [entry] = actions(example_engine, "person.preferences-changed")
    assert entry.actor == GARETH
    assert entry.payload["language"] == "cy"
    assert entry.payload["format"] == "easy-read"
    assert entry.payload["was"] == {"language": "en", "format": "standard"}
    # Another of Gareth's browsers, which never chose, now reads his settings.
    assert '<html lang="cy"' in other.get("/settings").text
    # Saving the same again records nothing.
    page = browser.get("/settings")
    browser.post(
        "/settings", data={"language": "cy", "format": "easy-read", "csrf_token": csrf(page.text)}
    )
    assert len(actions(example_engine, "person.preferences-changed")) == 1


def test_settings_refuse_a_language_cyd_does_not_have(
    browsers: Callable[[], TestClient], example_engine: Engine
) -> None:
    browser = browsers()
    sign_in(browser, GARETH)
    page = browser.get("/settings")
    answer = browser.post(
        "/settings", data={"language": "fr", "format": "standard", "csrf_token": csrf(page.text)}
    )
    assert answer.status_code == 400
    assert actions(example_engine, "person.preferences-changed") == []


# --- forms are protected ------------------------------------------------------------------------


def test_every_form_needs_its_csrf_token(
    browsers: Callable[[], TestClient], example_engine: Engine, mailboxes: Path
) -> None:
    browser = browsers()
    sign_in(browser, GARETH)
    link, code = ask_and_read(browsers(), NIA)
    browser.get(link)  # the link's token is kept by this browser
    before = audit_count(example_engine)
    posts = {
        "/sign-in": {"email": NIA},
        "/sign-in/code": {"email": NIA, "code": code},
        "/sign-in/link": {},
        "/settings": {"language": "cy", "format": "standard"},
        "/sign-out": {},
        "/sign-out/everywhere": {},
    }
    for path, data in posts.items():
        assert browser.post(path, data=data).status_code == 403, path
        forged = browser.post(path, data={**data, "csrf_token": "x" * 43})
        assert forged.status_code == 403, path
    assert audit_count(example_engine) == before
    assert len(inbox(NIA)) == 1
    assert browser.get("/settings").status_code == 200  # still signed in


def test_sign_in_posts_are_limited_per_address(
    make_app: Callable[..., FastAPI], example_engine: Engine, web_settings: WebSettings
) -> None:
    settings = dataclasses.replace(web_settings, base_url=LOOPBACK, posts_per_minute=3)
    with TestClient(make_app(example_engine, settings=settings), base_url=LOOPBACK) as browser:
        page = browser.get("/sign-in/code?lang=cy")
        data = {"email": UNKNOWN, "code": "000000", "csrf_token": csrf(page.text)}
        statuses = [browser.post("/sign-in/code", data=data).status_code for _ in range(3)]
        assert statuses == [400, 400, 400]
        limited = browser.post("/sign-in/code", data=data)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert '<html lang="cy"' in limited.text
        assert "ormod o ymdrechion" in limited.text
        assert browser.post("/sign-in", data={**data, "email": GARETH}).status_code == 429
    assert len(actions(example_engine, "sign-in.failed")) == 3
    assert inbox(GARETH) == []


# --- secrets ------------------------------------------------------------------------------------


def test_no_token_or_code_is_in_any_page_or_log(
    browsers: Callable[[], TestClient], example_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def keep(answer: Response) -> Response:
        for step in [*answer.history, answer]:
            headers = {k: v for k, v in step.headers.items() if k != "set-cookie"}
            seen.append(f"{step.status_code} {step.url} {headers} {step.text}")
        return answer

    by_link, by_code = browsers(), browsers()
    keep(ask(by_link, GARETH))
    link, _ = link_and_code(inbox(GARETH)[-1])
    page = keep(by_link.get(link))
    keep(by_link.post("/sign-in/link", data={"csrf_token": csrf(page.text)}))
    keep(by_link.get("/settings"))
    keep(ask(by_code, NIA, remember="yes"))
    _, code = link_and_code(inbox(NIA)[-1])
    keep(type_code(by_code, NIA, "999999" if code != "999999" else "111111"))
    signed_in = keep(type_code(by_code, NIA, code))
    keep(by_code.get(signed_in.headers["location"]))
    keep(by_code.get("/settings"))

    secrets = {
        "link": link.rsplit("/", 1)[1],
        "code": code,
        "a session by link": by_link.cookies[SESSION_COOKIE],
        "a session by code": by_code.cookies[SESSION_COOKIE],
    }
    # The pages after the link's redirect show none of them (the first entry is the
    # link itself, which the person opened: the address they were given).
    pages = "\n".join(seen[1:]).replace(f"{LOOPBACK}{link}", "")
    # Everything the server logged (the test client's own log of what it asked is the
    # browser's, not the server's).
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "sent outbox message" in logged  # the relay's lines are among them
    with read_session(example_engine) as session:
        audited = str([(e.actor, e.payload) for e in session.exec(select(t.AuditEntry))])
    for name, secret in secrets.items():
        assert secret not in pages, name
        assert secret not in logged, name
        assert secret not in audited, name


# --- every page in both languages and both formats ------------------------------------------


@pytest.mark.parametrize(
    ("lang", "shape"),
    [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")],
)
def test_every_sign_in_page_is_in_the_language_and_format_asked(
    browsers: Callable[[], TestClient], lang: str, shape: str
) -> None:
    browser = browsers()
    query = f"?lang={lang}&format={shape}"
    pages: dict[str, str] = {}
    for path in ["/sign-in", "/sign-in/code", "/sign-in/link"]:
        pages[path] = browser.get(path + query).text
    pages["sent"] = ask(browser, GARETH).text
    pages["failed"] = type_code(browser, GARETH, "000001").text
    sign_in(browser, GARETH)
    pages["/settings"] = browser.get("/settings").text
    page = browser.get("/settings")
    browser.post("/sign-out", data={"csrf_token": csrf(page.text)})
    pages["/signed-out"] = browser.get("/signed-out").text
    english = ["Sign in to Cyd", "Check your messages", "Your settings", "Email address"]
    easy = 'class="cyd-point__picture"'
    for name, html in pages.items():
        assert f'<html lang="{lang}"' in html, name
        assert ("cyd-easy-read" in html) is (shape == "easy-read"), name
        if lang == "cy":
            assert not [text for text in english if text in html], name
        if shape == "easy-read":
            assert easy in html, name
