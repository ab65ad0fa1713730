"""A venture's Easy Read summary on its page: the lead writes it (an error summary for a
sentence too long), a co-producer checks it (yes, or what to change), each in their
own language and format; someone else is refused by the rules, said on the page."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services import commands as c
from services.easy_read_summaries import summary_for

from .test_checklist import Browser, csrf, text_of

GARETH = "gareth.jones@example.org"  # the lead: reads English
NIA = "nia.morgan@example.org"  # a co-producer: reads Welsh Easy Read
RHYS = "rhys.thomas@example.org"  # a co-producer: reads English
DAVID = "david.hughes@example.org"  # on the Board: sees the venture, not a co-producer
TEXT = "We want to open a café in the old library.\nPeople who use day services run it."
LONG = "We will open a café in the old library for people who use day services and friends."


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


@pytest.fixture
def venture(engine: Engine, library: Library) -> str:
    cyd = c.Cyd(engine, library)
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=GARETH
    ).venture_id


def _state(engine: Engine, venture: str) -> str | None:
    with read_session(engine) as session:
        found = summary_for(session, venture)
    return found.state if found is not None else None


def test_the_lead_writes_it_and_a_co_producer_agrees(
    browser_as: Callable[[str], Browser], engine: Engine, venture: str
) -> None:
    gareth = browser_as(GARETH)
    page = gareth.page(f"/ventures/{venture}")
    assert 'id="easy-read-summary"' in page
    assert "There is no Easy Read summary yet." in text_of(page)
    assert f'action="/ventures/{venture}/summary"' in page
    assert 'name="verdict"' not in page  # the lead never checks it
    url = f"/ventures/{venture}/summary"
    token = csrf(page)

    too_long = gareth.client.post(
        url, data={"csrf_token": token, "text": f"We want a café. {LONG}"}, follow_redirects=False
    )
    assert too_long.status_code == 400
    assert "govuk-error-summary" in too_long.text
    assert 'href="#summary-text-field"' in too_long.text
    said = html.unescape(too_long.text)
    assert "Sentence 2 of the summary has 17 words" in said
    assert LONG in said  # what they typed is kept
    assert _state(engine, venture) is None

    written = gareth.client.post(
        url, data={"csrf_token": token, "text": TEXT}, follow_redirects=False
    )
    assert written.status_code == 303
    after = text_of(gareth.page(written.headers["location"]))
    assert "The summary is saved." in after
    assert "Written by Gareth Jones. It waits for a co-producer to check it." in after
    assert _state(engine, venture) == "waiting"

    # Nia reads Welsh Easy Read: her page asks her, and her next action links here.
    nia = browser_as(NIA)
    hers = nia.page(f"/ventures/{venture}")
    assert 'name="verdict"' in hers
    assert 'id="summary-text" lang="en"' in hers  # written in English, on a Welsh page
    assert "Crynodeb Hawdd ei Ddeall" in text_of(hers)
    assert "Ydy'r crynodeb yn iawn?" in text_of(hers)
    assert f'href="/ventures/{venture}#easy-read-summary"' in nia.page("/")
    check = f"/ventures/{venture}/summary/check"
    no_note = nia.client.post(
        check,
        data={"csrf_token": csrf(hers), "verdict": "changes", "note": " "},
        follow_redirects=False,
    )
    assert no_note.status_code == 400
    assert 'href="#note"' in no_note.text
    assert "Dywedwch beth sydd angen ei newid os gwelwch yn dda." in html.unescape(no_note.text)
    agreed = nia.client.post(
        check, data={"csrf_token": csrf(hers), "verdict": "agreed"}, follow_redirects=False
    )
    assert agreed.status_code == 303
    assert _state(engine, venture) == "agreed"
    shown = text_of(gareth.page(f"/ventures/{venture}"))
    assert "Nia Morgan checked it: it says it right." in shown


def test_changes_asked_show_the_lead_what_to_change(
    browser_as: Callable[[str], Browser], engine: Engine, venture: str, library: Library
) -> None:
    from services.easy_read_summaries import write_summary

    write_summary(c.Cyd(engine, library), venture, TEXT, by=GARETH)
    rhys = browser_as(RHYS)
    page = rhys.page(f"/ventures/{venture}")
    unanswered = rhys.client.post(
        f"/ventures/{venture}/summary/check",
        data={"csrf_token": csrf(page)},
        follow_redirects=False,
    )
    assert unanswered.status_code == 400
    assert "Select whether the summary says it right" in unanswered.text
    asked = rhys.client.post(
        f"/ventures/{venture}/summary/check",
        data={"csrf_token": csrf(page), "verdict": "changes", "note": "Say where it is."},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    lead = text_of(browser_as(GARETH).page(f"/ventures/{venture}"))
    assert "Rhys Thomas asked for changes: Say where it is." in lead
    assert "Change the Easy Read summary" in lead  # the lead's next action


def test_someone_not_a_co_producer_is_refused_by_the_rules(
    browser_as: Callable[[str], Browser], engine: Engine, venture: str, library: Library
) -> None:
    from services.easy_read_summaries import write_summary

    write_summary(c.Cyd(engine, library), venture, TEXT, by=GARETH)
    david = browser_as(DAVID)
    page = david.page(f"/ventures/{venture}")  # the Board sees the venture
    assert TEXT.splitlines()[0] in html.unescape(page)
    assert 'name="verdict"' not in page
    assert 'name="text"' not in page
    token = csrf(page)
    checked = david.client.post(
        f"/ventures/{venture}/summary/check",
        data={"csrf_token": token, "verdict": "agreed"},
        follow_redirects=False,
    )
    assert checked.status_code == 403
    assert "Only the venture's co-producers" in html.unescape(checked.text)
    written = david.client.post(
        f"/ventures/{venture}/summary",
        data={"csrf_token": token, "text": "A café."},
        follow_redirects=False,
    )
    assert written.status_code == 403
    assert "Only the venture's lead or an admin" in html.unescape(written.text)
    assert _state(engine, venture) == "waiting"
    with read_session(engine) as session:
        refusals = session.exec(select(t.Denial).where(t.Denial.actor == DAVID)).all()
    assert {r.details["code"] for r in refusals} == {"not-summary-checker", "not-summary-writer"}
