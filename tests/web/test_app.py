"""The pages' foundation through FastAPI's test client: headers, CSRF, language and
format, error pages that say nothing, bounded bodies, static files."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Form, HTTPException
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient
from starlette.requests import HTTPConnection

from models import tables as t
from web.middleware import CSP
from web.page import Page
from web.settings import SECRET_FILE, WebSettings, load_secret
from web.templating import environment
from web.visitor import SignedIn

from .conftest import LOOPBACK

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
VARIANTS = [
    ("en", "standard"),
    ("cy", "standard"),
    ("en", "easy-read"),
    ("cy", "easy-read"),
]

# A test's own pages: a form (GET shows it, POST records what was posted), a page
# that hides a venture, and a page that breaks.
posted: list[str] = []
extra_pages = APIRouter()


FORM = """{% extends "base.html" %}
{% block title %}A form{% endblock %}
{% block content %}
<form method="post" novalidate>
  {{ csrf_field() }}
  <label class="govuk-label" for="note">Note</label>
  <input class="govuk-input" id="note" name="note">
</form>
{% endblock %}
"""


@extra_pages.get("/test/form", response_class=HTMLResponse)
def form_page(page: Page) -> HTMLResponse:
    return page.render(environment(page.language).from_string(FORM))


@extra_pages.post("/test/form", response_class=PlainTextResponse)
def form_post(note: str = Form(max_length=100)) -> PlainTextResponse:
    posted.append(note)
    return PlainTextResponse("saved")


@extra_pages.get("/test/words", response_class=PlainTextResponse)
def words(page: Page, n: int) -> PlainTextResponse:
    # Texts made in Python, as a handler would for a message it builds.
    reply = page.ngettext(
        "We will reply within %(num)d working day.", "We will reply within %(num)d working days.", n
    )
    zoom = page.gettext("zoom in up to 400%% without the text spilling off the screen")
    return PlainTextResponse(f"{page.gettext('Page not found')}|{reply}|{zoom}")


@extra_pages.get("/test/ventures/{venture_id}")
def hidden_venture(venture_id: str) -> None:
    raise HTTPException(404, detail=f"venture {venture_id} is not yours to see")


@extra_pages.get("/test/broken")
def broken() -> None:
    raise RuntimeError("the secret behind the failure")


@pytest.fixture
def test_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    posted.clear()
    return make_app(routers=[extra_pages])


@pytest.fixture
def test_client(test_app: FastAPI) -> TestClient:
    return TestClient(test_app, base_url=LOOPBACK)


def test_every_answer_carries_the_security_headers(test_client: TestClient) -> None:
    assert EXPECTED_CSP == CSP
    for path, status in [
        ("/accessibility", 200),
        ("/static/cyd.css", 200),
        ("/nowhere", 404),
        ("/test/broken", 500),
    ]:
        answer = test_client.get(path)
        assert answer.status_code == status, path
        assert answer.headers["content-security-policy"] == EXPECTED_CSP, path
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] == "no-referrer", path
        assert answer.headers["x-frame-options"] == "DENY", path
        assert "server" not in answer.headers, path
    assert test_client.get("/accessibility").headers["cache-control"] == "no-store"
    assert "no-store" not in test_client.get("/static/cyd.css").headers.get("cache-control", "")


def test_healthz_says_ok(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert (answer.status_code, answer.text) == (200, "ok")


# --- CSRF ------------------------------------------------------------------------------


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def test_a_post_without_the_token_is_refused_and_does_nothing(test_client: TestClient) -> None:
    test_client.get("/test/form")  # the browser has its cookie, but the post has no token
    answer = test_client.post("/test/form", data={"note": "hello"})
    assert answer.status_code == 403
    assert "Sorry, that did not work" in answer.text
    assert posted == []


def test_a_post_with_the_forms_token_is_accepted(test_client: TestClient) -> None:
    token = _token(test_client.get("/test/form").text)
    answer = test_client.post("/test/form", data={"note": "hello", "csrf_token": token})
    assert (answer.status_code, answer.text) == (200, "saved")
    assert posted == ["hello"]


def test_a_token_is_refused_with_another_browsers_cookie(test_app: FastAPI) -> None:
    # The attacker's own valid pair: their token is worth nothing with the victim's cookie.
    attacker = TestClient(test_app, base_url=LOOPBACK)
    token = _token(attacker.get("/test/form").text)
    victim = TestClient(test_app, base_url=LOOPBACK)
    victim.get("/test/form")
    answer = victim.post("/test/form", data={"note": "forged", "csrf_token": token})
    assert answer.status_code == 403
    # ... and without any cookie at all
    fresh = TestClient(test_app, base_url=LOOPBACK)
    assert fresh.post("/test/form", data={"note": "x", "csrf_token": token}).status_code == 403
    assert posted == []


def test_a_token_is_refused_with_a_cookie_it_was_not_made_for(test_client: TestClient) -> None:
    # A cookie the attacker planted, and a token they made up for it without the secret.
    test_client.cookies.set("cyd_csrf", "A" * 43)
    answer = test_client.post("/test/form", data={"note": "x", "csrf_token": "A" * 43})
    assert answer.status_code == 403
    assert posted == []


def test_a_token_is_bound_to_the_signed_in_session(
    make_app: Callable[..., FastAPI],
) -> None:
    sessions = {"one": "session-1"}
    person = t.Person(id=7, email="nia@example.org", name="Nia", language="en")

    def identify(_request: HTTPConnection, _engine: object) -> SignedIn | None:
        return SignedIn(person, sessions["one"])

    app = make_app(identify=identify, routers=[extra_pages])
    client = TestClient(app, base_url=LOOPBACK)
    token = _token(client.get("/test/form").text)
    sessions["one"] = "session-2"  # signed out and in again: a new session
    assert client.post("/test/form", data={"note": "x", "csrf_token": token}).status_code == 403
    token = _token(client.get("/test/form").text)
    assert client.post("/test/form", data={"note": "y", "csrf_token": token}).status_code == 200
    assert posted == ["y"]


def test_the_token_may_come_in_a_header(test_client: TestClient) -> None:
    token = _token(test_client.get("/test/form").text)
    answer = test_client.post(
        "/test/form", data={"note": "from a script"}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 200


def test_forms_are_bounded(test_client: TestClient, web_settings: WebSettings) -> None:
    token = _token(test_client.get("/test/form").text)
    too_big = "x" * (web_settings.max_body_bytes + 1)
    answer = test_client.post("/test/form", data={"note": too_big, "csrf_token": token})
    assert answer.status_code == 413
    assert "Sorry, that was too long" in answer.text
    # Sent in chunks, with no length said beforehand: stopped once past the bound.
    chunks = (b"note=" + b"x" * 1024 for _ in range(web_settings.max_body_bytes // 1024 + 2))
    answer = test_client.post(
        "/test/form",
        content=chunks,
        headers={"X-CSRF-Token": token, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413
    assert "Sorry, that was too long" in answer.text
    # A field longer than its handler allows is a 400, said kindly.
    answer = test_client.post("/test/form", data={"note": "x" * 101, "csrf_token": token})
    assert answer.status_code == 400
    assert "Go back, check what you entered and try again." in answer.text
    assert posted == []


def test_cookies_are_secure_except_over_http_on_loopback(test_app: FastAPI) -> None:
    local = TestClient(test_app, base_url="http://127.0.0.1").get("/test/form?lang=cy")
    remote = TestClient(test_app, base_url="https://cyd.example.org").get("/test/form?lang=cy")
    for answer, secure in [(local, False), (remote, True)]:
        cookies = answer.headers.get_list("set-cookie")
        assert {c.split("=")[0] for c in cookies} == {"cyd_csrf", "cyd_lang"}
        for cookie in cookies:
            assert "HttpOnly" in cookie
            assert "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure, cookie


# --- language and format ----------------------------------------------------------------


def test_the_language_switch_gives_a_welsh_page_and_is_remembered(client: TestClient) -> None:
    english = client.get("/accessibility")
    assert '<html lang="en"' in english.text
    assert "Accessibility statement for Cyd" in english.text
    assert 'href="/accessibility?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>' in english.text

    welsh = client.get("/accessibility?lang=cy")
    assert '<html lang="cy"' in welsh.text
    assert "Datganiad hygyrchedd Cyd" in welsh.text
    assert "Neidio i'r prif gynnwys" in welsh.text  # the skip link
    assert "Accessibility statement for Cyd" not in welsh.text
    assert 'lang="en" hreflang="en">English</a>' in welsh.text

    again = client.get("/accessibility")  # the cookie remembers
    assert '<html lang="cy"' in again.text
    assert '<html lang="en"' in client.get("/accessibility?lang=en").text


def test_easy_read_is_a_format_of_its_own(client: TestClient) -> None:
    answer = client.get("/accessibility?format=easy-read")
    assert 'class="govuk-template__body cyd-easy-read"' in answer.text
    assert "We want everyone to be able to use Cyd." in answer.text
    # Each point's picture is decorative: the words beside it say what it shows.
    picture = '<img class="cyd-point__picture" src="/pictograms/people.svg" alt=""'
    assert picture in answer.text
    assert 'src="/pictograms/welsh.svg" alt=""' in answer.text  # "... English or Welsh."
    assert re.findall(r'class="cyd-point__picture"[^>]* alt="([^"]*)"', answer.text) == [""] * (
        answer.text.count('class="cyd-point__picture"')
    )
    assert "We will answer you within 5 working days." in answer.text
    welsh = client.get("/accessibility?lang=cy").text
    assert "Byddwn ni'n eich ateb chi o fewn 5 diwrnod gwaith." in welsh
    assert 'src="/pictograms/people.svg" alt=""' in welsh
    assert "Grŵp o bobl" not in welsh
    standard = client.get("/accessibility?lang=en&format=standard").text
    assert "cyd-easy-read" not in standard
    assert "Accessibility statement for Cyd" in standard


def test_the_signed_in_persons_settings_apply_unless_this_browser_chose(
    make_app: Callable[..., FastAPI],
) -> None:
    nia = t.Person(id=3, email="nia@example.org", name="Nia", language="cy", format="easy-read")
    app = make_app(identify=lambda _request, _engine: SignedIn(nia, "s"))
    client = TestClient(app, base_url=LOOPBACK)
    page = client.get("/accessibility").text
    assert '<html lang="cy"' in page
    assert "cyd-easy-read" in page
    client.get("/accessibility?lang=en&format=standard")
    page = client.get("/accessibility").text
    assert '<html lang="en"' in page
    assert "cyd-easy-read" not in page


def test_handlers_translate_in_the_pages_language(test_client: TestClient) -> None:
    assert test_client.get("/test/words?n=2&lang=cy").text == (
        "Heb ddod o hyd i'r dudalen|Byddwn ni'n ateb o fewn dau ddiwrnod gwaith."
        "|chwyddo hyd at 400% heb i'r testun fynd oddi ar y sgrin"
    )
    assert test_client.get("/test/words?n=1&lang=en").text == (
        "Page not found|We will reply within 1 working day."
        "|zoom in up to 400% without the text spilling off the screen"
    )


def test_unknown_choices_are_ignored(client: TestClient) -> None:
    answer = client.get("/accessibility?lang=fr&format=<script>")
    assert '<html lang="en"' in answer.text
    assert "set-cookie" not in answer.headers
    assert "<script>" not in answer.text.replace('<script type="module"', "")


class _Inline(HTMLParser):
    """Finds what the CSP would block: inline scripts, style elements and attributes,
    event handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def extra_pages_have_no_inline_script_or_style(client: TestClient, lang: str, shape: str) -> None:
    for path in ["/accessibility", "/nowhere"]:
        parser = _Inline()
        parser.feed(client.get(f"{path}?lang={lang}&format={shape}").text)
        assert parser.found == [], path


# --- error pages -------------------------------------------------------------------------


def test_a_hidden_venture_is_page_not_found_like_any_other(test_client: TestClient) -> None:
    hidden = test_client.get("/test/ventures/v-0042")
    missing = test_client.get("/test/nothing/v-0042")  # no such page at all
    assert hidden.status_code == missing.status_code == 404
    assert "Page not found" in hidden.text
    assert "v-0042" not in hidden.text.replace("/test/ventures/v-0042?", "")
    assert "not yours" not in hidden.text
    # The same page, but for the path in the language switch's link.
    assert hidden.text.replace("/test/ventures/", "/test/nothing/") == missing.text


def test_error_pages_are_in_welsh_and_easy_read(test_client: TestClient) -> None:
    welsh = test_client.get("/nowhere?lang=cy")
    assert welsh.status_code == 404
    assert '<html lang="cy"' in welsh.text
    assert "Heb ddod o hyd i'r dudalen" in welsh.text
    easy = test_client.get("/nowhere?lang=cy&format=easy-read")
    assert "Dydyn ni ddim yn gallu dod o hyd i'r dudalen yma." in easy.text
    refused = test_client.post("/test/form?lang=cy", data={"note": "x"})
    assert refused.status_code == 403
    assert "Mae'n ddrwg gennym, wnaeth hynny ddim gweithio" in refused.text


def test_a_failure_is_a_kind_page_without_its_details(test_client: TestClient) -> None:
    answer = test_client.get("/test/broken?lang=cy")
    assert answer.status_code == 500
    assert "Mae'n ddrwg gennym, mae problem gyda Cyd" in answer.text
    assert "secret" not in answer.text
    assert "Traceback" not in answer.text


def test_a_wrong_method_is_refused_with_a_page(client: TestClient) -> None:
    for answer in [client.delete("/accessibility"), client.post("/healthz")]:
        assert answer.status_code == 405
        assert answer.headers["allow"] == "GET"
        assert "Page not found" in answer.text


# --- static files and the secret -----------------------------------------------------------


def test_the_stylesheet_is_served_without_the_gds_typeface(client: TestClient) -> None:
    page = client.get("/accessibility").text
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert href
    assert href.group(1).startswith("/static/cyd.css?v=")
    css = client.get(href.group(1))
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".govuk-button" in css.text
    assert "GDS Transport" not in css.text
    assert "@font-face" not in css.text
    assert "crest" not in css.text
    assert "system-ui" in css.text
    script = re.search(r'<script type="module" src="([^"]+)"></script>', page)
    assert script
    assert client.get(script.group(1)).status_code == 200
    assert client.get("/static/govuk-frontend.min.js").status_code == 200
    svg = client.get("/pictograms/tick.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")


def test_the_secret_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = load_secret(tmp_path / "data")
    path = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_secret(tmp_path / "data") == first
    assert load_secret(tmp_path / "other") != first
