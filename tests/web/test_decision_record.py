"""The decision record and a venture's audit trail through the test client: every reason
in the reader's language and format, the tally, the conditions, who closed, the audit
head to copy; the trail newest first, filtered by person and kind, the chain's check,
never a channel URL, and who may see it."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from governance.catalogue import text
from models import audit
from models import tables as t
from models.db import read_session, unit_of_work
from services import commands as c
from services.commands import Cyd
from services.decision_record import decision_record

from . import test_checklist as base
from .test_chair_pages import ALED, DAVID, PRIYA, SIAN, TOM, at_board
from .test_checklist import CHAIR, LEAD, main, text_of

engine, cyd, venture = base.engine, base.cyd, base.venture

ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}
VISITOR = "visitor@example.org"  # in the programme, in no part of the venture
CONDITION = "Pay people from the first day <and> say so."


@pytest.fixture
def decided(cyd: Cyd, venture: str) -> str:
    at_board(cyd, venture)
    c.declare_interest(cyd, venture, member=DAVID, interest="Runs a café")
    c.vote(cyd, venture, member=CHAIR, choice="approve", supported_by=TOM)
    c.vote(cyd, venture, member=ALED, choice="approve")
    c.vote(cyd, venture, member=SIAN, choice="approve")
    c.vote(cyd, venture, member=PRIYA, choice="approve-with-conditions", reason=CONDITION)
    c.close_vote(cyd, venture, by=CHAIR)
    with unit_of_work(cyd.engine) as session:
        session.add(t.Person(email=VISITOR, name="Visitor"))
    return venture


def test_the_decision_record_shows_every_reason_the_tally_and_the_head(
    cyd: Cyd, decided: str, browser_as
) -> None:
    visitor = browser_as(VISITOR, **ENGLISH)  # public to everyone in the programme
    page = visitor.page(f"/ventures/{decided}/decisions")
    words = text_of(page)
    [recorded] = decision_record(cyd.engine, VISITOR, decided).decisions
    for reason in recorded.reasons:
        assert text(reason.code, "en", dict(reason.params)) in html.unescape(page)
    assert "Approved with conditions" in words
    assert "The chair, Megan Lloyd, closed the vote." in words
    assert "Pay people from the first day &lt;and&gt; say so." in page  # escaped
    assert "Took part 4" in words
    head = re.search(r'<code[^>]*id="decision-1-head"[^>]*>([0-9a-f]{64})</code>', page)
    assert head is not None
    assert head.group(1) == recorded.audit_head
    with read_session(cyd.engine) as session:
        assert audit.verify(session, expected_head=head.group(1)).ok


def test_megan_reads_every_reason_in_welsh_easy_read(cyd: Cyd, decided: str, browser_as) -> None:
    megan = browser_as(CHAIR)  # her own choices: Welsh, Easy Read
    page = megan.page(f"/ventures/{decided}/decisions")
    assert '<html lang="cy"' in page
    shown = html.unescape(page)
    [recorded] = decision_record(cyd.engine, CHAIR, decided).decisions
    for reason in recorded.reasons:
        assert text(reason.code, "cy", dict(reason.params), True) in shown
        assert text(reason.code, "en", dict(reason.params)) not in shown
    assert "Beth benderfynodd y Bwrdd" in text_of(page)
    assert "cyd-point" in page


def test_a_venture_not_decided_yet_says_so_and_an_unknown_one_is_not_found(
    venture: str, browser_as
) -> None:
    lead = browser_as(LEAD, **ENGLISH)
    assert "The Board has not decided on this venture yet." in text_of(
        lead.page(f"/ventures/{venture}/decisions")
    )
    assert lead.get("/ventures/v-none/decisions").status_code == 404
    assert lead.get("/ventures/v-none/audit").status_code == 404


def test_the_audit_trail_filters_by_person_and_kind(cyd: Cyd, decided: str, browser_as) -> None:
    aled_tries = browser_as(ALED, **ENGLISH)
    assert aled_tries.get(f"/ventures/{decided}/chair").status_code == 404  # audited
    lead = browser_as(LEAD, **ENGLISH)
    page = lead.page(f"/ventures/{decided}/audit")
    words = text_of(page)
    assert "The audit log is intact" in words
    with read_session(cyd.engine) as session:
        assert audit.head(session) in page
    assert '<form method="get"' in page
    assert '<option value="aled.evans@example.org">Aled Evans</option>' in page
    items = re.findall(r"<li class=\"govuk-!-margin-bottom-3\">(.*?)</li>", main(page), re.S)
    assert len(items) > 10
    # Newest first: the refusal came last, so it is on top.
    assert "Aled Evans tried to close the vote, and was refused." in items[0]

    only_aled = lead.page(f"/ventures/{decided}/audit?person={ALED}")
    assert 'value="aled.evans@example.org" selected' in only_aled
    events = re.findall(r"<li class=\"govuk-!-margin-bottom-3\">(.*?)</li>", only_aled, re.S)
    assert len(events) == 2  # his vote and his refusal
    assert all("Aled Evans" in e for e in events)
    refusals = lead.page(f"/ventures/{decided}/audit?person=&kind=refusal")
    assert len(re.findall(r"govuk-!-margin-bottom-3", main(refusals))) == 1
    assert lead.get(f"/ventures/{decided}/audit?kind=nonsense").status_code == 400


def test_the_audit_trail_never_shows_a_channel_url(cyd: Cyd, decided: str, browser_as) -> None:
    url = "mailtos://clerk:s3cretpass@mail.example.org"  # made up
    with unit_of_work(cyd.engine) as session:
        lead = session.exec(select(t.Person).where(t.Person.email == LEAD)).one()
        session.add(t.Channel(person_id=lead.id, url=url))
        audit.append(session, LEAD, "venture.withdrawn", decided, {"reason": f"moved to {url}"})
    for who, cookies in ((LEAD, ENGLISH), (CHAIR, {})):
        page = browser_as(who, **cookies).page(f"/ventures/{decided}/audit")
        assert "s3cretpass" not in page
        assert url not in page


def test_the_audit_trail_is_for_those_concerned(
    cyd: Cyd, decided: str, browser_as, make_app
) -> None:
    visitor = browser_as(VISITOR, **ENGLISH)
    assert visitor.get(f"/ventures/{decided}/audit").status_code == 404
    assert visitor.get(f"/ventures/{decided}/decisions").status_code == 200
    # Not signed in: sign in first, and come back.
    anonymous = base.Browser(make_app(cyd.engine))
    answer = anonymous.get(f"/ventures/{decided}/audit")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=")


def test_a_condition_reads_in_welsh_once_translated_and_as_written_before(
    cyd: Cyd, decided: str, browser_as
) -> None:
    from services.translations import give_translation

    translator = "lowri.parry@example.org"
    url = f"/ventures/{decided}/decisions"
    megan = browser_as(CHAIR)  # reads Welsh
    escaped = html.escape(CONDITION, quote=False)
    assert f'<bdi lang="en">{escaped}</bdi>' in megan.page(url)  # as written, marked
    with read_session(cyd.engine) as session:
        task = session.exec(
            select(t.Translation).where(t.Translation.subject == "board-condition")
        ).one()
    assert (task.source_text, task.source_lang) == (CONDITION, "en")
    amod = "Talwch bobl o'r diwrnod cyntaf <a> dywedwch hynny."
    give_translation(cyd, task.id or 0, amod, by=translator)
    welsh = megan.page(url)
    assert html.escape(amod, quote=False).replace("'", "&#39;") in welsh
    assert escaped not in welsh
    english = browser_as(VISITOR, **ENGLISH).page(url)
    assert f"<bdi>{escaped}</bdi>" in english  # an English reader: as written
    assert "Talwch bobl" not in english
