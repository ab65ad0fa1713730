"""Assisted actions through the pages: the clerk records a vote, the member confirms it
from "What I need to do"; anyone else typing the addresses gets "Page not found" (the
refusal audited); a form without its CSRF token is refused."""

# ruff: noqa: F811  (the fixtures imported are the test arguments)
from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import select

from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd
from tests.services.test_commands import CO_PRODUCER, REVIEWERS, SUPPORTER, fill_checklist
from tests.web.test_checklist import (  # noqa: F401  (fixtures)
    ENGLISH,
    Browser,
    cyd,
    engine,
    own_token,
    text_of,
)

ADMIN = "admin@example.org"
CHAIR = "megan.lloyd@example.org"
LEAD = "gareth.jones@example.org"


def at_board(cyd: Cyd) -> str:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    fill_checklist(cyd, venture, CO_PRODUCER)
    c.submit(cyd, venture, by=LEAD)
    for reviewer in REVIEWERS:
        c.record_review(cyd, venture, by=reviewer, recommend="go")
    return venture


def _votes(cyd: Cyd) -> int:
    with read_session(cyd.engine) as session:
        return len(session.exec(select(t.Vote)).all())


def _denied(cyd: Cyd, action: str) -> list[str]:
    with read_session(cyd.engine) as session:
        rows = session.exec(select(t.Denial).where(t.Denial.action == action)).all()
        return [r.actor for r in rows]


def test_the_clerk_records_and_the_member_confirms(
    browser_as: Callable[..., Browser], cyd: Cyd
) -> None:
    venture = at_board(cyd)
    clerk = browser_as(ADMIN, **ENGLISH)
    form = clerk.page(f"/clerk/ventures/{venture}/vote")
    assert "Megan Lloyd" in form
    assert "Gareth Jones" not in text_of(form)  # the lead never votes on their own venture
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    check = clerk.client.post(
        f"/clerk/ventures/{venture}/vote/check",
        data={"member": CHAIR, "choice": "approve", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert check.status_code == 200, check.text
    assert "Check what you will record" in check.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', check.text)
    assert token
    recorded = clerk.client.post(
        f"/clerk/ventures/{venture}/vote/record",
        data={"member": CHAIR, "choice": "approve", "conditions": "", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    receipt = clerk.page(recorded.headers["location"])
    assert "waiting for Megan Lloyd to confirm" in text_of(receipt)
    assert _votes(cyd) == 0

    megan = browser_as(CHAIR, **ENGLISH)
    home = megan.page("/")
    assert "Confirm what the clerk recorded" in home
    [href] = re.findall(r'href="(/confirm/\d+)"', home)[:1]
    assert href in megan.page("/confirm")
    shown = megan.page(href)
    assert "Programme Office" in shown
    assert "Approve" in text_of(shown)
    done = megan.post(href, {"decision": "confirm"})
    assert done.status_code == 303
    assert _votes(cyd) == 1
    assert "It counts now" in megan.page(href)


def test_others_get_page_not_found_and_it_is_audited(
    browser_as: Callable[..., Browser], cyd: Cyd
) -> None:
    venture = at_board(cyd)
    from services.assisted import record_vote_for

    pending_id = record_vote_for(cyd, venture, by=ADMIN, member=CHAIR, choice="approve").details[
        "id"
    ]
    tom = browser_as(SUPPORTER, **ENGLISH)
    for url in (
        f"/clerk/ventures/{venture}/vote",
        f"/clerk/ventures/{venture}/answer",
        f"/confirm/{pending_id}",
        f"/clerk/recorded/{pending_id}",
        "/confirm/99999",
    ):
        assert tom.get(url).status_code == 404, url
    assert SUPPORTER in _denied(cyd, "assisted.desk")
    assert SUPPORTER in _denied(cyd, "assisted.view")
    # Posting is no way in either, with a token as good as any page of his would give.
    token = own_token(tom, SUPPORTER)
    posted = tom.client.post(
        f"/confirm/{pending_id}", data={"decision": "confirm", "csrf_token": token}
    )
    assert posted.status_code == 404
    assert _votes(cyd) == 0


def test_a_form_without_its_token_is_refused(browser_as: Callable[..., Browser], cyd: Cyd) -> None:
    venture = at_board(cyd)
    from services.assisted import record_vote_for

    pending_id = record_vote_for(cyd, venture, by=ADMIN, member=CHAIR, choice="approve").details[
        "id"
    ]
    megan = browser_as(CHAIR, **ENGLISH)
    megan.page(f"/confirm/{pending_id}")
    forged = megan.client.post(
        f"/confirm/{pending_id}", data={"decision": "confirm"}, follow_redirects=False
    )
    assert forged.status_code == 403
    clerk = browser_as(ADMIN, **ENGLISH)
    clerk.page(f"/clerk/ventures/{venture}/vote")
    forged = clerk.client.post(
        f"/clerk/ventures/{venture}/vote/record",
        data={"member": CHAIR, "choice": "reject"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert _votes(cyd) == 0


def test_welsh_and_easy_read_pages(browser_as: Callable[..., Browser], cyd: Cyd) -> None:
    venture = at_board(cyd)
    from services.assisted import record_vote_for

    pending_id = record_vote_for(cyd, venture, by=ADMIN, member=CHAIR, choice="approve").details[
        "id"
    ]
    for lang in ("en", "cy"):
        for fmt in ("standard", "easy-read"):
            megan = browser_as(CHAIR, cyd_lang=lang, cyd_format=fmt)
            for url in ("/", "/confirm", f"/confirm/{pending_id}"):
                assert megan.get(url).status_code == 200
            clerk = browser_as(ADMIN, cyd_lang=lang, cyd_format=fmt)
            for url in (f"/clerk/ventures/{venture}/vote", f"/clerk/ventures/{venture}/answer"):
                page = clerk.get(url)
                assert page.status_code == 200
                assert f'lang="{lang}"' in page.text


def test_the_confirm_page_asks_the_question_in_the_readers_language_and_format(
    browser_as: Callable[..., Browser], cyd: Cyd
) -> None:
    """An answer to confirm is shown with its question as the person reads it (Easy Read
    where they read Easy Read, Welsh where they read Welsh), never the item's id."""
    from services.assisted import record_answer_for

    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    pending_id = record_answer_for(
        cyd,
        venture,
        by=ADMIN,
        person=CO_PRODUCER,
        item_ref="coproduction-start/venture-summary",
        value="A café run with the people who use it, every day of the week.",
    ).details["id"]
    item = next(
        i for i in cyd.library.checklist("coproduction-start").items() if i.id == "venture-summary"
    )
    for lang in ("en", "cy"):
        for fmt, text in (("standard", item.question), ("easy-read", item.easy_read)):
            them = browser_as(CO_PRODUCER, cyd_lang=lang, cyd_format=fmt)
            shown = text_of(them.page(f"/confirm/{pending_id}"))
            wanted = " ".join((text.cy if lang == "cy" else text.en).split())
            assert wanted in shown, (lang, fmt)
            assert "venture-summary" not in shown, (lang, fmt)
