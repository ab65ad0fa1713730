"""The chair's pages through the test client on the example programme: closing a vote
early through its confirm page (the count, quorum and the lived-experience quorum),
taking a venture off hold, extending a deadline with a reason, receipts; a non-chair's
404 (audited), forged forms refused, Welsh and Easy Read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from governance.catalogue import say
from governance.working_days import working_day_on_or_after
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from services.examples import answer_missing
from services.working_calendar import working_calendar

from . import test_checklist as base
from .test_checklist import CHAIR, LEAD, NIA, csrf, text_of

# The checklist pages' fixtures: the example programme, a venture, signed-in browsers.
engine, cyd, venture = base.engine, base.cyd, base.venture

REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
ALED = "aled.evans@example.org"
SIAN = "sian.roberts@example.org"
DAVID = "david.hughes@example.org"
PRIYA = "priya.shah@example.org"
TOM = "tom.price@example.org"
ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}


def at_board(cyd: Cyd, venture_id: str) -> str:
    answer_missing(cyd, venture_id, [NIA])
    c.submit(cyd, venture_id, by=LEAD)
    for reviewer in REVIEWERS:
        c.record_review(cyd, venture_id, by=reviewer, recommend="go", note="Well made.")
    return venture_id


@pytest.fixture
def board(cyd: Cyd, venture: str) -> str:
    return at_board(cyd, venture)


def denials(engine: Engine, email: str) -> list[t.Denial]:
    with read_session(engine) as session:
        return list(session.exec(select(t.Denial).where(t.Denial.actor == email)))


def test_the_chair_closes_the_vote_early_through_the_confirm_page(
    cyd: Cyd, board: str, browser_as
) -> None:
    c.vote(cyd, board, member=SIAN, choice="approve")
    c.vote(cyd, board, member=ALED, choice="approve")
    c.vote(cyd, board, member=PRIYA, choice="approve-with-conditions", reason="Pay people.")
    megan = browser_as(CHAIR, **ENGLISH)
    chair = text_of(megan.page(f"/ventures/{board}/chair"))
    assert "Close the vote early" in chair
    confirm = megan.page(f"/ventures/{board}/chair/close")
    words = text_of(confirm)
    # The count so far, and each quorum met or not (the design gate: 4, 2 with lived experience).
    assert "Took part 3" in words
    assert "3 members took part and quorum is 4: quorum is not met." in words
    assert "2 members with lived experience took part; the rule needs at least 2." in words
    assert words.index("Not met") < words.index("quorum is not met")
    assert "Nothing would be decided" in words

    c.vote(cyd, board, member=CHAIR, choice="approve", supported_by=TOM)
    confirm = megan.page(f"/ventures/{board}/chair/close")
    words = text_of(confirm)
    assert "quorum is met" in words
    assert "Approved with conditions" in words
    answer = megan.client.post(
        f"/ventures/{board}/chair/close",
        data={"csrf_token": csrf(confirm)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/ventures/{board}/chair/closed"
    receipt = text_of(megan.page(answer.headers["location"]))
    assert "Vote closed" in receipt
    assert "The Board's decision is recorded: Approved with conditions." in receipt
    with read_session(cyd.engine) as session:
        assert session.get(t.Venture, board).state == "draft"  # on to the next gate


def test_a_non_chair_typing_the_url_gets_404_and_is_audited(
    cyd: Cyd, board: str, browser_as
) -> None:
    aled = browser_as(ALED, **ENGLISH)
    for url in ("chair", "chair/close", "chair/resume", "chair/extend"):
        assert aled.get(f"/ventures/{board}/{url}").status_code == 404
    assert aled.client.post(f"/ventures/{board}/chair/close").status_code in (403, 404)
    refused = denials(cyd.engine, ALED)
    assert len(refused) == 4
    assert {(d.action, d.venture_id) for d in refused} == {("board.close", board)}
    # The venture's lead is refused too (a Board member, not the chair).
    assert browser_as(LEAD, **ENGLISH).get(f"/ventures/{board}/chair").status_code == 404
    assert browser_as(CHAIR).get("/ventures/v-none/chair").status_code == 404


def test_a_forged_close_without_the_csrf_token_is_refused(cyd: Cyd, board: str, browser_as) -> None:
    megan = browser_as(CHAIR, **ENGLISH)
    megan.page(f"/ventures/{board}/chair/close")
    answer = megan.client.post(f"/ventures/{board}/chair/close", data={}, follow_redirects=False)
    assert answer.status_code == 403
    forged = megan.client.post(
        f"/ventures/{board}/chair/close", data={"csrf_token": "x" * 43}, follow_redirects=False
    )
    assert forged.status_code == 403
    with read_session(cyd.engine) as session:
        ballot = session.exec(select(t.Ballot).where(t.Ballot.venture_id == board)).one()
    assert ballot.closed_at is None


def test_the_chair_extends_the_deadline_with_a_reason_through_a_check_page(
    cyd: Cyd, board: str, browser_as
) -> None:
    megan = browser_as(CHAIR, **ENGLISH)
    form = megan.page(f"/ventures/{board}/chair/extend")
    token = csrf(form)
    url = f"/ventures/{board}/chair/extend"
    wrong = megan.client.post(
        url, data={"csrf_token": token, "day": "31", "month": "2", "year": "2030", "reason": ""}
    )
    assert wrong.status_code == 400
    assert "There is a problem" in wrong.text
    assert 'href="#until-day"' in wrong.text
    assert 'href="#reason"' in wrong.text
    # A working day about two months on: a deadline always falls on one (a day chosen at a
    # weekend or on a bank holiday moves to the next working day), whatever today is.
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=60)).date()
    until = working_day_on_or_after(until, working_calendar(until).holidays)
    fields = {
        "day": str(until.day),
        "month": str(until.month),
        "year": str(until.year),
        "reason": "Members need the papers <in Easy Read> first.",
    }
    check = megan.client.post(url, data={"csrf_token": token, **fields})
    assert check.status_code == 200
    assert "Check the new deadline" in check.text
    assert "&lt;in Easy Read&gt;" in check.text  # escaped
    with read_session(cyd.engine) as session:  # nothing is saved before confirming
        assert not session.exec(select(t.Deadline).where(t.Deadline.is_extension)).all()
    done = megan.client.post(
        f"{url}/confirm", data={"csrf_token": csrf(check.text), **fields}, follow_redirects=False
    )
    assert done.status_code == 303
    receipt = text_of(megan.page(done.headers["location"]))
    assert "Deadline extended" in receipt
    with read_session(cyd.engine) as session:
        [extension] = session.exec(select(t.Deadline).where(t.Deadline.is_extension)).all()
    assert extension.reason == "Members need the papers <in Easy Read> first."
    assert extension.until.date() == until
    # An earlier date than the one in force: the command's reason, on the form again.
    earlier = {**fields, "day": str((until - dt.timedelta(days=3)).day)}
    earlier |= {"month": str((until - dt.timedelta(days=3)).month)}
    earlier |= {"year": str((until - dt.timedelta(days=3)).year)}
    again = megan.client.post(f"{url}/confirm", data={"csrf_token": token, **earlier})
    assert again.status_code == 400
    assert "must be later than" in again.text or "later" in again.text


def test_the_chair_takes_a_venture_off_hold(cyd: Cyd, board: str, browser_as) -> None:
    for member in (SIAN, ALED, PRIYA, CHAIR):
        c.vote(cyd, board, member=member, choice="hold")
    c.close_vote(cyd, board, by=CHAIR)
    megan = browser_as(CHAIR, **ENGLISH)
    chair = text_of(megan.page(f"/ventures/{board}/chair"))
    assert "Take the venture off hold" in chair
    confirm = megan.page(f"/ventures/{board}/chair/resume")
    done = megan.client.post(
        f"/ventures/{board}/chair/resume",
        data={"csrf_token": csrf(confirm)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Venture taken off hold" in text_of(megan.page(done.headers["location"]))
    with read_session(cyd.engine) as session:
        assert session.get(t.Venture, board).state == "awaiting_board"


def test_megans_close_page_is_in_welsh_easy_read(cyd: Cyd, board: str, browser_as) -> None:
    c.vote(cyd, board, member=ALED, choice="approve")
    megan = browser_as(CHAIR)  # her own choices: Welsh, Easy Read
    page = megan.page(f"/ventures/{board}/chair/close")
    assert 'lang="cy"' in page
    words = text_of(page)
    lived = say("lived-experience-quorum-not-met", "cy", easy_read=True, count=1, needed=2)
    assert lived in words
    assert "Oes digon o bleidleisiau?" in words  # the page's own words, in Welsh
    assert "cyd-point" in page  # Easy Read points, each beside its picture


def test_closing_when_a_member_asked_for_more_time_lets_the_vote_run_on(
    cyd: Cyd, board: str, browser_as
) -> None:
    for member in (SIAN, ALED, CHAIR):
        c.vote(cyd, board, member=member, choice="approve")
    c.vote(cyd, board, member=PRIYA, choice="more-time")
    megan = browser_as(CHAIR, **ENGLISH)
    confirm = megan.page(f"/ventures/{board}/chair/close")
    assert "A member asked for more time: they get it, and the vote goes on." in text_of(confirm)
    done = megan.client.post(
        f"/ventures/{board}/chair/close",
        data={"csrf_token": csrf(confirm)},
        follow_redirects=False,
    )
    receipt = text_of(megan.page(done.headers["location"]))
    assert "Nothing is decided yet" in receipt
    with read_session(cyd.engine) as session:
        assert session.get(t.Venture, board).state == "awaiting_board"
        ballot = session.exec(select(t.Ballot).where(t.Ballot.venture_id == board)).one()
    assert ballot.deadline.date().isoformat() in receipt or str(ballot.deadline.day) in receipt
