"""The reviewers' pages through FastAPI's test client on the example programme: the queue,
a venture's review page, recommending through check and confirm, changing it, and the
refusals (a 404, audited) for the lead, a non-reviewer and an unassigned reviewer."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.loader import Library
from models import tables as t
from models.db import read_session, unit_of_work
from services import commands as c
from services.commands import Cyd
from services.examples import answer_missing
from services.involvement import lived_experience_involvement
from web.visitor import SignedIn

from .test_checklist import Browser, csrf, person, text_of

LEAD = "gareth.jones@example.org"
NIA = "nia.morgan@example.org"
OWEN = "owen.walker@example.org"  # reviewer, English, standard
ELIN = "elin.davies@example.org"  # reviewer, Welsh
CHAIR = "megan.lloyd@example.org"  # on the Board, not a reviewer
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}
FIRST = "A first summary of the café, written by Nia before the lead's answers."
CHANGED = "A café run together with the people who use day services in the town."


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


@pytest.fixture
def cyd(engine: Engine, library: Library, clock: Clock) -> Cyd:
    return Cyd(engine, library, clock=clock)


def in_review(cyd: Cyd, title: str = "Community café") -> str:
    """A venture with every must-meet item answered, submitted: in review, with the
    example programme's two reviewers assigned."""
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title=title, lead=LEAD
    ).venture_id
    answer_missing(cyd, venture, [LEAD, NIA])
    c.submit(cyd, venture, by=LEAD)
    with read_session(cyd.engine) as session:
        assert session.get(t.Venture, venture).state == "in_review"  # type: ignore[union-attr]
    return venture


@pytest.fixture
def venture(cyd: Cyd) -> str:
    return in_review(cyd)


@pytest.fixture
def browser_as(
    make_app: Callable[..., FastAPI], engine: Engine, clock: Clock
) -> Iterator[Callable[..., Browser]]:
    made: list[Browser] = []

    def sign_in(email: str, **cookies: str) -> Browser:
        someone = person(engine, email)
        app = make_app(engine, identify=lambda _r, _e: SignedIn(someone, f"session-{email}"))
        app.state.cyd.clock = clock
        browser = Browser(app)
        for name, value in (cookies or ENGLISH).items():
            browser.client.cookies.set(name, value)
        made.append(browser)
        return browser

    yield sign_in
    for browser in made:
        browser.client.close()


def denials(engine: Engine, actor: str) -> list[tuple[str, str, str | None]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(t.Denial).where(t.Denial.actor == actor).order_by(col(t.Denial.id))
        ).all()
        audited = session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.actor == actor)
            .where(t.AuditEntry.action == "denied")
        ).all()
    assert len(audited) == len(rows)  # each refusal is in the audit log too
    return [(d.action, str(d.details["code"]), d.venture_id) for d in rows]


def reviews(engine: Engine, venture: str) -> list[tuple[str, str | None, bool]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(t.Review).where(t.Review.venture_id == venture).order_by(col(t.Review.id))
        ).all()
    return [(r.recommend, r.note, r.is_current) for r in rows]


def give_role(engine: Engine, email: str, role: str) -> None:
    someone = person(engine, email)
    with unit_of_work(engine) as session:
        session.add(t.PersonRole(person_id=someone.id, role=role))


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_ventures_waiting_for_my_review_soonest_deadline_first(
    cyd: Cyd, clock: Clock, browser_as: Callable[..., Browser]
) -> None:
    later = in_review(cyd, "Later café")  # submitted first: its deadline is sooner
    clock.now = START + dt.timedelta(days=2)
    sooner_title = "Garden project"
    second = in_review(cyd, sooner_title)
    owen = browser_as(OWEN)
    page = owen.page("/reviews")
    words = text_of(page)
    assert "2 ventures are waiting for your review." in words
    assert words.index("Later café") < words.index(sooner_title)
    assert f'href="/ventures/{later}/review"' in page
    assert f'href="/ventures/{second}/review"' in page
    assert words.count("You have been asked to review it.") == 2
    # In the navigation, marked as the page itself.
    assert '<a class="govuk-service-navigation__link" href="/reviews" aria-current="page">' in page


def test_the_queue_says_why_a_review_is_asked_for_again(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    c.record_review(cyd, venture, by=OWEN, recommend="go")
    owen = browser_as(OWEN)
    assert "No venture is waiting for your review right now." in text_of(owen.page("/reviews"))
    # An answer changes after the review: the review is needed again, and said so.
    c.answer(cyd, venture, "coproduction-start/venture-summary", CHANGED, by=LEAD)
    words = text_of(owen.page("/reviews"))
    assert "An answer changed after your review: please review it again." in words


def test_the_queue_in_welsh_and_easy_read(venture: str, browser_as: Callable[..., Browser]) -> None:
    elin = browser_as(ELIN, cyd_lang="cy", cyd_format="easy-read")
    page = elin.page("/reviews")
    assert 'lang="cy"' in page
    words = text_of(page)
    assert "Gofynnon ni i chi ei wirio." in words
    assert f'href="/ventures/{venture}/review"' in page
    assert 'class="cyd-point__picture"' in page


def test_only_reviewers_have_the_queue_in_their_navigation(
    venture: str, browser_as: Callable[..., Browser]
) -> None:
    del venture
    assert 'href="/reviews"' in browser_as(OWEN).page("/")
    assert 'href="/reviews"' not in browser_as(LEAD).page("/")
    # A page that is not theirs to use is still kind: nothing waits for them.
    assert "No venture is waiting" in text_of(browser_as(CHAIR).page("/reviews"))


# --- the review page -------------------------------------------------------------------------


def test_the_review_page_shows_the_answers_by_section_with_their_history(
    cyd: Cyd, library: Library, browser_as: Callable[..., Browser]
) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    c.answer(cyd, venture, "coproduction-start/venture-summary", FIRST, by=NIA)
    c.answer(cyd, venture, "coproduction-start/venture-summary", CHANGED, by=LEAD)
    answer_missing(cyd, venture, [LEAD, NIA])
    c.submit(cyd, venture, by=LEAD)
    owen = browser_as(OWEN)
    page = owen.page(f"/ventures/{venture}/review")
    words = text_of(page)
    checklist = library.checklist("coproduction-start")
    assert checklist.title.en in words
    for section in checklist.sections:
        if any(i.required for i in section.items):
            assert section.title.en in words
    assert "Every question that must be answered has an answer." in words
    summary = checklist.item("venture-summary")
    assert summary.question.en in words
    # The summary was answered twice: its history, newest first, in a details component.
    assert "2 answers given so far: who and when" in words
    history = words[words.index("2 answers given so far") :]
    assert history.index("(the answer now)") < history.index(CHANGED) < history.index(FIRST)
    assert "Answered but not met" not in words  # every answer meets what it asks
    # How much of it people with lived experience answered: Nia gave some, Gareth the rest.
    taking = lived_experience_involvement(cyd.engine, venture)
    assert 0 < taking.answers < taking.of
    assert taking.people == ("Nia Morgan",)
    assert (
        f"People with lived experience gave {taking.answers} of the {taking.of} answers that"
        " stand. Nia Morgan"
    ) in words
    # Who of the co-producers with lived experience signed it off (the gate asks one).
    signed = words[words.index("Signed off by people with lived experience") :]
    assert signed.startswith("Signed off by people with lived experience Nia Morgan, ")
    # The form: go or recycle, a note, posted to the check page.
    assert f'action="/ventures/{venture}/review/check"' in page
    assert 'name="recommend" type="radio" value="go"' in page
    assert 'name="recommend" type="radio" value="recycle"' in page
    assert 'name="note"' in page
    # Under "Reviews" in the navigation.
    assert 'href="/reviews" aria-current="true"' in page


def test_a_venture_that_left_review_is_read_only_with_what_is_missing(
    cyd: Cyd, browser_as: Callable[..., Browser]
) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    c.answer(cyd, venture, "coproduction-start/photos-or-video", False, by=LEAD)
    answer_missing(cyd, venture, [LEAD])
    c.submit(cyd, venture, by=LEAD)
    # Photos after all: the consent question now needs an answer, and the venture goes
    # back to the workstream.
    c.answer(cyd, venture, "coproduction-start/photos-or-video", True, by=LEAD)
    owen = browser_as(OWEN)
    page = owen.page(f"/ventures/{venture}/review")
    words = text_of(page)
    assert "not answered yet" in words
    assert 'id="missing"' in page
    assert "it can be reviewed only when in review" in words
    assert 'name="recommend"' not in page
    assert denials(cyd.engine, OWEN) == []  # reading it is no refusal


def test_recommending_goes_through_check_and_confirm(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    owen = browser_as(OWEN)
    url = f"/ventures/{venture}/review"
    token = csrf(owen.page(url))
    post = owen.client.post
    # Nothing chosen: the form again, with the error linked to the radios.
    missing = post(f"{url}/check", data={"csrf_token": token, "note": "Fine."})
    assert missing.status_code == 400
    assert "There is a problem" in missing.text
    assert 'href="#recommend"' in missing.text
    assert "Fine." in missing.text  # what was written is kept
    # Chosen: the check page, nothing recorded yet.
    note = "Good work. <b>Please</b> add the Welsh summary."
    checked = post(f"{url}/check", data={"csrf_token": token, "recommend": "go", "note": note})
    assert checked.status_code == 200
    words = text_of(checked.text)
    assert "Check your recommendation" in words
    assert "Go: the Board should approve the venture" in words
    assert "<b>Please</b>" not in checked.text  # escaped
    assert "&lt;b&gt;Please&lt;/b&gt;" in checked.text
    assert reviews(cyd.engine, venture) == []
    # Change: the form comes back filled in.
    changing = post(
        f"{url}/check",
        data={"csrf_token": token, "recommend": "go", "note": note, "then": "change"},
    )
    assert changing.status_code == 200
    assert 'value="go" checked' in changing.text
    assert "Good work." in changing.text
    # Confirm: recorded, then the receipt.
    done = post(
        f"{url}/check",
        data={"csrf_token": token, "recommend": "go", "note": note, "then": "confirm"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}/recorded"
    assert reviews(cyd.engine, venture) == [("go", note, True)]
    receipt = text_of(owen.page(f"{url}/recorded"))
    assert "Recommendation recorded" in receipt
    assert "What happens next" in receipt
    assert "Until then you can change your recommendation." in receipt
    # The review page says what was recommended, and the form holds it.
    again = owen.page(url)
    assert "You recommended go on" in text_of(again)
    assert 'value="go" checked' in again
    # Changed while still in review: the new one supersedes the first.
    post(
        f"{url}/check",
        data={"csrf_token": token, "recommend": "recycle", "note": "", "then": "confirm"},
    )
    assert reviews(cyd.engine, venture) == [("go", note, False), ("recycle", None, True)]


def test_the_last_review_sends_the_venture_to_the_board_and_the_receipt_says_so(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    c.record_review(cyd, venture, by=ELIN, recommend="go")
    owen = browser_as(OWEN)
    url = f"/ventures/{venture}/review"
    token = csrf(owen.page(url))
    owen.client.post(
        f"{url}/check", data={"csrf_token": token, "recommend": "go", "then": "confirm"}
    )
    receipt = text_of(owen.page(f"{url}/recorded"))
    assert "the venture has gone to the Board" in receipt
    # No form any more: the venture is not in review.
    assert 'name="recommend"' not in owen.page(url)


def test_a_long_note_is_refused_and_kept(venture: str, browser_as: Callable[..., Browser]) -> None:
    owen = browser_as(OWEN)
    url = f"/ventures/{venture}/review"
    token = csrf(owen.page(url))
    answer = owen.client.post(
        f"{url}/check", data={"csrf_token": token, "recommend": "go", "note": "x" * 4001}
    )
    assert answer.status_code == 400
    assert "Your note must be 4000 characters or fewer" in answer.text


def test_the_pages_in_welsh_and_easy_read(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    elin = browser_as(ELIN, cyd_lang="cy", cyd_format="easy-read")
    url = f"/ventures/{venture}/review"
    page = elin.page(url)
    assert '<html lang="cy"' in page
    words = text_of(page)
    assert "Ydy'r gwaith yn barod i'r Bwrdd?" in words
    assert "Pwy atebodd y cwestiynau" in words
    assert "Rhoddodd pobl sy'n defnyddio gwasanaethau" in words
    assert 'class="cyd-point__picture"' in page
    token = csrf(page)
    checked = elin.client.post(f"{url}/check", data={"csrf_token": token, "recommend": "recycle"})
    assert "Ddim eto. Mae angen i'r tîm wneud mwy o waith." in text_of(checked.text)
    standard = browser_as(ELIN, cyd_lang="cy", cyd_format="standard")
    assert "Adolygwch y fenter" in text_of(standard.page(url))


# --- who may not -----------------------------------------------------------------------------


def test_the_lead_never_sees_the_review_page_of_their_own_venture(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    give_role(cyd.engine, LEAD, "reviewer")  # a lead who reviews other ventures
    gareth = browser_as(LEAD)
    for url in (
        f"/ventures/{venture}/review",
        f"/ventures/{venture}/review/check",
        f"/ventures/{venture}/review/recorded",
    ):
        assert gareth.get(url).status_code == 404, url
    assert denials(cyd.engine, LEAD) == [("review.view", "own-venture", venture)] * 3
    # A forged confirm with a good token: refused before anything is recorded.
    token = csrf(gareth.page("/"))
    forged = gareth.client.post(
        f"/ventures/{venture}/review/check",
        data={"csrf_token": token, "recommend": "go", "then": "confirm"},
        follow_redirects=False,
    )
    assert forged.status_code == 404
    assert reviews(cyd.engine, venture) == []
    assert len(denials(cyd.engine, LEAD)) == 4


def test_someone_who_may_not_review_gets_the_same_404_as_for_no_venture(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    megan = browser_as(CHAIR)  # may see the venture (the Board), may not review it
    assert megan.get(f"/ventures/{venture}/review").status_code == 404
    assert denials(cyd.engine, CHAIR) == [("review.view", "not-reviewer", venture)]
    # A reviewer not assigned to it (a draft: nobody is yet) does not see it at all.
    draft = c.start_venture(
        cyd, workstream="day-opportunities", title="A draft", lead=LEAD
    ).venture_id
    owen = browser_as(OWEN)
    assert owen.get(f"/ventures/{draft}/review").status_code == 404
    assert denials(cyd.engine, OWEN) == [("review.view", "not-concerned", draft)]
    missing = owen.get("/ventures/V-404/review")
    assert missing.status_code == 404
    assert denials(cyd.engine, OWEN) == [("review.view", "not-concerned", draft)]


def test_a_forged_post_without_the_token_is_refused(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    owen = browser_as(OWEN)
    owen.page(f"/ventures/{venture}/review")  # the CSRF cookie is set
    forged = owen.client.post(
        f"/ventures/{venture}/review/check",
        data={"recommend": "go", "then": "confirm"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert reviews(cyd.engine, venture) == []


def test_the_pages_need_sign_in(
    make_app: Callable[..., FastAPI], engine: Engine, venture: str
) -> None:
    visitor = Browser(make_app(engine))
    for url in ("/reviews", f"/ventures/{venture}/review"):
        answer: Any = visitor.get(url)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in?next=")


def test_a_reviewer_reads_a_text_answer_in_their_language_once_translated(
    cyd: Cyd, venture: str, browser_as: Callable[..., Browser]
) -> None:
    from services.translations import give_translation

    with read_session(cyd.engine) as session:
        lead = session.exec(select(t.Person).where(t.Person.email == LEAD)).one()
        asked = session.exec(
            select(t.Translation)
            .where(t.Translation.subject == "answer")
            .where(t.Translation.source_lang == lead.language)
        ).first()
    assert asked is not None  # the lead's own free-text answer, asked for on record
    welsh_page = {"cyd_lang": "cy", "cyd_format": "standard"}
    url = f"/ventures/{venture}/review"
    reader = browser_as("owen.walker@example.org", **welsh_page)
    before = html.unescape(reader.page(url))
    assert f'lang="en">{asked.source_text.splitlines()[0]}' in before
    welsh = "Ateb yn Gymraeg, wedi'i gyfieithu."
    give_translation(cyd, asked.id or 0, welsh, by="lowri.parry@example.org")
    after = html.unescape(reader.page(url))
    assert welsh in after
    assert f'lang="en">{asked.source_text.splitlines()[0]}' not in after
    english = html.unescape(browser_as("owen.walker@example.org").page(url))
    assert welsh not in english  # an English page: the answer as written
