"""What the checklist pages read: the pinned checklists, current answers with who and when,
the latest return while it stands, and refusals worded in Welsh and Easy Read."""

from __future__ import annotations

import pytest

from checklists.loader import Library
from services import commands as c
from services.commands import Cyd, NotFound
from services.examples import answer_missing
from services.permitted import what_may_i_do
from services.venture_checklist import venture_checklists
from tests.services.test_commands import CO_PRODUCER, LEAD, SUMMARY


def started(cyd: Cyd) -> str:
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def test_answers_come_with_who_gave_them_and_when(cyd: Cyd, library: Library) -> None:
    venture = started(cyd)
    # An item anyone may answer: the lead first, then a co-producer changes it.
    item = "lived-experience-first"
    c.answer_many(cyd, venture, {"venture-summary": SUMMARY, item: "after-idea-fixed"}, by=LEAD)
    c.answer(cyd, venture, item, "before-idea", by=CO_PRODUCER)
    read = venture_checklists(cyd.engine, library, venture)
    assert read.title == "Community café"
    assert read.state == "draft"
    assert read.lead == LEAD
    assert read.lead_name == "Gareth Jones"
    assert read.gate.id == "design"
    assert [ch.id for ch in read.checklists] == ["coproduction-start"]
    given = read.answers["coproduction-start"]
    assert set(given) == {"venture-summary", item}
    assert (given[item].value, given[item].by, given[item].by_name) == (
        "before-idea",
        CO_PRODUCER,
        "Nia Morgan",
    )
    assert given[item].by_language == "cy"
    assert given["venture-summary"].by_language == "en"
    assert given[item].at > given["venture-summary"].at
    assert (given[item].answers_given, given["venture-summary"].answers_given) == (2, 1)
    assert read.values("coproduction-start") == {"venture-summary": SUMMARY, item: "before-idea"}
    assert read.returned is None


def test_a_return_stands_until_the_venture_is_submitted_again(cyd: Cyd, library: Library) -> None:
    venture = started(cyd)
    c.answer(cyd, venture, "lived-experience-count", 3, by=LEAD)  # audience: lead
    assert c.submit(cyd, venture, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]
    returned = venture_checklists(cyd.engine, library, venture).returned
    assert returned is not None
    why, unsigned = returned.reasons
    assert unsigned.code == "sign-offs-missing"  # nobody with lived experience signed yet
    assert why.code == "checklist-incomplete"
    assert why.params["which"] == "missing"
    missing = [g.item_id for g in returned.gaps]
    assert "venture-summary" in missing
    assert "lived-experience-count" not in missing
    assert "lived-experience-views" in missing  # shown by the answer 3
    assert all(g.problem == "missing" for g in returned.gaps)
    assert returned.gaps[0].reason.cy.startswith("Rhaid bodloni")
    # Answering reopens it as a draft: the reasons still stand, as nothing was submitted.
    c.answer(cyd, venture, "venture-summary", SUMMARY, by=CO_PRODUCER)
    reread = venture_checklists(cyd.engine, library, venture)
    assert reread.state == "draft"
    assert reread.returned == returned
    answer_missing(cyd, venture, [CO_PRODUCER])
    assert c.submit(cyd, venture, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]
    assert venture_checklists(cyd.engine, library, venture).returned is None


def test_an_unknown_venture_is_not_found(cyd: Cyd, library: Library) -> None:
    with pytest.raises(NotFound):
        venture_checklists(cyd.engine, library, "v-9999")


def test_a_refusal_is_said_in_welsh_and_easy_read(cyd: Cyd, library: Library) -> None:
    venture = started(cyd)
    now = cyd.clock()
    nia = {p.action: p for p in what_may_i_do(cyd.engine, library, CO_PRODUCER, venture, now)}
    assert nia["answer"].allowed
    assert nia["answer"].say("cy") is None
    submit = nia["submit"]
    assert not submit.allowed
    assert submit.code == "not-lead"
    assert submit.say("en") == submit.reason
    welsh = submit.say("cy")
    easy = submit.say("en", easy_read=True)
    assert welsh
    assert welsh != submit.reason
    assert easy
    assert easy != submit.reason
    # A refusal with parameters: Owen is not concerned with this venture.
    owen = {
        p.action: p
        for p in what_may_i_do(cyd.engine, library, "owen.walker@example.org", venture, now)
    }
    assert owen["answer"].params == {"action": "answer"}
    assert owen["answer"].say("cy", easy_read=True)
