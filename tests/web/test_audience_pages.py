"""Issue 12, item 4, in the pages: a co-producer is offered only the items for them or
anyone. The lead's own items show on the task list as the lead's and, on a question
page, as read-only answers with the reason; a co-producer's form never carries them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from tests.services.test_audience import CHECKLIST, with_audiences
from web.app import create_app
from web.visitor import SignedIn

from .test_checklist import ENGLISH, LEAD, Browser, fields_on, person, text_of

SAM = "sam.bennett@example.org"  # a co-producer


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


@pytest.fixture
def team_library(library: Library) -> Library:
    return with_audiences(library)


@pytest.fixture
def venture(engine: Engine, team_library: Library) -> str:
    cyd = Cyd(engine, team_library)
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


@pytest.fixture
def signed_in(
    engine: Engine, team_library: Library, web_settings: object
) -> Iterator[Callable[[str], Browser]]:
    made: list[Browser] = []

    def sign_in(email: str) -> Browser:
        someone = person(engine, email)
        app: FastAPI = create_app(
            engine,
            team_library,
            web_settings,  # type: ignore[arg-type]
            identify=lambda _r, _e: SignedIn(someone, f"session-{email}"),
        )
        browser = Browser(app)
        for name, value in ENGLISH.items():
            browser.client.cookies.set(name, value)
        made.append(browser)
        return browser

    yield sign_in
    for browser in made:
        browser.client.close()


def test_the_task_list_marks_the_leads_items_for_a_co_producer(
    signed_in: Callable[[str], Browser], venture: str
) -> None:
    url = f"/ventures/{venture}/checklist"
    member = text_of(signed_in(SAM).page(url))
    assert member.count("For the lead to answer.") == 2  # venture-summary and payment
    lead = text_of(signed_in(LEAD).page(url))
    assert "For the lead to answer." not in lead


def test_a_co_producer_sees_the_leads_item_but_cannot_answer_it(
    signed_in: Callable[[str], Browser], venture: str, engine: Engine
) -> None:
    url = f"/ventures/{venture}/checklist/payment"
    sam = signed_in(SAM)
    page = sam.page(url)
    fields = fields_on(page)
    assert "payment" not in fields
    assert fields  # the rest of the section is theirs to answer
    assert "This question is for the venture's lead to answer" in text_of(page)
    # Posting the lead's field anyway stores nothing: the page does not read it.
    answered = sam.post(url, {"answer-payment": "expenses-and-payment", "then": "continue"})
    assert answered.status_code in (303, 400)
    with read_session(engine) as session:
        assert not session.exec(select(t.Answer).where(t.Answer.item_id == "payment")).all()
    # The lead's page has the field, and the lead's answer is stored.
    lead = signed_in(LEAD)
    assert "payment" in fields_on(lead.page(url))
    saved = lead.post(url, {"answer-payment": "expenses-and-payment", "then": "later"})
    assert saved.status_code == 303
    with read_session(engine) as session:
        [stored] = session.exec(
            select(t.Answer)
            .where(t.Answer.item_id == "payment")
            .where(t.Answer.checklist_id == CHECKLIST)
        ).all()
    assert stored.value == "expenses-and-payment"
    # The co-producer now reads the lead's answer on the page, still without a field.
    page = sam.page(url)
    assert "payment" not in fields_on(page)
