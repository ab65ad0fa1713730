"""Issue 12: the Board's conditions are carried forward. An approval with conditions
opens the next gate with one must-meet question a condition; the venture cannot go on
until it is answered (and met), and the Board's papers at that gate show each condition
with its answer."""

from __future__ import annotations

from governance.board_pack import Member, pack_for
from governance.conditions import CHECKLIST_ID, conditions_checklist
from notifications.board_pack import pack_blocks
from services.board_pack import load_agenda
from services.commands import Cyd, answer, close_vote, record_review, start_venture, submit, vote
from services.examples import answer_missing, missing_items
from tests.services.test_commands import CHAIR, CO_PRODUCER, LEAD, REVIEWERS, SUPPORTER

CONDITION = "Pay people for their time from the first day."


def _approved_with_conditions(cyd: Cyd) -> str:
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture, [CO_PRODUCER])
    submit(cyd, venture, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(cyd, venture, by=reviewer, recommend="go")
    vote(cyd, venture, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    vote(cyd, venture, member="aled.evans@example.org", choice="approve")
    vote(cyd, venture, member="sian.roberts@example.org", choice="approve")
    vote(
        cyd, venture, member="priya.shah@example.org", choice="approve-with-conditions",
        reason=CONDITION,
    )  # fmt: skip
    decided = close_vote(cyd, venture, by=CHAIR).advanced
    assert decided is not None
    assert (decided.state, decided.gate_id) == ("draft", "delivery")
    return venture


def test_each_condition_is_a_must_meet_question_at_the_next_gate(cyd: Cyd) -> None:
    venture = _approved_with_conditions(cyd)
    missing = [(c.id, item) for c, item in missing_items(cyd.engine, venture)]
    assert (CHECKLIST_ID, "condition-1") in missing
    [checklist] = [c for c, item in missing_items(cyd.engine, venture) if c.id == CHECKLIST_ID]
    question = checklist.item("condition-1")
    assert question.required
    assert f"“{CONDITION}”" in question.question.en
    assert f"“{CONDITION}”" in question.question.cy
    assert question.question.cy.startswith("Amod y Bwrdd:")

    # Unanswered, it holds the venture back like any must-meet item.
    answer_missing(cyd, venture, [CO_PRODUCER])
    how = "We pay everyone £15 an hour from the first meeting; the group agreed the rate."
    answer(cyd, venture, f"{CHECKLIST_ID}/condition-1", how, by=LEAD)
    answer_missing(cyd, venture, [CO_PRODUCER])  # the changed answer voided the sign-off
    assert submit(cyd, venture, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]

    # The Board's papers at this gate show the condition and how it was met.
    for reviewer in REVIEWERS:
        record_review(cyd, venture, by=reviewer, recommend="go")
    [item] = load_agenda(cyd.engine, cyd.library)
    [carried] = [c for c in item.checklists if c.id == CHECKLIST_ID]
    [given] = carried.answers
    assert CONDITION in given.question.question.en
    assert given.answer.en == how
    for lang, easy in (("en", False), ("cy", False), ("en", True), ("cy", True)):
        member = Member("Aled Evans", "aled.evans@example.org", (lang,), easy)
        text = " ".join(
            b.text or " ".join(b.items)
            for b in pack_blocks(pack_for(member, item.vote_by.date(), [item]), lang)
        )
        assert CONDITION in text, (lang, easy)
        assert how in text, (lang, easy)


def test_no_conditions_no_checklist() -> None:
    assert conditions_checklist([], "design") is None
    assert conditions_checklist(["  "], "design") is None
    made = conditions_checklist(["Meet in \n  accessible venues.", "Pay people."], "design")
    assert made is not None
    assert [i.id for i in made.items()] == ["condition-1", "condition-2"]
    assert "“Meet in accessible venues.”" in made.item("condition-1").question.en
