"""services.overview on SQLite and PostgreSQL: a person's ventures, a venture's summary
(who is involved, why it was sent back), and a person's next actions on one venture."""

from __future__ import annotations

import pytest

from checklists.library import Library
from services.commands import Cyd, NotFound, start_venture, submit
from services.examples import answer_missing
from services.next_actions import next_actions
from services.overview import my_ventures, venture_summary, workstream_names

DOMAIN = "@example.org"
LEAD = f"gareth.jones{DOMAIN}"
NIA = f"nia.morgan{DOMAIN}"
RHYS = f"rhys.thomas{DOMAIN}"
ELIN = f"elin.davies{DOMAIN}"  # a reviewer, in no workstream
WORKSTREAM = "day-opportunities"


def test_my_ventures_are_my_workstreams_newest_first(cyd: Cyd) -> None:
    first = start_venture(cyd, workstream=WORKSTREAM, title="Café", lead=LEAD).venture_id
    second = start_venture(cyd, workstream=WORKSTREAM, title="Garden", lead=RHYS).venture_id
    for person in (LEAD, NIA, RHYS):
        assert [v.id for v in my_ventures(cyd.engine, person)] == [second, first], person
    (garden, cafe) = my_ventures(cyd.engine, NIA)
    assert (garden.lead.email, garden.lead.name) == (RHYS, "Rhys Thomas")
    assert cafe.title_language == "en"  # Gareth's language
    assert cafe.workstream_name == {"en": "Day opportunities", "cy": "Cyfleoedd dydd"}
    assert (cafe.state, cafe.gate_id, cafe.deadline) == ("draft", "design", None)
    assert my_ventures(cyd.engine, ELIN) == []
    with pytest.raises(NotFound):
        my_ventures(cyd.engine, f"nobody{DOMAIN}")


def test_a_summary_says_who_is_involved(cyd: Cyd) -> None:
    venture = start_venture(cyd, workstream=WORKSTREAM, title="Café", lead=LEAD).venture_id
    summary = venture_summary(cyd.engine, venture)
    assert summary.lead.email == LEAD
    assert [p.email for p in summary.members] == [NIA, RHYS, f"sam.bennett{DOMAIN}"]
    assert summary.reviewers == []
    assert summary.sent_back is None
    answer_missing(cyd, venture, [LEAD])
    submit(cyd, venture, by=LEAD)  # complete: it goes to review, reviewers assigned
    summary = venture_summary(cyd.engine, venture)
    assert summary.state == "in_review"
    assert {p.email for p in summary.reviewers} == {ELIN, f"owen.walker{DOMAIN}"}
    with pytest.raises(NotFound):
        venture_summary(cyd.engine, "v-9999")


def test_a_returned_venture_says_why(cyd: Cyd, library: Library) -> None:
    venture = start_venture(cyd, workstream=WORKSTREAM, title="Café", lead=LEAD).venture_id
    submit(cyd, venture, by=LEAD)
    sent_back = venture_summary(cyd.engine, venture).sent_back
    assert sent_back is not None
    assert sent_back.state == "returned"
    assert [code for code, _ in sent_back.reasons] == ["checklist-incomplete", "sign-offs-missing"]
    # The gaps are the must-meet items still missing, as the rules found them.
    checklist = library.checklist("coproduction-start")
    required = {i.id for i in checklist.items() if i.level == "must-meet"}
    assert sent_back.gaps
    assert {g.item_id for g in sent_back.gaps} <= required
    assert all(g.problem == "missing" and g.reason["cy"] for g in sent_back.gaps)


def test_next_actions_on_one_venture_are_that_ventures_only(cyd: Cyd, library: Library) -> None:
    first = start_venture(cyd, workstream=WORKSTREAM, title="Café", lead=LEAD).venture_id
    start_venture(cyd, workstream=WORKSTREAM, title="Garden", lead=RHYS)
    now = cyd.clock()
    everything = next_actions(cyd.engine, library, NIA, now)
    assert len(everything) == 2
    only = next_actions(cyd.engine, library, NIA, now, venture_id=first)
    assert only == [a for a in everything if a.venture_id == first]
    assert next_actions(cyd.engine, library, ELIN, now, venture_id=first) == []


def test_workstream_names_come_in_both_languages(cyd: Cyd) -> None:
    assert workstream_names(cyd.engine) == {
        WORKSTREAM: {"en": "Day opportunities", "cy": "Cyfleoedd dydd"}
    }
