"""A venture's checklist through the pages (FastAPI's test client) on the example
programme: the task list, question pages of every answer type, errors, conditions,
check your answers, submitting, who may see and do what, Welsh and Easy Read, and
escaping of what people wrote."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from checklists.evaluate import evaluate
from checklists.examples import example_answer
from checklists.loader import Library
from checklists.spec import Item
from governance.catalogue import say
from models import queries
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from services.venture_checklist import venture_checklists
from web.answer_fields import field_id
from web.visitor import SignedIn

from .conftest import LOOPBACK

LEAD = "gareth.jones@example.org"
NIA = "nia.morgan@example.org"  # co-producer; reads Welsh, Easy Read
SAM = "sam.bennett@example.org"  # co-producer; English, Easy Read
CHAIR = "megan.lloyd@example.org"  # on the Board: sees the venture, does not answer
OUTSIDER = "owen.walker@example.org"  # a reviewer not assigned to it: sees nothing
SUMMARY = "A community café run together with the people who use day services in the town."
ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}


def person(engine: Engine, email: str) -> t.Person:
    with read_session(engine) as session:
        found = queries.person_by_email(session, email)
    assert found is not None
    return found


class Browser:
    """A test client signed in as one person (their own settings unless told)."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, base_url=LOOPBACK)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, follow_redirects=False, **kwargs)

    def page(self, url: str) -> str:
        answer = self.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        return str(answer.text)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        token = csrf(self.page(url))
        return self.client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    return Cyd(engine, library)


@pytest.fixture
def venture(cyd: Cyd) -> str:
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def own_token(browser: Browser, email: str) -> str:
    """The CSRF token a page would give this browser's session (for a person with no page
    that has a form: an outsider)."""
    from web.csrf import CSRF_COOKIE, _sign

    nonce = "n" * 43
    browser.client.cookies.set(CSRF_COOKIE, nonce)
    app: Any = browser.client.app
    return _sign(app.state.settings.secret, nonce, SignedIn(person_stub(email), f"session-{email}"))


def person_stub(email: str) -> t.Person:
    return t.Person(email=email, name=email)


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form"
    return found.group(1)


def main(page: str) -> str:
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found
    return found.group(0)


def text_of(page: str) -> str:
    """The words of the page's main content, tags dropped, spaces squashed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main(page))).split())


def fields_on(page: str) -> list[str]:
    """The items whose fields a question page holds, in order."""
    names = re.findall(r'name="answer-([a-z0-9-]+?)(?:-day|-month|-year)?"', page)
    return list(dict.fromkeys(names))


def form_for(item: Item, value: Any) -> dict[str, Any]:
    """How a person fills `item`'s inputs to give `value`."""
    name = field_id(item)
    kind = item.answer.type
    if kind == "yes-no":
        return {name: "yes" if value else "no"}
    if kind == "multiple-choice":
        return {name: list(value)}
    if kind == "people":
        return {name: "\n".join(value)}
    if kind == "date":
        day = dt.date.fromisoformat(value)
        return {
            f"{name}-day": str(day.day),
            f"{name}-month": str(day.month),
            f"{name}-year": str(day.year),
        }
    return {name: str(value)}


def item_of(library: Library, item_id: str, checklist: str = "coproduction-start") -> Item:
    return library.checklist(checklist).item(item_id)


def current(engine: Engine, library: Library, venture: str) -> dict[str, Any]:
    read = venture_checklists(engine, library, venture)
    return {k: a.value for answers in read.answers.values() for k, a in answers.items()}


def task_rows(page: str) -> dict[str, tuple[str, str | None]]:
    """The task list's items: title -> (status words, link or None)."""
    rows = {}
    for li in re.findall(r'<li class="govuk-task-list__item.*?</li>', page, re.S):
        link = re.search(r'href="([^"]+)"', li)
        title = re.search(r"(?:govuk-task-list__link[^>]*>|<div>)\s*(.*?)\s*</(?:a|div)>", li, re.S)
        status = re.search(r"govuk-task-list__status[^>]*>(.*?)</div>", li, re.S)
        assert title
        assert status
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", status.group(1))).split())
        rows[html.unescape(title.group(1).strip())] = (words, link.group(1) if link else None)
    return rows


# --- signing in and seeing ------------------------------------------------------------------


def test_the_pages_need_sign_in_and_come_back_after(
    make_app: Callable[..., FastAPI], engine: Engine, venture: str
) -> None:
    client = Browser(make_app(engine))
    for url in (f"/ventures/{venture}/checklist", f"/ventures/{venture}/check"):
        answer = client.get(url + "?lang=cy")
        assert answer.status_code == 303
        assert answer.headers["location"] == (
            "/sign-in?next=" + url.replace("/", "%2F") + "%3Flang%3Dcy"
        )


def test_an_outsider_gets_the_same_page_not_found_as_for_no_venture(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    owen = browser_as(OUTSIDER, **ENGLISH)
    pages = [
        f"/ventures/{venture}/checklist",
        f"/ventures/{venture}/checklist/venture-summary",
        f"/ventures/{venture}/check",
        f"/ventures/{venture}/submitted",
    ]
    unknown = [p.replace(venture, "v-9999") for p in pages]
    answers = [owen.get(url) for url in pages + unknown]
    assert {a.status_code for a in answers} == {404}
    bodies = {main(a.text).replace(venture, "").replace("v-9999", "") for a in answers}
    assert len(bodies) == 1
    assert "Page not found" in bodies.pop()
    # Posting is no way in either, with a token as good as any page of his would give.
    token = own_token(owen, OUTSIDER)
    for url in (f"/ventures/{venture}/checklist/venture-summary", f"/ventures/{venture}/check"):
        posted = owen.client.post(
            url, data={"answer-venture-summary": SUMMARY, "csrf_token": token}
        )
        assert posted.status_code == 404
    gareth = browser_as(LEAD)
    assert gareth.get(f"/ventures/{venture}/checklist/no-such-item").status_code == 404
    assert gareth.get(f"/ventures/{venture}/checklist/" + "x" * 200).status_code == 404


# --- answering the whole checklist ----------------------------------------------------------


def walk(
    browser: Browser, library: Library, venture: str, start: str, *, stop_at: str | None = None
) -> tuple[list[list[str]], str]:
    """Answer page after page with valid answers ("save and continue") from `start`,
    until the pages lead away from the questions or to `stop_at`. Returns the items of
    each page posted, and where it ended."""
    url = f"/ventures/{venture}/checklist/{start}"
    posted: list[list[str]] = []
    prefix = f"/ventures/{venture}/checklist/"
    while url.startswith(prefix) and url.removeprefix(prefix) != stop_at:
        names = fields_on(browser.page(url))
        assert names, url
        data: dict[str, Any] = {"then": "continue"}
        for name in names:
            item = item_of(library, name, _checklist_of(library, name))
            data.update(form_for(item, example_answer(item)))
        answer = browser.post(url, data)
        assert answer.status_code == 303, main(answer.text)
        url = answer.headers["location"]
        posted.append(names)
    return posted, url


def _checklist_of(library: Library, item_id: str) -> str:
    for checklist in library.latest_checklists():
        if any(i.id == item_id for i in checklist.items()):
            return checklist.id
    raise KeyError(item_id)


def test_gareth_and_nia_answer_the_whole_checklist_and_gareth_submits_it(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    gareth = browser_as(LEAD)  # English, standard: a section a page
    nia = browser_as(NIA)  # Welsh, Easy Read (her own settings): a question a page
    # Gareth answers a section a page up to the last section, "learning", whose last
    # item only he may answer; Nia the others of it, a question a page.
    by_gareth, stopped = walk(
        gareth, library, venture, "venture-summary", stop_at="success-measures"
    )
    # None of the sections before the one that asks about payment has an item hidden by
    # a condition (their views are asked whatever the count): a page each, whole.
    sections = library.checklist("coproduction-start").sections
    before_payment = sections[: [s.id for s in sections].index("resources")]
    assert by_gareth[: len(before_payment)] == [[i.id for i in s.items] for s in before_payment]
    assert all(i.show_if is None for section in before_payment for i in section.items)
    assert "lived-experience-views" in by_gareth[1]
    assert "photo-consent" in [i for names in by_gareth for i in names]  # his yes to photos
    assert stopped.endswith("/checklist/success-measures")
    learning = sections[-2]
    assert learning.id == "learning"
    # Hers: those not only for the lead; "taking-part-better" is asked only when taking
    # part felt not good or mixed, and the example answer is the last option (good).
    hers = [i.id for i in learning.items if i.for_co_producers() and i.show_if is None]
    assert hers == ["success-measures", "taking-part-felt"]
    by_nia, stopped = walk(nia, library, venture, "success-measures", stop_at="interests-declared")
    assert by_nia == [[i] for i in hers]
    # The lead's item is shown to her, not asked: its page has no field of hers.
    assert fields_on(nia.page(stopped)) == []
    by_gareth, ended = walk(gareth, library, venture, "interests-declared")
    assert by_gareth == [["interests-declared"]]
    assert ended == f"/ventures/{venture}/check"
    # Who answered what: Nia's answers are hers, on the task list and in the service.
    read = venture_checklists(engine, library, venture)
    given = read.answers["coproduction-start"]
    assert given["venture-summary"].by == LEAD
    assert given["payment"].by == LEAD
    assert {given[i].by for i in hers} == {NIA}
    rows = task_rows(gareth.page(f"/ventures/{venture}/checklist"))
    felt = item_of(library, "taking-part-felt").question.en
    assert rows[felt][0] == "Completed"
    listed = gareth.page(f"/ventures/{venture}/checklist")
    assert "Answered by Nia Morgan" in text_of(listed)
    n = len(sections)
    assert f"You have completed {n} of {n} sections." in text_of(listed)
    # Check your answers: nothing missing; the lead sends it.
    checked = gareth.page(f"/ventures/{venture}/check")
    assert "Every must-meet item is answered and every answer is valid." in text_of(checked)
    # The gate asks a co-producer with lived experience to sign it off first: the lead is
    # told, and Nia (Welsh, Easy Read) signs it off from the same page.
    assert "once enough co-producers with lived experience have signed it off" in text_of(checked)
    assert f'action="/ventures/{venture}/sign-off"' not in checked  # not the lead's to give
    her_check = nia.page(f"/ventures/{venture}/check")
    assert "Ydyn, mae'r atebion yn dweud beth gytunon ni" in html.unescape(her_check)
    signed = nia.client.post(
        f"/ventures/{venture}/sign-off",
        data={"csrf_token": own_token(nia, NIA)},
        follow_redirects=False,
    )
    assert (signed.status_code, signed.headers["location"]) == (
        303,
        f"/ventures/{venture}/check#signed-off",
    )
    assert "Nia Morgan" in text_of(gareth.page(f"/ventures/{venture}/check"))
    sent = gareth.post(f"/ventures/{venture}/check", {})
    assert sent.headers["location"] == f"/ventures/{venture}/submitted"
    confirmation = gareth.page(sent.headers["location"])
    assert 'class="govuk-panel' in confirmation
    assert "Checklist sent" in text_of(confirmation)
    assert "What happens next" in text_of(confirmation)
    assert venture_checklists(engine, library, venture).state == "in_review"
    # In Welsh Easy Read, for Nia.
    assert "Gwnaethoch chi anfon y rhestr wirio" in text_of(nia.page(sent.headers["location"]))


def test_every_answer_type_has_its_input_and_is_saved_as_its_value(
    browser_as: Callable[..., Browser], cyd: Cyd, engine: Engine, library: Library
) -> None:
    # The delivery gate's checklist has numbers, people, yes/no, dates and links; the
    # design gate's single and multiple choices.
    delivery = c.start_venture(
        cyd, workstream="day-opportunities", title="Café, year two", lead=LEAD, gate="delivery"
    ).venture_id
    gareth = browser_as(LEAD, **ENGLISH)
    page = gareth.page(f"/ventures/{delivery}/checklist/lived-experience-still-involved")
    assert 'inputmode="numeric"' in page
    assert re.search(r'<textarea[^>]*name="answer-co-producer-contact"', page)
    assert re.search(r'name="answer-still-paid" type="radio"', page)
    posted = gareth.post(
        f"/ventures/{delivery}/checklist/lived-experience-still-involved",
        {
            "answer-lived-experience-still-involved": " 12 ",
            "answer-co-producer-contact": "Nia Morgan\r\n  sam.bennett@example.org \r\n\r\n",
            "answer-still-paid": "no",
            "then": "continue",
        },
    )
    assert posted.status_code == 303
    # "No" to still paid shows why not, on the same page: it stays.
    assert posted.headers["location"] == (
        f"/ventures/{delivery}/checklist/lived-experience-still-involved"
    )
    again = gareth.page(posted.headers["location"])
    assert "answer-payment-problem" in again
    saved = current(engine, library, delivery)
    assert saved["lived-experience-still-involved"] == 12
    assert saved["co-producer-contact"] == ["Nia Morgan", "sam.bennett@example.org"]
    assert saved["still-paid"] is False
    # A date as day, month and year; a link.
    page = gareth.page(f"/ventures/{delivery}/checklist/last-feedback-date")
    assert 'name="answer-last-feedback-date-day"' in page
    assert 'name="answer-last-feedback-date-year"' in page
    assert 'type="url"' in page
    gareth.post(
        f"/ventures/{delivery}/checklist/last-feedback-date",
        {
            "answer-last-feedback-date-day": "7",
            "answer-last-feedback-date-month": "3",
            "answer-last-feedback-date-year": "2027",
            "answer-feedback-link": "https://example.org/feedback",
            "answer-changes-from-input": "We moved the opening hours.",
            "then": "later",
        },
    )
    saved = current(engine, library, delivery)
    assert saved["last-feedback-date"] == "2027-03-07"
    assert saved["feedback-link"] == "https://example.org/feedback"
    assert saved["changes-from-input"] == "We moved the opening hours."
    # Shown back in words.
    checked = text_of(gareth.page(f"/ventures/{delivery}/check"))
    assert "Sunday 7 March 2027" in checked
    assert "Nia Morgan sam.bennett@example.org" in checked
    # Single and multiple choices, on the design gate.
    design = c.start_venture(
        cyd, workstream="day-opportunities", title="Café", lead=LEAD
    ).venture_id
    page = gareth.page(f"/ventures/{design}/checklist/formats-offered")
    assert re.search(r'name="answer-formats-offered" type="checkbox"', page)
    gareth.post(
        f"/ventures/{design}/checklist/formats-offered",
        {"answer-formats-offered": ["easy-read", "audio"], "then": "later"},
    )
    gareth.post(
        f"/ventures/{design}/checklist/ladder-rung",
        {"answer-ladder-rung": "co-design", "then": "later"},
    )
    saved = current(engine, library, design)
    assert saved["formats-offered"] == ["easy-read", "audio"]
    assert saved["ladder-rung"] == "co-design"
    page = gareth.page(f"/ventures/{design}/checklist/ladder-rung")
    assert re.search(r'value="co-design"\s+checked', page)
    page = gareth.page(f"/ventures/{design}/checklist/formats-offered")
    assert (
        len(
            re.findall(
                r'name="answer-formats-offered" type="checkbox" value="[a-z-]+"\s+checked', page
            )
        )
        == 2
    )


def test_invalid_answers_show_the_error_summary_with_every_field_and_save_nothing(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    url = f"/ventures/{venture}/checklist/people-affected"
    answer = gareth.post(
        url,
        {
            "answer-people-affected": "many " * 201,
            "answer-lived-experience-count": "lots",
            "answer-choice-of-involvement": "They choose.",
            "then": "continue",
        },
    )
    assert answer.status_code == 400
    page = answer.text
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<a href="(#[^"]+)">\s*(.*?)\s*</a>', summary.group(0), re.S)
    assert links == [
        ("#answer-people-affected", "Use 200 words or fewer. This answer has 201."),
        ("#answer-lived-experience-count", "Give a whole number, like 4."),
    ]
    assert 'data-module="govuk-error-summary"' in page  # GOV.UK's script moves focus to it
    assert "<title>Error: " in page
    # Each field says its own error, and keeps what was typed.
    assert re.search(r'id="answer-lived-experience-count-error"', page)
    assert 'value="lots"' in page
    assert "They choose." in page
    assert current(engine, library, venture) == {}  # nothing stored, not even the valid one
    # In Welsh, and in Easy Read: the count is the lead's to give, so Gareth reads it so.
    welsh_easy_read = browser_as(LEAD, cyd_lang="cy", cyd_format="easy-read")
    welsh = welsh_easy_read.post(
        f"/ventures/{venture}/checklist/lived-experience-count",
        {"answer-lived-experience-count": "-3", "then": "continue"},
    )
    assert welsh.status_code == 400
    said = text_of(welsh.text)
    assert "Mae problem" in said
    assert "Newidiwch eich ateb os gwelwch yn dda. Rhowch rif sy'n 0 neu'n fwy." in said


def test_a_form_problem_and_a_rules_problem_are_shown_together(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, cyd: Cyd
) -> None:
    delivery = c.start_venture(
        cyd, workstream="day-opportunities", title="Year two", lead=LEAD, gate="delivery"
    ).venture_id
    gareth = browser_as(LEAD, **ENGLISH)
    answer = gareth.post(
        f"/ventures/{delivery}/checklist/last-feedback-date",
        {
            "answer-last-feedback-date-day": "31",
            "answer-last-feedback-date-month": "2",
            "answer-last-feedback-date-year": "2027",
            "answer-feedback-link": "ftp://example.org/x",
            "answer-changes-from-input": "Opening hours.",
            "then": "continue",
        },
    )
    assert answer.status_code == 400
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', answer.text, re.S)
    assert summary
    assert re.findall(r'href="(#[^"]+)"', summary.group(0)) == [
        "#answer-last-feedback-date-day",
        "#answer-feedback-link",
    ]
    assert "Enter a real date" in summary.group(0)
    assert "Give a web link that starts with https://" in summary.group(0)
    assert 'value="31"' in answer.text
    assert current(engine, library, delivery) == {}


# --- the task list: statuses and conditions -------------------------------------------------


def test_the_task_list_statuses_change_as_answers_come_in(
    browser_as: Callable[..., Browser], library: Library, venture: str
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    tasks = f"/ventures/{venture}/checklist"
    page = gareth.page(tasks)
    assert 'class="govuk-task-list' in page
    assert (  # the venture's own page: who is involved, what happens next
        f'<a class="govuk-link" href="/ventures/{venture}">'
        "See who is involved, what happens next and the venture's history</a>"
    ) in main(page)
    start = library.checklist("coproduction-start")
    n = len(start.sections)
    assert text_of(page).count("This section is not started yet.") == n
    assert f"You have completed 0 of {n} sections." in text_of(page)
    summary = item_of(library, "venture-summary").question.en
    assert task_rows(page)[summary] == (
        "Not yet started",
        f"/ventures/{venture}/checklist/venture-summary",
    )
    gareth.post(
        f"{tasks}/venture-summary",
        {"answer-venture-summary": SUMMARY, "then": "later"},
    )
    page = gareth.page(tasks)
    assert task_rows(page)[summary][0] == "Completed"
    assert "This section is in progress." in text_of(page)
    assert "Answered by Gareth Jones" in text_of(page)
    # The rest of the first section, each answer meeting what its item asks.
    data: dict[str, Any] = {"answer-venture-summary": SUMMARY, "then": "later"}
    for item in start.sections[0].items[1:]:
        data.update(form_for(item, example_answer(item)))
    gareth.post(f"{tasks}/venture-summary", data)
    page = gareth.page(tasks)
    assert "This section is completed." in text_of(page)
    assert f"You have completed 1 of {n} sections." in text_of(page)


def test_conditions_hide_and_show_items(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    tasks = f"/ventures/{venture}/checklist"
    advice = item_of(library, "benefits-advice").question.en
    payment = item_of(library, "payment").question.en
    rows = task_rows(gareth.page(tasks))
    # Before payment is answered: it cannot start, is no link, and says why.
    assert rows[advice] == ("Cannot start yet", None)
    assert f"It depends on your answer to: “{payment}”" in text_of(gareth.page(tasks))
    assert "answer-benefits-advice" not in gareth.page(f"{tasks}/payment")
    # Its address leads back to the task list while it cannot start.
    assert gareth.get(f"{tasks}/benefits-advice").headers["location"] == tasks
    # Paid: the advice is asked, on the same page, which stays to show it.
    answer = gareth.post(
        f"{tasks}/payment", {"answer-payment": "expenses-and-payment", "then": "continue"}
    )
    assert answer.headers["location"] == f"{tasks}/payment"
    assert "answer-benefits-advice" in gareth.page(f"{tasks}/payment")
    assert task_rows(gareth.page(tasks))[advice] == ("Not yet started", f"{tasks}/benefits-advice")
    assert advice in text_of(gareth.page(f"/ventures/{venture}/check"))
    # Expenses only: no advice is needed; it is gone from the list and the check.
    gareth.post(f"{tasks}/payment", {"answer-payment": "expenses-only", "then": "continue"})
    assert advice not in task_rows(gareth.page(tasks))
    assert advice not in text_of(gareth.page(f"/ventures/{venture}/check"))
    # Easy Read: one question a page, in order; the next page after payment is not advice.
    # Payment is the lead's to answer: Sam (Easy Read) sees it and has no field for it.
    assert fields_on(browser_as(SAM).page(f"{tasks}/payment")) == []
    easy = browser_as(LEAD, cyd_lang="en", cyd_format="easy-read")
    page = easy.page(f"{tasks}/payment")
    assert fields_on(page) == ["payment"]
    answer = easy.post(f"{tasks}/payment", {"answer-payment": "expenses-only", "then": "continue"})
    assert answer.headers["location"] == f"{tasks}/what-people-get-back"


# --- check your answers, submit -------------------------------------------------------------


def test_check_answers_lists_what_is_missing_and_why_with_change_links(
    browser_as: Callable[..., Browser], library: Library, venture: str, cyd: Cyd
) -> None:
    c.answer(cyd, venture, "venture-summary", SUMMARY, by=NIA)
    start = library.checklist("coproduction-start")
    n = len(evaluate(start, {"venture-summary": SUMMARY}).unmet_required)
    gareth = browser_as(LEAD, **ENGLISH)
    page = gareth.page(f"/ventures/{venture}/check")
    said = text_of(page)
    assert f"{n} questions must be answered, or their answers changed" in said
    missing = re.search(
        r'<ul class="govuk-list govuk-list--bullet" id="missing">.*?</ul>', page, re.S
    )
    assert missing
    links = re.findall(r'href="([^"]+)"', missing.group(0))
    assert f"/ventures/{venture}/checklist/payment?from=check" in links
    assert f"/ventures/{venture}/checklist/venture-summary?from=check" not in links
    assert "This item must be met and has no answer yet." in missing.group(0)
    # Every answer with a change link; unanswered ones say so.
    assert 'class="govuk-summary-list' in page
    assert f'href="/ventures/{venture}/checklist/venture-summary?from=check"' in page
    assert SUMMARY in said
    assert "Not answered yet" in said
    # A change from here comes back here.
    answer = gareth.post(
        f"/ventures/{venture}/checklist/venture-summary?from=check",
        {"answer-venture-summary": SUMMARY + " Open on Saturdays.", "then": "continue"},
    )
    assert answer.headers["location"] == f"/ventures/{venture}/check"
    # In Welsh, and in Easy Read.
    welsh = text_of(gareth.page(f"/ventures/{venture}/check?lang=cy"))
    assert "Rhaid bodloni'r eitem hon, ac nid oes ateb iddi eto." in welsh
    easy = text_of(browser_as(SAM).page(f"/ventures/{venture}/check"))
    assert f"{n} questions still need an answer." in easy
    assert "This question must have an answer." in easy


def test_an_incomplete_checklist_comes_back_with_its_reasons_on_the_task_list(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str, cyd: Cyd
) -> None:
    c.answer(cyd, venture, "lived-experience-count", 3, by=LEAD)  # audience: lead
    gareth = browser_as(LEAD, **ENGLISH)
    sent = gareth.post(f"/ventures/{venture}/check", {})
    assert sent.headers["location"] == f"/ventures/{venture}/checklist"
    page = gareth.page(sent.headers["location"])
    banner = re.search(r'<div class="govuk-notification-banner".*?</ul>', page, re.S)
    assert banner, "no reasons on top"
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", banner.group(0))).split())
    assert "This checklist was returned for changes on" in words
    # Each must-meet item shown and not answered is listed by its question, never by its
    # id (the rules' own sentence names the ids: it is left out).
    start = library.checklist("coproduction-start")
    n = len(evaluate(start, {"lived-experience-count": 3}).unmet_required)
    assert banner.group(0).count("This item must be met and has no answer yet.") == n
    views = item_of(library, "lived-experience-views").question.en
    assert f"{views} : This item must be met and has no answer yet." in words
    assert f"The checklist has {n} must-meet items" not in words
    assert "lived-experience-views" not in words
    assert f'href="/ventures/{venture}/checklist/lived-experience-views"' in banner.group(0)
    assert venture_checklists(engine, library, venture).state == "returned"
    # The submitted page is not for a returned venture.
    assert gareth.get(f"/ventures/{venture}/submitted").headers["location"] == (
        f"/ventures/{venture}/checklist"
    )
    # Nia reads the reasons in Welsh Easy Read.
    said = text_of(browser_as(NIA).page(f"/ventures/{venture}/checklist"))
    assert "Gwnaethon ni anfon y rhestr wirio hon yn ôl atoch chi." in said
    assert said.count("Rhaid i'r cwestiwn hwn gael ateb.") == n
    # Answering again reopens it; the reasons stay until it is sent again.
    gareth.post(
        f"/ventures/{venture}/checklist/venture-summary",
        {"answer-venture-summary": SUMMARY, "then": "later"},
    )
    assert venture_checklists(engine, library, venture).state == "draft"
    assert "This checklist was returned for changes on" in gareth.page(
        f"/ventures/{venture}/checklist"
    )


def test_only_the_lead_submits_and_a_refusal_says_why_in_the_persons_language(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    nia = browser_as(NIA)  # Welsh, Easy Read
    why = say("not-lead", "cy", easy_read=True)
    check = nia.page(f"/ventures/{venture}/check")
    # Her only form is the sign-off (she has lived experience): no way to send it.
    assert main(check).count("<form") == 1
    assert f'action="/ventures/{venture}/sign-off"' in main(check)
    assert why in html.unescape(text_of(check))
    refused = nia.client.post(
        f"/ventures/{venture}/check", data={"csrf_token": own_token(nia, NIA)}
    )
    assert refused.status_code == 403
    assert why in text_of(refused.text)
    assert venture_checklists(engine, library, venture).state == "draft"
    # The chair may see the venture, not answer it: the page says why, in her Welsh Easy Read.
    megan = browser_as(CHAIR)
    page = megan.page(f"/ventures/{venture}/checklist/venture-summary")
    assert "<textarea" not in page
    assert "<form" not in main(page)
    posted = megan.client.post(
        f"/ventures/{venture}/checklist/venture-summary",
        data={
            "answer-venture-summary": SUMMARY,
            "then": "continue",
            "csrf_token": own_token(megan, CHAIR),
        },
    )
    assert posted.status_code == 403
    assert '<html lang="cy"' in posted.text
    assert say("not-in-workstream", "cy", easy_read=True, action="answer") in text_of(posted.text)
    assert current(engine, library, venture) == {}


# --- history, languages, escaping -----------------------------------------------------------


def test_an_items_history_shows_who_changed_it_and_when(
    browser_as: Callable[..., Browser], venture: str, cyd: Cyd
) -> None:
    c.answer(cyd, venture, "venture-summary", SUMMARY, by=NIA)
    gareth = browser_as(LEAD, **ENGLISH)
    page = gareth.page(f"/ventures/{venture}/checklist/venture-summary")
    # Answered once: who and when, and no history yet.
    assert "Answered by Nia Morgan" in text_of(page)
    assert "given so far" not in page
    c.answer(cyd, venture, "venture-summary", SUMMARY + " With a garden.", by=LEAD)
    page = gareth.page(f"/ventures/{venture}/checklist/venture-summary")
    details = re.search(
        r'<details class="govuk-details">\s*<summary[^>]*>\s*<span[^>]*>'
        r"\s*2 answers given so far.*?</details>",
        page,
        re.S,
    )
    assert details, "no history"
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", details.group(0))).split())
    assert words.index("Gareth Jones") < words.index("Nia Morgan")  # newest first
    assert "(the answer now)" in words
    assert "With a garden." in words


def test_welsh_and_easy_read_pages_use_the_checklists_own_texts(
    browser_as: Callable[..., Browser], library: Library, venture: str
) -> None:
    summary = item_of(library, "venture-summary")
    gareth = browser_as(LEAD, cyd_lang="cy", cyd_format="standard")
    page = gareth.page(f"/ventures/{venture}/checklist/venture-summary")
    assert '<html lang="cy"' in page
    assert summary.question.cy in html.unescape(page)
    assert summary.question.en not in html.unescape(page)
    assert "Cadw a pharhau" in text_of(page)
    sam = browser_as(SAM)  # English Easy Read
    page = sam.page(f"/ventures/{venture}/checklist/venture-summary")
    unescaped = html.unescape(page)
    assert "What is this new work about?<br>Tell us in two short sentences." in unescaped
    assert 'src="/pictograms/question.svg"' in page
    assert fields_on(page) == ["venture-summary"]
    nia = browser_as(NIA)
    page = html.unescape(nia.page(f"/ventures/{venture}/checklist/venture-summary"))
    assert "Beth yw'r gwaith newydd yma?<br>Dywedwch wrthon ni mewn dwy frawddeg fer." in page
    tasks = html.unescape(nia.page(f"/ventures/{venture}/checklist"))
    assert summary.easy_read.cy in tasks
    assert "Dydy'r adran hon ddim wedi dechrau eto." in tasks


HOSTILE = [
    "<script>alert('x')</script> and <img src=x onerror=alert(1)>",
    'Mae\'r <b>caffi</b> yn <a href="javascript:alert(1)">agor</a> ar ddydd Sadwrn.',
    "Paid \u202e.exe drowssap \u202c and \u2067isolated\u2069 text",
]


def test_what_people_wrote_is_escaped_and_kept_apart(
    browser_as: Callable[..., Browser], venture: str, cyd: Cyd, engine: Engine, library: Library
) -> None:
    c.answer_many(
        cyd,
        venture,
        {  # items a co-producer may answer, two of them on the page of people-affected
            "lived-experience-views": HOSTILE[0],
            "sensory-environment": HOSTILE[1],
            "choice-of-involvement": HOSTILE[2],
        },
        by=NIA,
    )
    # One word of a megabyte is within 250 words but not within their characters (20 a
    # word allowed): refused in the domain. The longest word allowed is kept and shown.
    with pytest.raises(c.InvalidAnswer, match="5000 characters or fewer"):
        c.answer(cyd, venture, "who-decides", "x" * (1024 * 1024), by=LEAD)
    megabyte = "x" * 5000  # one word, as long as the answer's characters may be
    c.answer(cyd, venture, "who-decides", megabyte, by=LEAD)
    gareth = browser_as(LEAD, **ENGLISH)
    for url in (
        f"/ventures/{venture}/check",
        f"/ventures/{venture}/checklist/people-affected",
        f"/ventures/{venture}/checklist/venture-summary",
    ):
        page = gareth.page(url)
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>caffi</b>" not in page
        assert 'href="javascript' not in page
    check = gareth.page(f"/ventures/{venture}/check")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in check
    assert "&lt;b&gt;caffi&lt;/b&gt;" in check
    # A direction override stays inside its own <bdi>, with Nia's language on it.
    assert re.search(r'<bdi class="govuk-!-text-break-word" lang="cy">Paid \u202e', check)
    assert megabyte in check  # shown whole, in a block that breaks long words
    # A field longer than any answer needs is refused cleanly, nothing saved.
    too_long = gareth.post(
        f"/ventures/{venture}/checklist/venture-summary",
        {"answer-venture-summary": "y" * 3000, "then": "continue"},
    )
    assert too_long.status_code == 400
    assert "Your answer is too long. Make it shorter and try again." in text_of(too_long.text)
    assert "venture-summary" not in current(engine, library, venture)
    # A body past the pages' bound is refused before it is read: a page, not a crash.
    token = csrf(gareth.page(f"/ventures/{venture}/checklist/venture-summary"))
    huge = gareth.client.post(
        f"/ventures/{venture}/checklist/venture-summary",
        data={"answer-venture-summary": "z " * (1024 * 1024), "csrf_token": token},
    )
    assert huge.status_code == 413
    assert "too long" in huge.text
