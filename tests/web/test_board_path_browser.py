"""The reviewer and Board path in a real browser (Chromium from the system; slow), on the
example programme with the real sign-in: each person signs in with the code from the
message in their own local mailbox, in a browser context of their own (one Chromium).

    Gareth  (lead) sends the example venture's checklist, every answer given (the whole
            checklist in the browser is test_whole_path_browser.py's): in review;
    Elin    (reviewer; Welsh) and Owen (reviewer; English) each find it in their queue
            and recommend go through check and confirm: it awaits the Board;
    Gareth  typing his own venture's vote page, and its review page (he reviews other
            ventures): "Page not found", each refusal audited;
    David   declares an interest from the Board's agenda and sees he leaves the
            decision; typing the chair's close page: "Page not found", audited;
    Megan   (the chair; Welsh, Easy Read) votes from "What I need to do", her supporter
            Tom recorded as having helped her;
    Siân    (Welsh) asks for more time; typing /people: "Page not found", audited;
    Aled    (Easy Read) approves, then changes his vote to approve with conditions;
    the Programme Office (a clerk) records Priya's vote from the Board's agenda;
    Priya   confirms it with one click from "What I need to do";
    Megan   closes the vote from the chair's page: Siân gets her more time;
    Siân    votes; Megan closes it again: the Board's decision;
    Megan and David read the decision record: every reason in their own language and
            format (Welsh Easy Read; English).

Every page a person passes first is checked with axe-core (WCAG 2.0/2.1/2.2 A and AA)
in that person's language and format, and the CSP blocks nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.loader import Library
from governance.catalogue import text
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from services.decision_record import decision_record
from services.examples import answer_missing
from services.reminders import local_zone

from .test_review_pages import give_role, reviews
from .test_whole_path_browser import Visitor, cy, cy_easy, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("mailboxes")]

GARETH = "gareth.jones@example.org"  # lead; English
NIA = "nia.morgan@example.org"
ELIN = "elin.davies@example.org"  # reviewer; Welsh
OWEN = "owen.walker@example.org"  # reviewer; English
MEGAN = "megan.lloyd@example.org"  # chair; Welsh, Easy Read
TOM = "tom.price@example.org"  # Megan's supporter
DAVID = "david.hughes@example.org"  # English
SIAN = "sian.roberts@example.org"  # Welsh
ALED = "aled.evans@example.org"  # English, Easy Read
PRIYA = "priya.shah@example.org"  # English
CLERK = "admin@example.org"  # the Programme Office: admin, so a clerk
TITLE = "Community café"
CONDITIONS = "Pay people for their time from the first day."
Axe = Callable[[Page], list[dict[str, Any]]]


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A new person's browser: a context of the one Chromium, with cookies of its own."""
    with ExitStack() as stack:

        def new() -> Page:
            context = browser.new_context()
            stack.callback(context.close)
            return context.new_page()

        yield new


def denied(engine: Engine, actor: str) -> list[tuple[str, str, str | None]]:
    """The refusals recorded for `actor` (action, code, venture), each one also an audit
    entry of its own."""
    with read_session(engine) as session:
        rows = session.exec(
            select(t.Denial).where(t.Denial.actor == actor).order_by(col(t.Denial.id))
        ).all()
        audited = session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.actor == actor)
            .where(t.AuditEntry.action == "denied")
        ).all()
    assert len(audited) == len(rows)
    return [(d.action, str(d.details["code"]), d.venture_id) for d in rows]


def state(engine: Engine, venture: str) -> str:
    with read_session(engine) as session:
        found = session.get(t.Venture, venture)
        assert found is not None
        return found.state


def votes(engine: Engine, venture: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Each member's latest vote: (choice, reason, supporter's email)."""
    with read_session(engine) as session:
        people = {p.id: p.email for p in session.exec(select(t.Person)).all()}
        rows = session.exec(
            select(t.Vote).where(t.Vote.venture_id == venture).order_by(col(t.Vote.id))
        ).all()
    return {
        people[v.member_id]: (
            v.choice,
            v.reason,
            people.get(v.supported_by_id) if v.supported_by_id else None,
        )
        for v in rows
    }


def click(visitor: Visitor, locator: Any) -> None:
    """Follow a link or press a button that leaves the page, and wait for the next."""
    with visitor.page.expect_navigation():
        locator.click()


def test_the_example_venture_goes_through_two_reviews_to_the_boards_decision(
    site: str,
    contexts: Callable[[], Page],
    axe_check: Axe,
    screenshots: Path,
    example_engine: Engine,
    library: Library,
) -> None:
    cyd = Cyd(example_engine, library)
    ids = [item.id for item in library.checklist("coproduction-start").items()]

    signed_in: list[str] = []

    def person(email: str, lang: str, shape: str, first: str = "/") -> Visitor:
        """`email` opens `first` in a browser of their own and signs in on the way."""
        visitor = Visitor(contexts(), site, axe_check, screenshots, ids)
        visitor.page.goto(f"{site}{first}")
        assert visitor.path.startswith("/sign-in"), visitor.path
        # Nothing says who they are yet: English, standard; axe-core checks it once.
        sign_in(visitor, email, "en", "standard", check=not signed_in)
        signed_in.append(email)
        assert visitor.path == first, visitor.path
        visitor.look(lang, shape)
        return visitor

    def not_found(visitor: Visitor, path: str, lang: str, shape: str) -> None:
        response = visitor.page.goto(f"{site}{path}")
        assert response is not None
        assert response.status == 404, path
        visitor.look(lang, shape)

    # --- Gareth sends the example venture: every answer given, the lead sends it ---------
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title=TITLE, lead=GARETH
    ).venture_id
    answer_missing(cyd, venture, [GARETH, NIA])
    gareth = person(GARETH, "en", "standard", f"/ventures/{venture}/check")
    assert gareth.page.locator("#missing").count() == 0
    click(gareth, gareth.page.get_by_role("button", name="Send the checklist"))
    assert gareth.path == f"/ventures/{venture}/submitted"
    gareth.look("en", "standard")
    assert state(example_engine, venture) == "in_review"

    # --- two reviewers recommend go ------------------------------------------------------
    for email, lang, note in (
        (ELIN, "cy", "Mae'r bobl sy'n defnyddio'r gwasanaeth wedi dewis y fwydlen."),
        (OWEN, "en", "Clear answers, and the lived-experience group chose the menu."),
    ):
        reviewer = person(email, lang, "standard", "/reviews")
        click(reviewer, reviewer.page.locator(f"main a[href='/ventures/{venture}/review']"))
        assert reviewer.path == f"/ventures/{venture}/review"
        reviewer.look(lang, "standard", f"board-path-review-{lang}")
        reviewer.page.locator("input[name=recommend][value=go]").check()
        reviewer.page.locator("textarea[name=note]").fill(note)
        click(reviewer, reviewer.page.locator("form[action$='/review/check'] button"))
        reviewer.look(lang, "standard")
        click(reviewer, reviewer.page.locator("button[name=then][value=confirm]"))
        assert reviewer.path == f"/ventures/{venture}/review/recorded"
        reviewer.look(lang, "standard")
    assert [r[0] for r in reviews(example_engine, venture)] == ["go", "go"]
    assert state(example_engine, venture) == "awaiting_board"

    # --- refusals by typed address: the lead's own vote and review pages ------------------
    give_role(example_engine, GARETH, "reviewer")  # a lead who reviews other ventures
    not_found(gareth, f"/ventures/{venture}/vote", "en", "standard")
    not_found(gareth, f"/ventures/{venture}/review", "en", "standard")
    assert denied(example_engine, GARETH) == [
        ("board.vote", "own-venture", venture),
        ("review.view", "own-venture", venture),
    ]

    # --- David declares an interest: he leaves this decision ------------------------------
    david = person(DAVID, "en", "standard", "/board")
    click(david, david.page.locator(f"main a[href='/ventures/{venture}/interest']"))
    david.look("en", "standard")
    david.page.get_by_label("What is your interest?").fill("I run a café in the same street.")
    click(david, david.page.get_by_role("button", name="Declare my interest"))
    david.look("en", "standard")
    assert david.page.locator("#leave").is_visible()
    david.page.goto(f"{site}/ventures/{venture}/vote")
    david.look("en", "standard")
    assert david.page.locator("input[name=choice]").count() == 0  # never the form
    not_found(david, f"/ventures/{venture}/chair/close", "en", "standard")
    assert denied(example_engine, DAVID) == [("board.close", "not-chair", venture)]

    # --- Megan votes from "What I need to do", with Tom beside her ------------------------
    megan = person(MEGAN, "cy", "easy-read")
    click(megan, megan.page.locator(f"main a[href='/ventures/{venture}/vote']").first)
    megan.look("cy", "easy-read", "board-path-vote-megan")
    megan.page.locator("input[name=choice][value=approve]").check()
    megan.page.locator(f"input[name=supporter][value='{TOM}']").check()
    click(megan, megan.page.locator("form[action$='/vote/check'] button"))
    megan.look("cy", "easy-read")
    assert "Tom Price" in megan.main_text()
    click(megan, megan.page.get_by_role("button", name=cy_easy("Send my vote")))
    assert megan.path == f"/ventures/{venture}/vote/receipt"
    megan.look("cy", "easy-read")
    assert votes(example_engine, venture)[MEGAN] == ("approve", None, TOM)

    # --- Siân asks for more time ---------------------------------------------------------
    sian = person(SIAN, "cy", "standard", "/board")
    click(sian, sian.page.locator(f"main a[href='/ventures/{venture}/vote']"))
    sian.look("cy", "standard")
    sian.page.locator("input[name=choice][value=more-time]").check()
    click(sian, sian.page.locator("form[action$='/vote/check'] button"))
    sian.look("cy", "standard")
    click(sian, sian.page.get_by_role("button", name=cy("Confirm my vote")))
    sian.look("cy", "standard")
    not_found(sian, "/people", "cy", "standard")
    assert denied(example_engine, SIAN) == [("people.administer", "not-people-admin", None)]

    # --- Aled approves, then changes his vote before it closes ----------------------------
    aled = person(ALED, "en", "easy-read")
    click(aled, aled.page.locator(f"main a[href='/ventures/{venture}/vote']").first)
    aled.look("en", "easy-read")
    aled.page.locator("input[name=choice][value=approve]").check()
    click(aled, aled.page.locator("form[action$='/vote/check'] button"))
    aled.look("en", "easy-read")
    click(aled, aled.page.get_by_role("button", name="Send my vote"))
    aled.look("en", "easy-read")
    click(aled, aled.page.get_by_role("link", name="Change my vote"))
    assert aled.path == f"/ventures/{venture}/vote"
    aled.page.locator("input[name=choice][value=approve-with-conditions]").check()
    aled.page.locator("textarea[name=conditions]").fill(CONDITIONS)
    click(aled, aled.page.locator("form[action$='/vote/check'] button"))
    click(aled, aled.page.get_by_role("button", name="Send my vote"))
    assert aled.path == f"/ventures/{venture}/vote/receipt"
    assert votes(example_engine, venture)[ALED] == ("approve-with-conditions", CONDITIONS, None)

    # --- the clerk records Priya's vote; Priya confirms it with one click ------------------
    clerk = person(CLERK, "en", "standard", "/board")
    click(clerk, clerk.page.locator(f"main a[href='/clerk/ventures/{venture}/vote']"))
    clerk.look("en", "standard")
    clerk.page.locator(f"input[name=member][value='{PRIYA}']").check()
    clerk.page.locator("input[name=choice][value=approve]").check()
    click(clerk, clerk.page.locator("form[action$='/vote/check'] button"))
    clerk.look("en", "standard")
    click(clerk, clerk.page.get_by_role("button", name="Record it"))
    assert clerk.path.startswith("/clerk/recorded/")
    clerk.look("en", "standard")
    assert PRIYA not in votes(example_engine, venture)  # counts only once confirmed

    priya = person(PRIYA, "en", "standard")
    click(priya, priya.page.locator("main a[href^='/confirm/']").first)
    priya.look("en", "standard")
    click(priya, priya.page.get_by_role("button", name="Confirm", exact=True))
    priya.look("en", "standard")
    assert votes(example_engine, venture)[PRIYA][0] == "approve"

    # --- Megan closes the vote: Siân gets her more time ------------------------------------
    megan.page.goto(f"{site}/")
    click(megan, megan.page.locator(f"main a[href='/ventures/{venture}/chair']").first)
    megan.look("cy", "easy-read", "board-path-chair-megan")
    click(megan, megan.page.locator("#close"))
    megan.look("cy", "easy-read", "board-path-close-megan")
    assert cy_easy("Someone asked for more time. The vote will go on.") in megan.main_text()
    click(megan, megan.page.locator("#confirm"))
    assert megan.path == f"/ventures/{venture}/chair/closed"
    megan.look("cy", "easy-read")
    assert state(example_engine, venture) == "awaiting_board"

    # --- Siân votes in her extra time; Megan closes the vote again: decided ---------------
    sian.page.goto(f"{site}/board")
    click(sian, sian.page.locator(f"main a[href='/ventures/{venture}/vote']"))
    sian.page.locator("input[name=choice][value=approve]").check()
    click(sian, sian.page.locator("form[action$='/vote/check'] button"))
    click(sian, sian.page.get_by_role("button", name=cy("Confirm my vote")))
    assert votes(example_engine, venture)[SIAN][0] == "approve"

    megan.page.goto(f"{site}/board")
    megan.look("cy", "easy-read")
    click(megan, megan.page.locator(f"main a[href='/ventures/{venture}/chair']"))
    click(megan, megan.page.locator("#close"))
    assert cy_easy("The Board will decide now.") in megan.main_text()
    click(megan, megan.page.locator("#confirm"))
    megan.look("cy", "easy-read", "board-path-decided-megan")
    # Approved with conditions: the venture goes on to its next gate's checklist.
    assert state(example_engine, venture) != "awaiting_board"

    # --- the decision record: every reason in the reader's language and format -------------
    record = decision_record(example_engine, MEGAN, venture)
    decided = record.decisions[-1]
    assert decided.outcome == "approved_with_conditions"
    assert decided.conditions == (CONDITIONS,)
    codes = {r.code for r in decided.reasons}
    # David's interest and Gareth's lead leave them out; Megan closed it; carried.
    assert {"eligible", "lead-does-not-vote", "closed-by-chair", "chair-voted"} <= codes, codes
    assert "carried-with-conditions" in codes, codes
    # Megan from the receipt's link, David from the venture's page.
    click(megan, megan.page.locator(f"main a[href='/ventures/{venture}/decisions']"))
    david.page.goto(f"{site}/ventures/{venture}")
    click(david, david.page.locator(f"main a[href='/ventures/{venture}/decisions']"))
    for lang, easy, visitor in (("cy", True, megan), ("en", False, david)):
        assert visitor.path == f"/ventures/{venture}/decisions"
        visitor.look(lang, "easy-read" if easy else "standard", f"board-path-decisions-{lang}")
        shown = visitor.page.locator("#decision-1-reasons li").all_inner_texts()
        wanted = [text(r.code, lang, dict(r.params), easy, local_zone()) for r in decided.reasons]
        assert [" ".join(s.split()) for s in shown] == [" ".join(w.split()) for w in wanted]
        assert CONDITIONS in visitor.main_text()
        assert decided.audit_head is not None
        assert decided.audit_head in visitor.main_text()
