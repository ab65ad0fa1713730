"""Issue 12, item 6: a condition may test an earlier gate's answer. The delivery gate
asks "how will you move to paying people?" only of a venture that said at the design
gate it pays expenses only; the answer it tests is pinned with the checklist when the
gate opens, so every read of the venture sees the same."""

from __future__ import annotations

from typing import Any

import pytest

from checklists.describe import condition_text
from checklists.evaluate import evaluate
from checklists.library import Library
from checklists.spec import ChecklistDefinition, Condition, Item, Text, earlier_key
from services.commands import Cyd, answer, close_vote, record_review, start_venture, submit, vote
from services.examples import answer_missing, missing_items
from tests.services.test_commands import CHAIR, CO_PRODUCER, LEAD, REVIEWERS, SUPPORTER

LATER = "delivery-review"
ASKED = "move-to-payment"
ON_PAYMENT = Condition.model_validate(
    {
        "gate": "design",
        "checklist": "coproduction-start",
        "item": "payment",
        "equals": "expenses-only",
    }
)


def with_question(library: Library) -> Library:
    """The shipped library, the delivery gate's checklist asking one more question when
    the design gate's answer on payment was "expenses only"."""
    later = library.checklist(LATER)
    words = Text(
        en="You paid expenses only at the design stage. How will you start paying people?",
        cy="Dim ond treuliau a dalwyd gennych yn y cam dylunio. "
        "Sut byddwch chi'n dechrau talu pobl?",
    )
    easy = Text(en="How will you start paying people?", cy="Sut byddwch chi'n dechrau talu pobl?")
    first = later.sections[0]
    asked = Item.model_validate(
        {
            "id": ASKED,
            "principle": first.items[0].principle,
            "level": "must-meet",
            "question": words.model_dump(),
            "easy_read": easy.model_dump(),
            "answer": {"type": "text", "max_words": 200},
            "show_if": ON_PAYMENT.model_dump(by_alias=True, exclude_none=True),
        }
    )
    sections = [first.model_copy(update={"items": [*first.items, asked]}), *later.sections[1:]]
    changed = ChecklistDefinition.model_validate(
        later.model_copy(update={"sections": sections}).model_dump(by_alias=True)
    )
    checklists = dict(library.checklists)
    checklists[changed.key] = changed
    return Library(checklists, dict(library.gates), dict(library.sources))


@pytest.fixture
def later(cyd: Cyd) -> Cyd:
    return Cyd(cyd.engine, with_question(cyd.library), clock=cyd.clock)


def _through_design(cyd: Cyd, payment: str) -> str:
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer(cyd, venture, "coproduction-start/payment", payment, by=LEAD)
    answer_missing(cyd, venture, [CO_PRODUCER])
    submit(cyd, venture, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(cyd, venture, by=reviewer, recommend="go")
    vote(cyd, venture, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    for member in ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org"):
        vote(cyd, venture, member=member, choice="approve")
    decided = close_vote(cyd, venture, by=CHAIR).advanced
    assert decided is not None
    assert (decided.state, decided.gate_id) == ("draft", "delivery")
    return venture


def _asked(cyd: Cyd, venture: str) -> set[str]:
    return {item for c, item in missing_items(cyd.engine, venture) if c.id == LATER}


def test_the_later_gate_asks_what_the_earlier_answer_calls_for(later: Cyd) -> None:
    venture = _through_design(later, "expenses-only")
    assert ASKED in _asked(later, venture)
    [pinned] = [c for c, item in missing_items(later.engine, venture) if c.id == LATER][:1]
    key = earlier_key("design", "coproduction-start", "payment")
    assert pinned.earlier_answers == {key: "expenses-only"}
    # Answered, it lets the venture on like any must-meet item.
    how = "From April we pay everyone for their time, at the rate the group agreed."
    answer(later, venture, f"{LATER}/{ASKED}", how, by=LEAD)
    answer_missing(later, venture, [CO_PRODUCER])
    assert submit(later, venture, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]


def test_the_later_gate_does_not_ask_when_the_earlier_answer_does_not_call_for_it(
    later: Cyd,
) -> None:
    venture = _through_design(later, "expenses-and-payment")
    assert ASKED not in _asked(later, venture)


def test_evaluate_reads_the_earlier_answers_pinned_with_the_checklist(library: Library) -> None:
    checklist = with_question(library).checklist(LATER)
    key = earlier_key("design", "coproduction-start", "payment")
    never: dict[str, Any] = {}
    assert ASKED in evaluate(checklist, never).hidden  # never answered there: not shown
    pinned = checklist.model_copy(update={"earlier_answers": {key: "expenses-only"}})
    assert ASKED in evaluate(pinned, never).missing_required
    other = checklist.model_copy(update={"earlier_answers": {key: "expenses-and-payment"}})
    assert ASKED in evaluate(other, never).hidden
    assert condition_text(ON_PAYMENT) == "design/coproduction-start/payment = expenses-only"
    # The key is nobody's item: an answer under it is not an answer of this checklist.
    assert evaluate(pinned, {key: "expenses-and-payment"}).ignored == (key,)
