"""The signed-in person's pages on the example programme, through FastAPI's test client:
"What I need to do", "My ventures", a venture's page and "Start a venture"; signed in
only, a venture only for whom the rules let see it, in English, Welsh and Easy Read,
and free text escaped and isolated."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from checklists.library import Library
from models import queries
from models import tables as t
from models.db import read_session, unit_of_work, utcnow
from services.commands import Cyd, answer_many, extend, start_venture, submit
from services.next_actions import next_actions
from services.overview import my_ventures, venture_summary
from web.access import local_path, sign_in_url
from web.csrf import set_csrf_cookie
from web.i18n import date_words, translations
from web.page import Page
from web.visitor import Identify, SignedIn

from .conftest import LOOPBACK

GARETH = "gareth.jones@example.org"  # lead of the workstream (English, standard)
NIA = "nia.morgan@example.org"  # co-producer (Welsh, Easy Read)
RHYS = "rhys.thomas@example.org"  # co-producer (English, standard)
ELIN = "elin.davies@example.org"  # a reviewer, outside the workstream
MEGAN = "megan.lloyd@example.org"  # the Board's chair
TOM = "tom.price@example.org"  # Megan's supporter
WORKSTREAM = "day-opportunities"
NASTY = "<script>alert('x')</script> <b>bold</b> \u202egnp.exe"


def signed_in_as(engine: Engine, email: str) -> Identify:
    """An `identify` that says `email` is signed in, as sign-in would (a detached row)."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        session.expunge(person)
    visitor = SignedIn(person, f"session-of-{email}")
    return lambda _request, _engine: visitor


# A test's own page: the CSRF token of this browser's session, for a POST from someone
# whom no page offers the form.
token_page = APIRouter()


@token_page.get("/test/token", response_class=PlainTextResponse)
def csrf_token_page(page: Page) -> PlainTextResponse:
    response = PlainTextResponse(page.csrf_token())
    set_csrf_cookie(page.request, response)
    return response


@pytest.fixture
def app_for(make_app: Callable[..., FastAPI], example_engine: Engine) -> Callable[[str], FastAPI]:
    return lambda email: make_app(
        example_engine, identify=signed_in_as(example_engine, email), routers=[token_page]
    )


@pytest.fixture
def browser_of(app_for: Callable[[str], FastAPI]) -> Callable[[str], TestClient]:
    """A browser of its own (cookies and all) signed in as the person given."""
    return lambda email: TestClient(app_for(email), base_url=LOOPBACK)


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the page has no form"
    return found.group(1)


def start_through_the_page(browser: TestClient, title: str, **more: str) -> Any:  # the 303 answer
    form = browser.get("/ventures/new")
    assert form.status_code == 200
    data = {"csrf_token": token(form.text), "workstream": WORKSTREAM, "title": title, **more}
    return browser.post("/ventures/new", data=data, follow_redirects=False)


def main(page: str) -> str:
    """The page's main content (not the header, switches and footer)."""
    return page[page.index('<main class="govuk-main-wrapper"') : page.index("</main>")]


def cy(message: str, **variables: Any) -> str:
    return translations("cy").gettext(message) % variables


def cy_easy(message: str, **variables: Any) -> str:
    return translations("cy").pgettext("easy-read", message) % variables


# --- signed in only ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/ventures", "/ventures/new", "/ventures/v-0001"])
def test_a_visitor_not_signed_in_is_sent_to_sign_in_and_back(
    make_app: Callable[..., FastAPI], example_engine: Engine, path: str
) -> None:
    browser = TestClient(make_app(example_engine), base_url=LOOPBACK)
    answer = browser.get(f"{path}?lang=cy", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == sign_in_url(f"{path}?lang=cy")
    assert answer.headers["location"].startswith("/sign-in?next=%2F")


def test_where_to_come_back_to_is_only_ever_a_path_of_this_site() -> None:
    assert local_path("/ventures/v-0001?lang=cy") == "/ventures/v-0001?lang=cy"
    for elsewhere in ["//evil.example/", "/\\evil.example", "https://evil.example/", "", None]:
        assert local_path(elsewhere) is None
    assert local_path("/a\r\nSet-Cookie: x=y") is None
    assert sign_in_url("//evil.example/") == "/sign-in"


# --- What I need to do ---------------------------------------------------------------------


def test_nothing_to_do_is_said_kindly(browser_of: Callable[[str], TestClient]) -> None:
    gareth = browser_of(GARETH)
    page = gareth.get("/").text
    assert '<h1 class="govuk-heading-l">What I need to do</h1>' in page
    assert "You have nothing to do right now." in page
    assert "Thank you for all you do." in page
    welsh = main(gareth.get("/?lang=cy").text)
    assert cy("You have nothing to do right now.") in welsh
    assert "nothing to do" not in welsh
    easy = main(gareth.get("/?lang=en&format=easy-read").text)
    assert "<span>You have nothing to do now.</span>" in easy
    assert 'src="/pictograms/tick.svg" alt=""' in easy  # decorative: the words say it


def test_the_lead_and_a_co_producer_see_what_to_do_after_a_venture_starts(
    browser_of: Callable[[str], TestClient], example_engine: Engine, library: Library
) -> None:
    gareth, nia = browser_of(GARETH), browser_of(NIA)
    started = start_through_the_page(gareth, "Community café")
    assert started.status_code == 303
    venture_id = started.headers["location"].split("/")[2]
    # What the services say each must do: the page shows it, and links to where.
    now = utcnow()
    (lead_action,) = next_actions(example_engine, library, GARETH, now)
    (nia_action,) = next_actions(example_engine, library, NIA, now)
    assert (lead_action.kind, nia_action.kind) == ("answer", "answer")
    missing = lead_action.params["missing"]
    assert missing > 1

    page = main(gareth.get("/").text)
    assert "You have 1 thing to do." in page
    assert f'href="/ventures/{venture_id}/checklist">Answer questions' in page
    assert f'href="/ventures/{venture_id}"><bdi>Community café</bdi></a>' in page
    assert f"{missing} must-meet questions still need an answer." in page
    assert "No deadline yet" in page

    # Nia reads Welsh Easy Read (her own settings): whole Welsh sentences, each point
    # beside a decorative picture; the English title marked as English.
    page = main(nia.get("/").text)
    welsh = translations("cy")
    assert cy_easy("Answer some questions") in page
    assert f'href="/ventures/{venture_id}/checklist"' in page
    # A co-producer is asked only about the items they may answer: fewer than the lead.
    hers = nia_action.params["missing"]
    assert 0 < hers < missing
    said = welsh.npgettext(
        "easy-read",
        "%(num)d important question needs an answer.",
        "%(num)d important questions need an answer.",
        hers,
    ) % {"num": hers}
    assert f"<span>{said}</span>" in page.replace("&#39;", "'")
    assert '<bdi lang="en">Community café</bdi>' in page
    assert 'src="/pictograms/calendar.svg" alt=""' in page
    assert "Answer" not in page


def test_a_supporter_sees_what_the_person_they_support_must_do(
    browser_of: Callable[[str], TestClient], example_engine: Engine, cyd: Cyd
) -> None:
    with unit_of_work(example_engine) as session:
        nia = queries.person_by_email(session, NIA)
        assert nia is not None
        session.add(
            t.Person(email="ffion.carer@example.org", name="Ffion Rees", supports_person_id=nia.id)
        )
    start_venture(cyd, workstream=WORKSTREAM, title="Garden", lead=GARETH)
    page = main(browser_of("ffion.carer@example.org").get("/").text)
    assert "Answer questions" in page
    assert "You are helping <bdi>Nia Morgan</bdi> with this." in page


def test_actions_are_listed_soonest_deadline_first_and_undated_last(
    browser_of: Callable[[str], TestClient], app_for: Callable[[str], FastAPI], cyd: Cyd
) -> None:
    today = utcnow().date()
    undated = start_venture(cyd, workstream=WORKSTREAM, title="Undated", lead=GARETH)
    later = start_venture(cyd, workstream=WORKSTREAM, title="Later", lead=GARETH)
    sooner = start_venture(cyd, workstream=WORKSTREAM, title="Sooner", lead=GARETH)
    for outcome, days in [(later, 40), (sooner, 10)]:
        extend(
            cyd, outcome.venture_id, until=today + dt.timedelta(days=days), by=GARETH, reason="x"
        )
    page = main(browser_of(RHYS).get("/").text)
    order = [page.index(f"<bdi>{title}</bdi>") for title in ("Sooner", "Later", "Undated")]
    assert order == sorted(order)
    assert "You have 3 things to do." in page
    due = dt.datetime.combine(today + dt.timedelta(days=10), dt.time(23, 59, 59), tzinfo=dt.UTC)
    assert f"By {date_words(due, 'en', year=due.year != today.year)}" in page
    assert undated.venture_id in page

    # Weeks later, the sooner one is overdue: said, and marked.
    app = app_for(RHYS)
    app.state.cyd.clock = lambda: due + dt.timedelta(days=3)
    page = main(TestClient(app, base_url=LOOPBACK).get("/").text)
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert f"It was due by {date_words(due, 'en', year=due.year != today.year)}" in page
    welsh = main(TestClient(app, base_url=LOOPBACK).get("/?lang=cy&format=easy-read").text)
    assert "Mae hyn yn hwyr." in welsh
    assert 'src="/pictograms/clock.svg" alt=""' in welsh


# --- My ventures ---------------------------------------------------------------------------


def test_my_ventures_lists_the_ventures_of_my_workstreams(
    browser_of: Callable[[str], TestClient], cyd: Cyd
) -> None:
    outcome = start_venture(cyd, workstream=WORKSTREAM, title="Community café", lead=GARETH)
    page = main(browser_of(RHYS).get("/ventures").text)
    assert (
        f'<a class="govuk-link" href="/ventures/{outcome.venture_id}"><bdi>Community café' in page
    )
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert "Design gate" in page
    assert "Day opportunities" in page
    assert "<bdi>Gareth Jones</bdi>" in page
    assert "None set" in page
    welsh = main(browser_of(RHYS).get("/ventures?lang=cy").text)
    assert "Porth dylunio" in welsh  # the gate's own Welsh name
    assert "Cyfleoedd dydd" in welsh  # the workstream's, from the programme
    assert cy("Draft") in welsh
    assert '<bdi lang="en">Community café</bdi>' in welsh
    # Someone outside the workstream has none, and may not start one.
    elin = main(browser_of(ELIN).get("/ventures?lang=en").text)  # she reads Welsh
    assert "You do not have any ventures yet." in elin
    assert "Community café" not in elin
    assert 'href="/ventures/new"' not in elin


# --- a venture's page ---------------------------------------------------------------------


def test_a_venture_someone_may_not_see_is_the_same_404_as_one_that_does_not_exist(
    browser_of: Callable[[str], TestClient], cyd: Cyd
) -> None:
    outcome = start_venture(cyd, workstream=WORKSTREAM, title="Secret plan", lead=GARETH)
    elin = browser_of(ELIN)
    hidden = elin.get(f"/ventures/{outcome.venture_id}")
    unknown = elin.get("/ventures/v-9999")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.text.replace(outcome.venture_id, "v-9999") == unknown.text
    assert "Secret plan" not in hidden.text
    # In her own language (Welsh, from her settings), as every page she is refused.
    assert '<html lang="cy"' in hidden.text
    assert translations("cy").gettext("Page not found") in hidden.text
    assert hidden.headers.get("set-cookie") == unknown.headers.get("set-cookie")
    # The Board sees it (its members see every venture), and the chair's supporter too.
    for email in (MEGAN, TOM, NIA):
        assert browser_of(email).get(f"/ventures/{outcome.venture_id}").status_code == 200


def test_a_venture_page_says_where_it_stands_who_is_involved_and_what_next(
    browser_of: Callable[[str], TestClient], cyd: Cyd
) -> None:
    outcome = start_venture(cyd, workstream=WORKSTREAM, title="Community café", lead=GARETH)
    path = f"/ventures/{outcome.venture_id}"
    page = main(browser_of(GARETH).get(path).text)
    assert '<h1 class="govuk-heading-l"><bdi>Community café</bdi></h1>' in page
    assert "Draft" in page
    assert "Design gate" in page
    lead = page.index(">Lead<")
    producers = page.index(">Co-producers<")
    assert "<bdi>Gareth Jones</bdi>" in page[lead:producers]
    for name in ("Nia Morgan", "Rhys Thomas", "Sam Bennett"):
        assert f"<bdi>{name}</bdi>" in page[producers:]
    assert "Gareth Jones" not in page[producers : page.index(">Reviewers<")]
    assert f'href="{path}/checklist">Answer questions' in page
    assert "The lead submits the checklist when every must-meet question has an answer." in page
    assert "Gareth Jones started the venture “Community café” at the gate design." in page
    welsh = main(browser_of(NIA).get(path).text)  # Welsh Easy Read
    assert cy_easy("Who is doing this work") in welsh
    assert cy_easy("%(name)s leads this work.", name="<bdi>Gareth Jones</bdi>") in welsh.replace(
        "&#39;", "'"
    )
    assert "Dechreuodd Gareth Jones y gwaith Community café." in welsh

    # An answer in the history names its question, never the item's id.
    summary = "A café that people who use day services run with us, in the town centre."
    answer_many(cyd, outcome.venture_id, {"venture-summary": summary}, by=NIA)
    page = main(browser_of(GARETH).get(path).text).replace("&#39;", "'")
    question = cyd.library.checklist("coproduction-start").item("venture-summary")
    first = question.question.en.split("?")[0] + "?"
    assert f"Nia Morgan answered the item “{first}”." in page
    welsh = main(browser_of(NIA).get(path).text).replace("&#39;", "'")
    first = question.easy_read.cy.split("?")[0] + "?"
    assert f"Atebodd Nia Morgan gwestiwn: “{first}”." in welsh
    assert "venture-summary" not in welsh.replace(f"{path}/checklist/venture-summary", "")


def test_a_returned_venture_shows_why_at_the_top(
    browser_of: Callable[[str], TestClient], cyd: Cyd, library: Library, example_engine: Engine
) -> None:
    outcome = start_venture(cyd, workstream=WORKSTREAM, title="Community café", lead=GARETH)
    submit(cyd, outcome.venture_id, by=GARETH)
    summary = venture_summary(example_engine, outcome.venture_id)
    assert summary.state == "returned"
    assert summary.sent_back is not None
    gaps = summary.sent_back.gaps
    assert gaps
    item = library.checklist(gaps[0].checklist_id).item(gaps[0].item_id)
    path = f"/ventures/{outcome.venture_id}"

    page = main(browser_of(GARETH).get(path).text)
    banner = page[: page.index('<span class="govuk-caption-l">')]
    assert "This venture was returned for changes on" in banner
    assert "These questions need an answer:" in banner
    assert item.question.en.replace("'", "&#39;") in banner
    assert gaps[0].problem == "missing"  # said once for them all, not item by item
    assert gaps[0].reason["en"] not in banner
    assert f'href="{path}/checklist">Go to the checklist' in banner
    assert "Make the changes asked for" in page
    assert "It was returned for changes." in page  # in the history

    welsh = main(browser_of(NIA).get(path).text).replace("&#39;", "'")
    banner = welsh[: welsh.index('<span class="govuk-caption-l">')]
    assert cy_easy("This work was sent back for changes.") in banner
    assert cy_easy("These questions need an answer:") in banner
    assert item.easy_read.cy in banner


# --- Start a venture ------------------------------------------------------------------------


def test_starting_a_venture_lands_on_its_checklist_with_the_signed_in_person_as_lead(
    browser_of: Callable[[str], TestClient], example_engine: Engine
) -> None:
    answer = start_through_the_page(browser_of(NIA), "Café", lead=GARETH)
    assert answer.status_code == 303
    (venture,) = my_ventures(example_engine, NIA)
    assert answer.headers["location"] == f"/ventures/{venture.id}/checklist"
    assert venture.lead.email == NIA  # not the form's "lead"
    assert venture.workstream_id == WORKSTREAM


def test_starting_a_venture_needs_the_forms_token(
    browser_of: Callable[[str], TestClient], example_engine: Engine
) -> None:
    gareth = browser_of(GARETH)
    gareth.get("/ventures/new")  # the CSRF cookie is set
    refused = gareth.post(
        "/ventures/new", data={"workstream": WORKSTREAM, "title": "Café"}, follow_redirects=False
    )
    assert refused.status_code == 403
    other = browser_of(NIA)  # another session's token
    stolen = token(other.get("/ventures/new").text)
    refused = gareth.post(
        "/ventures/new",
        data={"workstream": WORKSTREAM, "title": "Café", "csrf_token": stolen},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert my_ventures(example_engine, GARETH) == []


def test_the_start_form_offers_only_my_workstreams(
    browser_of: Callable[[str], TestClient], example_engine: Engine
) -> None:
    form = browser_of(GARETH).get("/ventures/new").text
    assert re.findall(r'name="workstream" type="radio" value="([^"]+)"', form) == [WORKSTREAM]
    assert 'name="lead"' not in form
    welsh = browser_of(GARETH).get("/ventures/new?lang=cy").text
    assert "Cyfleoedd dydd" in welsh
    # Someone in no workstream is told why they cannot, and a posted one is refused.
    elin = browser_of(ELIN)
    page = elin.get("/ventures/new?lang=en").text  # she reads Welsh
    assert "you are not in a workstream yet" in page
    assert 'type="radio"' not in page
    answer = elin.post(
        "/ventures/new?lang=en",
        data={
            "csrf_token": elin.get("/test/token").text,
            "workstream": WORKSTREAM,
            "title": "Mine",
        },
    )
    assert answer.status_code == 400
    assert "Select the workstream the venture is in" in answer.text
    assert my_ventures(example_engine, ELIN) == []


def test_mistakes_on_the_start_form_are_said_in_the_pages_language(
    browser_of: Callable[[str], TestClient], example_engine: Engine
) -> None:
    gareth = browser_of(GARETH)
    csrf = token(gareth.get("/ventures/new").text)
    answer = gareth.post("/ventures/new?lang=cy", data={"csrf_token": csrf, "title": "   "})
    assert answer.status_code == 400
    page = answer.text
    assert f"<title>{cy('Error:')} {cy('Start a venture')} – Cyd</title>" in page
    assert '<a href="#workstream">' + cy("Select the workstream the venture is in") in page
    assert (
        '<a href="#title">' + cy("Enter what the venture is called").replace("'", "&#39;") in page
    )
    assert 'id="title-error"' in page
    too_long = "x" * 301
    answer = gareth.post(
        "/ventures/new?lang=en",
        data={"csrf_token": csrf, "workstream": WORKSTREAM, "title": too_long},
    )
    assert answer.status_code == 400
    assert "The name must be 300 characters or fewer" in answer.text
    assert f'value="{too_long}"' in answer.text  # kept, to shorten
    way_too_long = gareth.post(
        "/ventures/new",
        data={"csrf_token": csrf, "workstream": WORKSTREAM, "title": "x" * 5000},
    )
    assert way_too_long.status_code == 400
    easy = gareth.post(
        "/ventures/new?format=easy-read",
        data={"csrf_token": csrf, "workstream": WORKSTREAM, "title": ""},
    )
    assert "Write a name for the work." in easy.text
    assert my_ventures(example_engine, GARETH) == []


# --- free text ------------------------------------------------------------------------------


def test_free_text_is_escaped_and_isolated_everywhere(
    browser_of: Callable[[str], TestClient],
) -> None:
    gareth = browser_of(GARETH)
    answer = start_through_the_page(gareth, NASTY)
    venture_id = answer.headers["location"].split("/")[2]
    escaped = (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; \u202egnp.exe"
    )
    for browser, path in [
        (gareth, "/"),
        (gareth, "/ventures"),
        (gareth, f"/ventures/{venture_id}"),
        (gareth, "/?format=easy-read"),
        (browser_of(NIA), "/"),
        (browser_of(NIA), f"/ventures/{venture_id}"),
    ]:
        page = browser.get(path).text
        assert "<script>alert" not in page, path
        assert "<b>bold" not in page, path
        # The bidi override stays inside its own <bdi>: it cannot reorder the page.
        assert re.search(r"<bdi( lang=\"en\")?>" + re.escape(escaped) + "</bdi>", page), path
        assert page.count("\u202e") == page.count(escaped), path


# --- navigation ------------------------------------------------------------------------------


def test_the_signed_in_pages_share_a_navigation_with_the_current_page_marked(
    browser_of: Callable[[str], TestClient], cyd: Cyd
) -> None:
    gareth = browser_of(GARETH)
    for path, text in [("/", "What I need to do"), ("/ventures", "My ventures")]:
        page = gareth.get(path).text
        current = rf'href="{path}"\s+aria-current="page">\s*<strong[^>]*>{text}</strong>'
        assert re.search(current, page), path
    # Every other page of a signed-in person leads to them too; a venture's own pages
    # are under "My ventures" (active, not the page itself).
    venture = start_venture(cyd, workstream=WORKSTREAM, title="Café", lead=GARETH).venture_id
    under = r'href="/ventures"\s+aria-current="true">\s*<strong[^>]*>My ventures</strong>'
    for path in (
        f"/ventures/{venture}",
        f"/ventures/{venture}/checklist",
        f"/ventures/{venture}/checklist/venture-summary",
        f"/ventures/{venture}/check",
        "/settings",
        "/accessibility",
    ):
        page = gareth.get(path).text
        assert 'href="/">' in page, path
        assert 'href="/ventures/new">' in page, path
        assert 'aria-current="page"' not in page, path
        assert bool(re.search(under, page)) == path.startswith("/ventures/"), path
    welsh = gareth.get("/ventures/new?lang=cy").text
    assert cy("My ventures") in welsh
    assert cy("What I need to do") in welsh
