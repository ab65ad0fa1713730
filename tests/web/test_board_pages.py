"""The Board's pages through FastAPI's test client: the agenda, the member's papers as a
page and a PDF (the same content as the emailed papers, in the reader's language and
format), declaring and withdrawing an interest, voting through check-and-confirm, and
who may not vote and why; on the example programme with a Board meeting on the calendar
and a venture awaiting the Board."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.loader import Library
from governance.catalogue import text as catalogue_text
from models import tables as t
from models.db import read_session
from notifications.board_pack import pack_blocks
from services.board_pages import reader_pack
from services.commands import Cyd, vote
from tests.flows.scenario import make_cyd, to_board
from tests.pdf_tree import read_tagged
from tests.web.test_checklist import Browser, csrf, main, person, text_of
from web.visitor import SignedIn

LEAD = "gareth.jones@example.org"  # leads the venture, and sits on the Board
CHAIR = "megan.lloyd@example.org"  # Welsh, Easy Read; supported by Tom
TOM = "tom.price@example.org"
DAVID = "david.hughes@example.org"  # English, standard
SIAN = "sian.roberts@example.org"  # Welsh, standard
NIA = "nia.morgan@example.org"  # a co-producer in the venture's workstream: not on the Board
ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}


@pytest.fixture
def cyd(web_engine: Engine, library: Library) -> Cyd:
    return make_cyd(web_engine, library)


@pytest.fixture
def venture(cyd: Cyd) -> str:
    return to_board(cyd)


@pytest.fixture
def browser_as(
    make_app: Callable[..., FastAPI], web_engine: Engine, cyd: Cyd
) -> Iterator[Callable[..., Browser]]:
    made: list[Browser] = []

    def sign_in(email: str, **cookies: str) -> Browser:
        someone = person(web_engine, email)
        app = make_app(web_engine, identify=lambda _r, _e: SignedIn(someone, f"session-{email}"))
        app.state.cyd.clock = cyd.clock  # the programme's time: before the meeting
        browser = Browser(app)
        for name, value in cookies.items():
            browser.client.cookies.set(name, value)
        made.append(browser)
        return browser

    yield sign_in
    for browser in made:
        browser.client.close()


def denials(cyd: Cyd) -> list[tuple[str, str, str]]:
    with read_session(cyd.engine) as session:
        rows = session.exec(select(t.Denial).order_by(col(t.Denial.id))).all()
    return [(d.actor, d.action, d.details["code"]) for d in rows]


def current_vote(cyd: Cyd, venture: str, email: str) -> t.Vote | None:
    with read_session(cyd.engine) as session:
        who = session.exec(select(t.Person).where(t.Person.email == email)).one()
        return session.exec(
            select(t.Vote)
            .where(t.Vote.venture_id == venture)
            .where(t.Vote.member_id == who.id)
            .where(col(t.Vote.is_current))
        ).first()


def say(code: str, lang: str = "en", easy: bool = False, **params: Any) -> str:
    return catalogue_text(code, lang, params, easy)  # type: ignore[arg-type]


# --- the agenda -----------------------------------------------------------------------------


def test_the_agenda_shows_the_meeting_and_the_venture_to_board_members_only(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    david = browser_as(DAVID, **ENGLISH)
    page = david.page("/board")
    words = text_of(page)
    assert "Tuesday 8 December 2026" in words
    assert "Community café" in words
    assert f'href="/ventures/{venture}/vote"' in main(page)
    assert 'href="/board"' in page  # the navigation's Board link
    assert 'aria-current="page"' in page

    lead = text_of(browser_as(LEAD, **ENGLISH).page("/board"))
    assert "You leave this decision" in lead  # his own venture

    nia = browser_as(NIA, **ENGLISH)
    assert nia.get("/board").status_code == 404
    assert nia.get("/board/pack").status_code == 404
    assert nia.get("/board/pack.pdf").status_code == 404
    assert 'href="/board"' not in nia.page("/")


def test_the_agenda_links_the_chairs_page_for_the_chair_and_the_clerks_for_a_clerk(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    chair_page = f'href="/ventures/{venture}/chair"'
    clerk_page = f'href="/clerk/ventures/{venture}/vote"'
    megan = main(browser_as(CHAIR).page("/board"))  # Welsh Easy Read, her own
    assert chair_page in megan
    assert clerk_page not in megan
    office = main(browser_as("admin@example.org", **ENGLISH).page("/board"))
    assert clerk_page in office
    assert chair_page not in office
    for email in (DAVID, TOM):  # a member; the chair's supporter reads her papers, not as her
        neither = main(browser_as(email, **ENGLISH).page("/board"))
        assert chair_page not in neither
        assert clerk_page not in neither


def test_a_page_refused_to_a_signed_in_person_is_not_found_in_their_own_language(
    browser_as: Callable[..., Browser],
) -> None:
    # No language cookie: the person's own settings (Welsh; Welsh Easy Read) say it.
    sian = browser_as(SIAN).get("/people")
    assert sian.status_code == 404
    assert '<html lang="cy"' in sian.text
    assert "cyd-easy-read" not in sian.text
    megan = browser_as(CHAIR).get("/people")
    assert megan.status_code == 404
    assert '<html lang="cy"' in megan.text
    assert "cyd-easy-read" in megan.text
    # A cookie's choice still comes first.
    english = browser_as(SIAN, **ENGLISH).get("/people")
    assert '<html lang="en"' in english.text


def test_the_board_pages_need_sign_in(make_app: Callable[..., FastAPI], venture: str) -> None:
    from fastapi.testclient import TestClient

    with TestClient(make_app(), base_url="http://127.0.0.1") as client:
        for url in ("/board", "/board/pack", f"/ventures/{venture}/vote"):
            answer = client.get(url, follow_redirects=False)
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/sign-in")


# --- the papers -----------------------------------------------------------------------------


def _block_texts(blocks: list[Any]) -> list[str]:
    return [x for b in blocks for x in (b.text, *b.items) if x]


@pytest.mark.parametrize(
    ("email", "lang", "easy"), [(DAVID, "en", False), (SIAN, "cy", False), (CHAIR, "cy", True)]
)
def test_the_pack_page_is_the_papers_content_in_the_readers_language_and_format(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str, email: str, lang: str, easy: bool
) -> None:
    page = browser_as(email).page("/board/pack")  # the person's own language and format
    assert f'<html lang="{lang}"' in page
    pack = reader_pack(
        cyd.engine, cyd.library, email, language=lang, easy_read=easy, today=_today(cyd)
    )
    assert pack is not None
    words = text_of(page)
    for text in _block_texts(pack_blocks(pack, lang)):
        assert " ".join(text.split()) in words, text
    assert ("cyd-points" in page) is easy


def _today(cyd: Cyd) -> Any:
    from services.local_time import local_day

    return local_day(cyd.clock())


def test_the_pdf_is_the_papers_to_download(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    answer = browser_as(CHAIR).get("/board/pack.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    assert "board-papers-2026-12-08.pdf" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"%PDF")
    # The chair's own papers (Welsh, Easy Read) as a tagged PDF: headings, and each
    # picture with its alternative text (tests/notifications/test_board_pack_pdf.py
    # checks the rest of the tree).
    tagged = read_tagged(answer.content)
    assert tagged.lang == "cy"
    assert tagged.root.find("H1")
    figures = tagged.root.find("Figure")
    assert figures
    assert all(f.alt for f in figures)


def test_a_supporter_reads_the_papers_of_the_member_they_help(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    page = browser_as(TOM, cyd_lang="cy", cyd_format="easy-read").page("/board/pack")
    assert "Sut i bleidleisio" in text_of(page)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_easy_read_pack_page_carries_every_answer_of_the_standard_one(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str, lang: str
) -> None:
    vote(cyd, venture, member=DAVID, choice="approve-with-conditions", reason="Pay people weekly.")
    pack = reader_pack(
        cyd.engine, cyd.library, DAVID, language=lang, easy_read=False, today=_today(cyd)
    )
    assert pack is not None
    standard = text_of(browser_as(DAVID, cyd_lang=lang, cyd_format="standard").page("/board/pack"))
    easy = text_of(browser_as(DAVID, cyd_lang=lang, cyd_format="easy-read").page("/board/pack"))
    item = pack.agenda[0]
    answers = [a for c in item.checklists for a in c.answers]
    assert len(answers) >= 14
    for given in answers:
        assert given.answer.get(lang) in standard
        assert given.easy(lang) in easy  # a choice by its Easy Read label
        assert " ".join(given.question.easy_read.get(lang).split()) in easy
    for missing in (q for c in item.checklists for q in c.missing_advisory):
        assert " ".join(missing.easy_read.get(lang).split()) in easy
    assert "Well co-produced." in standard
    assert easy.count("Well co-produced.") == 2  # both reviewers' notes
    assert "Pay people weekly." in standard
    assert "Pay people weekly." in easy
    assert "Nia Morgan" in standard
    assert "Nia Morgan" in easy
    assert f"/ventures/{venture}/vote" in easy


# --- declaring an interest ------------------------------------------------------------------


def test_a_member_declares_an_interest_leaves_the_decision_and_withdraws_it(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    david = browser_as(DAVID, **ENGLISH)
    url = f"/ventures/{venture}/interest"
    empty = david.post(url, {"interest": "   "})
    assert empty.status_code == 400
    assert "Say what your interest is." in text_of(empty.text)

    done = david.post(url, {"interest": "I run a café <b>nearby</b>"})
    assert done.status_code == 303
    assert done.headers["location"] == url + "?done=declared"
    page = david.page(done.headers["location"])
    words = text_of(page)
    assert "Your declaration of interest is recorded." in words
    assert "You leave this decision" in words
    assert "I run a café &lt;b&gt;nearby&lt;/b&gt;" in page  # escaped

    refused = david.page(f"/ventures/{venture}/vote")
    assert say("declared-interest") in text_of(refused)
    assert 'name="choice"' not in refused  # never the form
    assert "/interest" in main(refused)

    back = david.client.post(
        url + "/withdraw",
        data={"reason": "Wrong venture", "csrf_token": csrf(page)},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert "you take part in this decision again" in text_of(david.page(back.headers["location"]))
    assert 'name="choice"' in david.page(f"/ventures/{venture}/vote")
    with read_session(cyd.engine) as session:
        actions = [
            e.action
            for e in session.exec(select(t.AuditEntry).where(t.AuditEntry.venture_id == venture))
        ]
    assert actions.count("interest.declared") == 1
    assert actions.count("interest.withdrawn") == 1


def test_withdrawing_without_a_declaration_is_refused_and_audited(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    sian = browser_as(SIAN, **ENGLISH)
    url = f"/ventures/{venture}/interest"
    token = csrf(sian.page(url))
    answer = sian.client.post(url + "/withdraw", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 403
    assert say("no-interest-declared") in text_of(answer.text)
    assert denials(cyd) == [(SIAN, "board.withdraw-interest", "no-interest-declared")]


# --- voting ---------------------------------------------------------------------------------


def _check(browser: Browser, venture: str, data: dict[str, str]) -> Any:
    """Post the vote form to its check step (with `confirm`: the confirmation)."""
    return browser.client.post(
        f"/ventures/{venture}/vote/check",
        data={**data, "csrf_token": csrf(browser.page(f"/ventures/{venture}/vote"))},
        follow_redirects=False,
    )


def test_the_vote_form_offers_every_choice_in_plain_words(
    browser_as: Callable[..., Browser], venture: str
) -> None:
    page = browser_as(DAVID, **ENGLISH).page(f"/ventures/{venture}/vote")
    values = re.findall(r'name="choice" type="radio" value="([a-z-]+)"', page)
    assert values == [
        "approve",
        "approve-with-conditions",
        "recycle",
        "reject",
        "hold",
        "abstain",
        "more-time",
    ]
    words = text_of(page)
    for label in ("Approve with conditions", "Send back for more work", "I need more time"):
        assert label in words
    assert 'name="conditions"' in page
    assert 'name="supporter"' not in page  # David has no supporter
    easy = text_of(
        browser_as(DAVID, cyd_lang="en", cyd_format="easy-read").page(f"/ventures/{venture}/vote")
    )
    assert "Not yet. It needs more work." in easy


def test_a_vote_is_checked_confirmed_receipted_and_changed(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    david = browser_as(DAVID, **ENGLISH)
    nothing = _check(david, venture, {})
    assert nothing.status_code == 400
    assert "Choose how you vote." in text_of(nothing.text)
    bare = _check(david, venture, {"choice": "approve-with-conditions", "conditions": " "})
    assert bare.status_code == 400
    assert "Write the conditions of your approval." in text_of(bare.text)
    assert current_vote(cyd, venture, DAVID) is None

    check = _check(
        david, venture, {"choice": "approve-with-conditions", "conditions": "Pay people weekly."}
    )
    assert check.status_code == 200
    words = text_of(check.text)
    assert "Check your vote" in words
    assert "Approve with conditions" in words
    assert "Pay people weekly." in words
    assert current_vote(cyd, venture, DAVID) is None  # nothing stored before confirming

    confirm = david.client.post(
        f"/ventures/{venture}/vote/check",
        data={
            "choice": "approve-with-conditions",
            "conditions": "Pay people weekly.",
            "confirm": "yes",
            "csrf_token": csrf(check.text),
        },
        follow_redirects=False,
    )
    assert confirm.status_code == 303
    assert confirm.headers["location"] == f"/ventures/{venture}/vote/receipt"
    assert "Vote recorded" in text_of(david.page(confirm.headers["location"]))
    stored = current_vote(cyd, venture, DAVID)
    assert stored is not None
    assert (stored.choice, stored.reason) == ("approve-with-conditions", "Pay people weekly.")

    again = david.page(f"/ventures/{venture}/vote")
    assert "Your vote now: Approve with conditions" in text_of(again)
    assert 'value="approve-with-conditions" checked' in again
    changed = _check(david, venture, {"choice": "recycle", "confirm": "yes"})
    assert changed.status_code == 303
    stored = current_vote(cyd, venture, DAVID)
    assert stored is not None
    assert (stored.choice, stored.reason) == ("recycle", None)


def test_a_member_votes_with_their_supporter_and_asks_for_more_time(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    megan = browser_as(CHAIR)  # Welsh, Easy Read
    page = megan.page(f"/ventures/{venture}/vote")
    assert f'name="supporter" type="radio" value="{TOM}"' in page
    assert "Tom Price" in text_of(page)
    forged = _check(megan, venture, {"choice": "approve", "supporter": DAVID})
    assert forged.status_code == 400
    done = _check(megan, venture, {"choice": "more-time", "supporter": TOM, "confirm": "yes"})
    assert done.status_code == 303
    stored = current_vote(cyd, venture, CHAIR)
    assert stored is not None
    assert stored.choice == "more-time"
    assert stored.supported_by_id == person(cyd.engine, TOM).id
    receipt = text_of(megan.page(f"/ventures/{venture}/vote/receipt"))
    assert "Gofynnoch chi am fwy o amser" in receipt
    assert "Tom Price" in receipt


def test_the_lead_typing_their_own_vote_url_gets_not_found_and_is_audited(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    assert gareth.get(f"/ventures/{venture}/vote").status_code == 404
    assert denials(cyd) == [(LEAD, "board.vote", "own-venture")]
    token = csrf(gareth.page(f"/ventures/{venture}/interest"))
    posted = gareth.client.post(
        f"/ventures/{venture}/vote/check",
        data={"choice": "approve", "confirm": "yes", "csrf_token": token},
        follow_redirects=False,
    )
    assert posted.status_code == 404
    assert denials(cyd)[-1] == (LEAD, "board.vote", "own-venture")
    assert current_vote(cyd, venture, LEAD) is None


def test_someone_not_on_the_board_is_told_why_and_never_shown_the_form(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    nia = browser_as(NIA, cyd_lang="cy", cyd_format="easy-read")
    page = nia.page(f"/ventures/{venture}/vote")
    assert 'name="choice"' not in page
    assert say("not-on-board", "cy", True, action="vote") in text_of(page)
    assert denials(cyd) == []  # reading why is no attempt
    token = csrf(page)  # the header's sign-out form gives it
    posted = nia.client.post(
        f"/ventures/{venture}/vote/check",
        data={"choice": "approve", "confirm": "yes", "csrf_token": token},
        follow_redirects=False,
    )
    assert posted.status_code == 403
    assert denials(cyd) == [(NIA, "board.vote", "not-on-board")]


def test_a_forged_vote_without_the_csrf_token_is_refused(
    browser_as: Callable[..., Browser], cyd: Cyd, venture: str
) -> None:
    david = browser_as(DAVID, **ENGLISH)
    david.page(f"/ventures/{venture}/vote")  # the cookie is set
    for url in ("/vote/check", "/interest", "/interest/withdraw"):
        answer = david.client.post(
            f"/ventures/{venture}{url}",
            data={"choice": "approve", "confirm": "yes", "interest": "x"},
            follow_redirects=False,
        )
        assert answer.status_code == 403
    assert current_vote(cyd, venture, DAVID) is None
