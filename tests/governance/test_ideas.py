"""The rules of ideas from anyone (governance/ideas.py): who may do what to an idea, the
promise of an answer in working days, what each answer needs said, one support each,
and what is shown publicly."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.ideas import (
    ANSWERS,
    OPEN,
    Answer,
    IdeaFacts,
    IdeaState,
    Publication,
    answer_due,
    may_answer_idea,
    may_moderate,
    may_record_idea,
    may_send_to,
    may_support_idea,
    may_triage,
    may_withdraw_idea,
    past_promise,
    shown_publicly,
)
from governance.permissions import Actor, Denied, Role
from governance.working_days import WorkingCalendar, is_working_day, working_days_between

LONDON_2026 = WorkingCalendar(frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)}))

TRIAGER = Actor("t@example.org", frozenset({Role.TRIAGE}))
ADMIN = Actor("a@example.org", frozenset({Role.ADMIN}))
MODERATOR = Actor("m@example.org", frozenset({Role.MODERATOR}))
LEAD = Actor("l@example.org", frozenset({Role.LEAD}))
MEMBER = Actor("c@example.org", frozenset({Role.CO_PRODUCER}))
NOBODY = Actor("n@example.org", frozenset())

IDEA = IdeaFacts(
    idea_id="i-0001",
    state=IdeaState.RECEIVED,
    workstream_id=None,
    workstream_leads=frozenset(),
    consent_to_publish=True,
    publication=Publication.UNCHECKED,
)
TRIAGED = dataclasses.replace(
    IDEA,
    state=IdeaState.TRIAGED,
    workstream_id="day-opportunities",
    workstream_leads=frozenset({LEAD.person_id}),
)


def code(permission: object) -> str | None:
    return permission.code if isinstance(permission, Denied) else None


def test_an_officer_records_an_idea_but_someone_with_no_role_does_not() -> None:
    assert may_record_idea(MEMBER)
    assert may_record_idea(LEAD)
    assert code(may_record_idea(NOBODY)) == "idea-not-an-officer"


def test_triage_is_for_triagers_admins_and_the_leads_of_the_ideas_workstream() -> None:
    assert may_triage(TRIAGER, IDEA)
    assert may_triage(ADMIN, IDEA)
    assert code(may_triage(LEAD, IDEA)) == "not-triage"  # not yet their workstream's
    assert may_triage(LEAD, TRIAGED)
    assert code(may_triage(MEMBER, TRIAGED)) == "not-triage"
    assert code(may_triage(MODERATOR, IDEA)) == "not-triage"


def test_moderation_is_for_moderators_and_admins() -> None:
    assert may_moderate(MODERATOR)
    assert may_moderate(ADMIN)
    assert code(may_moderate(TRIAGER)) == "not-moderator"


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        (Answer(IdeaState.ADOPTED), None),
        (Answer(IdeaState.MERGED, reason="The same as v-0007.", venture_id="v-0007"), None),
        (Answer(IdeaState.MERGED, reason="The same."), "idea-needs-venture"),
        (Answer(IdeaState.MERGED, venture_id="v-0007"), "idea-needs-reason"),
        (Answer(IdeaState.NOT_NOW, reason="No budget.", what_next="Next April."), None),
        (Answer(IdeaState.NOT_NOW, reason="No budget."), "idea-needs-what-next"),
        (Answer(IdeaState.NOT_NOW, reason="  ", what_next="April"), "idea-needs-reason"),
        (
            Answer(IdeaState.NOT_FOR_PROGRAMME, reason="Housing.", what_next="Housing team"),
            None,
        ),
        (Answer(IdeaState.NOT_FOR_PROGRAMME, reason="Housing."), "idea-needs-what-next"),
        (Answer(IdeaState.WITHDRAWN, reason="x", what_next="y"), "idea-not-an-answer"),
        (Answer(IdeaState.TRIAGED), "idea-not-an-answer"),
    ],
)
def test_each_answer_says_what_it_needs(answer: Answer, refused: str | None) -> None:
    assert code(may_answer_idea(TRIAGER, TRIAGED, answer)) == refused


def test_adopting_needs_a_workstream_for_its_venture() -> None:
    refused = may_answer_idea(TRIAGER, IDEA, Answer(IdeaState.ADOPTED))
    assert code(refused) == "idea-needs-workstream"


@pytest.mark.parametrize("closed", sorted(set(IdeaState) - OPEN))
def test_an_idea_is_answered_once(closed: IdeaState) -> None:
    idea = dataclasses.replace(TRIAGED, state=closed)
    refused = may_answer_idea(TRIAGER, idea, Answer(IdeaState.ADOPTED))
    assert code(refused) == "idea-closed"
    assert isinstance(refused, Denied)
    assert refused.params["state"] == closed.value
    assert code(may_send_to(TRIAGER, idea)) == "idea-closed"
    assert code(may_withdraw_idea(idea)) == "idea-closed"
    assert code(may_support_idea(MEMBER, idea, ())) == "idea-closed"


def test_one_support_each_and_never_the_proposers_own() -> None:
    idea = dataclasses.replace(TRIAGED, proposer_id=MEMBER.person_id)
    assert may_support_idea(LEAD, idea, [])
    assert code(may_support_idea(LEAD, idea, [LEAD.person_id])) == "idea-supported-already"
    assert code(may_support_idea(MEMBER, idea, [])) == "idea-own"


def test_only_consented_and_checked_ideas_are_shown_publicly() -> None:
    checked = dataclasses.replace(IDEA, publication=Publication.PUBLISHED)
    assert shown_publicly(checked)
    assert not shown_publicly(IDEA)  # not yet checked
    assert not shown_publicly(dataclasses.replace(checked, consent_to_publish=False))
    assert not shown_publicly(dataclasses.replace(checked, publication=Publication.PRIVATE))
    assert not shown_publicly(dataclasses.replace(checked, state=IdeaState.WITHDRAWN))
    assert shown_publicly(dataclasses.replace(checked, state=IdeaState.NOT_NOW))


def test_every_refusal_and_error_has_its_four_texts() -> None:
    from governance.catalogue import catalogue

    codes = {
        "idea-not-an-officer", "not-triage", "not-moderator", "idea-closed",
        "idea-not-an-answer", "idea-needs-workstream", "idea-needs-venture",
        "idea-needs-reason", "idea-needs-what-next", "idea-own", "idea-supported-already",
    }  # fmt: skip
    entries = catalogue().entries
    for name in codes:
        assert set(entries[name].texts) == {"en", "cy", "en_easy", "cy_easy"}


@given(
    st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2027, 12, 1), timezones=st.just(dt.UTC)),
    st.integers(1, 60),
)
def test_the_promise_is_the_end_of_a_working_day_that_many_working_days_on(
    received: dt.datetime, days: int
) -> None:
    due = answer_due(received, days, LONDON_2026)
    local = due.astimezone(LONDON_2026.tz)
    assert local.time() == dt.time(17, 0)
    assert is_working_day(local.date(), LONDON_2026.holidays)
    received_day = received.astimezone(LONDON_2026.tz).date()
    assert working_days_between(received_day, local.date(), LONDON_2026.holidays) == days
    assert not past_promise(IdeaState.TRIAGED, due, due)
    assert past_promise(IdeaState.TRIAGED, due, due + dt.timedelta(seconds=1))
    for answered in ANSWERS | {IdeaState.WITHDRAWN}:
        assert not past_promise(answered, due, due + dt.timedelta(days=400))


def test_a_promise_over_christmas_skips_the_bank_holidays() -> None:
    received = dt.datetime(2026, 12, 23, 10, tzinfo=dt.UTC)  # a Wednesday
    # 24th (Thu), then the 25th and 28th are days off, 26-27 a weekend: 29th, 30th.
    assert answer_due(received, 3, LONDON_2026) == dt.datetime(2026, 12, 30, 17, tzinfo=dt.UTC)
