"""Issue 12, item 4: each item says who answers it. The lead answers every item; a
co-producer answers only the items for co-producers or anyone, is asked (next actions)
only about those, and, when the venture comes back, is told only about those: the
lead's own items are counted for them, never asked of them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from checklists.examples import example_answer
from checklists.library import Library
from checklists.spec import ChecklistDefinition
from governance.lifecycle import VentureState
from governance.permissions import Actor, VentureFacts, may_answer_item
from models import tables as t
from models.db import read_session
from notifications.compose import Addressee, render_for
from services.commands import Cyd, PermissionDenied, answer, start_venture, submit
from services.examples import missing_items
from services.next_actions import next_actions
from tests.services.test_commands import CO_PRODUCER, LEAD

CHECKLIST = "coproduction-start"
LEAD_ITEMS = ("venture-summary", "payment")  # what only the organisation can say
CO_PRODUCER_ITEMS = ("lived-experience-views",)


def with_audiences(library: Library) -> Library:
    """The shipped library, with the start checklist's items given these audiences (and
    every other item for anyone)."""
    checklist = library.checklist(CHECKLIST)

    def item_with(item: Any) -> Any:
        # Whatever the shipped version says: these tests name their own audiences.
        if item.id in LEAD_ITEMS:
            return item.model_copy(update={"audience": "lead"})
        if item.id in CO_PRODUCER_ITEMS:
            return item.model_copy(update={"audience": "co-producers"})
        return item.model_copy(update={"audience": "anyone"})

    sections = [
        s.model_copy(update={"items": [item_with(i) for i in s.items]}) for s in checklist.sections
    ]
    changed = ChecklistDefinition.model_validate(
        checklist.model_copy(update={"sections": sections}).model_dump(by_alias=True)
    )
    checklists = dict(library.checklists)
    checklists[changed.key] = changed
    return Library(checklists, dict(library.gates), dict(library.sources))


@pytest.fixture
def team(cyd: Cyd) -> Cyd:
    return Cyd(cyd.engine, with_audiences(cyd.library), clock=cyd.clock)


def _start(cyd: Cyd) -> str:
    return start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def test_the_rule_keeps_the_leads_items_for_the_lead() -> None:
    facts = VentureFacts("v-1", "lead", frozenset({"lead", "member"}), VentureState.DRAFT)
    lead, member = Actor("lead", frozenset()), Actor("member", frozenset())
    assert may_answer_item(lead, facts, "lead")
    assert may_answer_item(lead, facts, "co-producers")
    assert may_answer_item(member, facts, "co-producers")
    assert may_answer_item(member, facts, "anyone")
    refused = may_answer_item(member, facts, "lead")
    assert not refused
    assert refused.code == "item-for-lead"  # type: ignore[union-attr]
    # Outside the workstream, the plain refusal to answer comes first.
    stranger = may_answer_item(Actor("stranger", frozenset()), facts, "anyone")
    assert stranger.code == "not-in-workstream"  # type: ignore[union-attr]


def test_a_co_producer_may_not_answer_the_leads_item_and_nothing_is_stored(team: Cyd) -> None:
    venture_id = _start(team)
    with pytest.raises(PermissionDenied) as refused:
        answer(team, venture_id, f"{CHECKLIST}/payment", "expenses-and-payment", by=CO_PRODUCER)
    assert refused.value.code == "item-for-lead"
    assert "lead" in refused.value.say("en", False)
    assert "arweinydd" in refused.value.say("cy", False)
    with read_session(team.engine) as session:
        assert not session.exec(select(t.Answer).where(t.Answer.item_id == "payment")).all()
        denials = session.exec(select(t.Denial)).all()
    assert [d.details["code"] for d in denials] == ["item-for-lead"]
    # The lead answers it; a co-producer answers the items for them and for anyone.
    answer(team, venture_id, f"{CHECKLIST}/payment", "expenses-and-payment", by=LEAD)
    views = "We want a café that we run together. " * 2
    answer(team, venture_id, f"{CHECKLIST}/lived-experience-views", views, by=CO_PRODUCER)
    answer(team, venture_id, f"{CHECKLIST}/lived-experience-count", 4, by=CO_PRODUCER)


def _answer_all_but_the_leads(cyd: Cyd, venture_id: str) -> None:
    for _ in range(5):  # answers may show further items
        for checklist, item_id in missing_items(cyd.engine, venture_id):
            if item_id not in LEAD_ITEMS:
                value = example_answer(checklist.item(item_id))
                answer(cyd, venture_id, f"{checklist.id}/{item_id}", value, by=CO_PRODUCER)


def test_a_co_producer_is_asked_only_about_the_items_for_them(team: Cyd) -> None:
    venture_id = _start(team)

    def asked(email: str) -> list[Any]:
        return [
            a
            for a in next_actions(team.engine, team.library, email, team.clock())
            if a.venture_id == venture_id and a.kind == "answer"
        ]

    def items(action: Any) -> set[str]:
        return {i.rpartition("/")[2] for i in action.params["items"]}

    [for_lead] = asked(LEAD)
    [for_member] = asked(CO_PRODUCER)
    assert set(LEAD_ITEMS) <= items(for_lead)
    assert not items(for_member) & set(LEAD_ITEMS)
    assert set(CO_PRODUCER_ITEMS) <= items(for_member)
    assert for_member.params["missing"] == for_lead.params["missing"] - len(LEAD_ITEMS)
    # Once only the lead's own must-meet items are open, the co-producers have none
    # missing (they may still add the optional ones); the lead has the two.
    _answer_all_but_the_leads(team, venture_id)
    [for_lead] = asked(LEAD)
    assert for_lead.params["missing"] == len(LEAD_ITEMS)
    for action in asked(CO_PRODUCER):
        assert action.params["missing"] == 0
        assert not items(action) & set(LEAD_ITEMS)


def test_the_returned_message_asks_each_audience_for_its_own_items(team: Cyd) -> None:
    venture_id = _start(team)
    _answer_all_but_the_leads(team, venture_id)
    returned = submit(team, venture_id, by=LEAD).advanced
    assert returned is not None
    assert returned.state == "returned"
    with read_session(team.engine) as session:
        rows = session.exec(
            select(t.OutboxMessage, t.Person)
            .join(t.Person, t.Person.id == t.OutboxMessage.person_id)  # type: ignore[arg-type]
            .where(t.OutboxMessage.event == "venture.returned")
        ).all()
        people = {p.email: p for _, p in rows}
        payloads = {p.email: m.payload for m, p in rows}
    # The lead's copy is theirs alone; every other member of the workstream gets the
    # co-producers' copy.
    assert payloads[LEAD]["audience"] == "lead"
    assert payloads[LEAD]["group"] is False
    assert payloads[CO_PRODUCER]["audience"] == "co-producers"
    assert {g["audience"] for g in payloads[LEAD]["gaps"]} == {"lead"}
    summary = team.library.checklist(CHECKLIST).item("venture-summary").question.en

    def rendered(email: str, *, language: str, easy_read: bool) -> str:
        person = Addressee(people[email].name, email, language, True, "standard")
        return render_for(
            person, "venture.returned", payloads[email], language=language, easy_read=easy_read
        ).text

    lead_text = " ".join(rendered(LEAD, language="en", easy_read=False).split())
    assert summary.split()[0] in lead_text
    assert "then submit the checklist again" in lead_text
    member_text = " ".join(rendered(CO_PRODUCER, language="en", easy_read=False).split())
    assert "What to change" not in member_text  # nothing of theirs is open
    assert "None of the questions to change is for you to answer." in member_text
    assert "The lead has 2 answers to change that only they can give." in member_text
    assert "submit the checklist again" not in member_text
    welsh = " ".join(rendered(CO_PRODUCER, language="cy", easy_read=False).split())
    assert "Mae gan yr arweinydd 2 ateb i'w newid" in welsh
    easy = " ".join(rendered(CO_PRODUCER, language="en", easy_read=True).split())
    assert "There is nothing for you to answer." in easy
    assert "You need to answer" not in easy
    assert "The person who leads the work will change 2 answers." in easy
    easy_cy = " ".join(rendered(CO_PRODUCER, language="cy", easy_read=True).split())
    assert "Does dim byd i chi ei ateb." in easy_cy
    lead_easy = " ".join(rendered(LEAD, language="en", easy_read=True).split())
    assert "You need to answer 2 questions before it can go on." in lead_easy


def test_a_co_producers_copy_lists_their_own_items_and_counts_the_leads(team: Cyd) -> None:
    venture_id = _start(team)
    answer(
        team, venture_id, f"{CHECKLIST}/venture-summary", "A café we run together. " * 2, by=LEAD
    )
    returned = submit(team, venture_id, by=LEAD).advanced
    assert returned is not None
    assert returned.state == "returned"
    with read_session(team.engine) as session:
        member = session.exec(select(t.Person).where(t.Person.email == CO_PRODUCER)).one()
        [message] = session.exec(
            select(t.OutboxMessage)
            .where(t.OutboxMessage.event == "venture.returned")
            .where(t.OutboxMessage.person_id == member.id)
        ).all()
    gaps = message.payload["gaps"]
    person = Addressee(member.name, CO_PRODUCER, "en", True, "standard")
    text = " ".join(
        render_for(person, "venture.returned", message.payload, language="en").text.split()
    )
    theirs = [g for g in gaps if g["audience"] != "lead"]
    assert theirs
    assert len(theirs) == len(gaps) - 1
    assert "The lead also has 1 answer to change that only they can give." in text
    assert "Please answer these. The lead then submits the checklist again." in text
    payment = team.library.checklist(CHECKLIST).item("payment").question.en
    assert payment not in text
