"""What goes in a Board member's papers: which meeting, each venture's summary, who
leaves which decision. No database, no files."""

from __future__ import annotations

import datetime as dt

import pytest

from checklists.loader import Library, load_library
from governance.board_pack import (
    InterestSummary,
    Member,
    PapersCopy,
    ReviewSummary,
    Words,
    agenda_item,
    answer_words,
    checklist_summary,
    meeting_due,
    pack_for,
    papers_copies,
    papers_day,
)
from governance.working_days import WorkingCalendar

MEETINGS = [dt.date(2026, 12, 8), dt.date(2027, 1, 12), dt.date(2026, 11, 3)]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        (dt.date(2026, 11, 30), 5, None),  # six working days before
        (dt.date(2026, 12, 1), 5, dt.date(2026, 12, 8)),  # five working days: papers out
        (dt.date(2026, 12, 5), 5, dt.date(2026, 12, 8)),  # a Saturday after, still due
        (dt.date(2026, 12, 8), 5, dt.date(2026, 12, 8)),  # the day itself, late but due
        (dt.date(2026, 12, 9), 5, None),  # the meeting has passed; the next is weeks away
        (dt.date(2027, 1, 10), 5, dt.date(2027, 1, 12)),
        (dt.date(2026, 10, 1), 60, dt.date(2026, 11, 3)),  # the soonest first, whatever order
        (dt.date(2026, 12, 8), 0, dt.date(2026, 12, 8)),
        (dt.date(2026, 12, 7), 0, None),
    ],
)
def test_the_meeting_whose_papers_are_due(
    today: dt.date, days: int, expected: dt.date | None
) -> None:
    assert meeting_due(MEETINGS, today, days) == expected
    if expected is not None:
        assert papers_day(expected, days) <= today


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Seven working days before Tue 12 Jan, back over New Year's Day: Thu 31 Dec.
        (dt.date(2026, 12, 30), None),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 12)),
    ],
)
def test_papers_go_seven_working_days_before_skipping_bank_holidays(
    today: dt.date, expected: dt.date | None
) -> None:
    calendar = WorkingCalendar(
        frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1)})
    )
    assert meeting_due(MEETINGS, today, 7, calendar) == expected
    assert papers_day(dt.date(2027, 1, 12), 7, calendar) == dt.date(2026, 12, 31)


def test_a_checklist_summary_counts_and_shows_the_key_answers(library: Library) -> None:
    checklist = library.checklist("coproduction-start")
    summary = checklist_summary(checklist, {})
    assert summary.items == len(checklist.items())
    assert summary.answered == 0
    assert not summary.complete
    assert summary.shown <= summary.items
    assert len(summary.missing_required) >= 1
    first = checklist.sections[0].items[0]
    answered = checklist_summary(
        checklist, {first.id: "A café run with the people who use it, open every weekday."}
    )
    assert answered.answered == 1
    assert [k.question.id for k in answered.key_answers] == [first.id]
    assert answered.key_answers[0].answer == Words.same(
        "A café run with the people who use it, open every weekday."
    )
    assert len(answered.missing_required) == len(summary.missing_required) - 1


def test_answers_are_shown_in_words(library: Library) -> None:
    items = {item.answer.type: item for c in library.latest_checklists() for item in c.items()}
    choice = items["single-choice"]
    option = choice.answer.options[0]  # type: ignore[union-attr]
    assert answer_words(choice, option.id) == Words(option.label.en, option.label.cy)
    assert answer_words(items["yes-no"], True) == Words("Yes", "Ie")
    assert answer_words(items["number"], 3) == Words.same("3")


def _item(venture_id: str, vote_by: dt.datetime, *, lead: str, interests: list[str]) -> object:
    return agenda_item(
        venture_id=venture_id,
        title=f"Venture {venture_id}",
        workstream=Words("Day opportunities", "Cyfleoedd dydd"),
        lead="Lead",
        lead_email=lead,
        gate=Words("Design gate", "Porth dylunio"),
        gate_easy_read=Words("Planning", "Cynllunio"),
        ballot=1,
        vote_by=vote_by,
        checklists=[],
        answers={},
        reviews=[ReviewSummary("Owen", "go", "Fine.", vote_by - dt.timedelta(days=9))],
        interests=[InterestSummary(e.split("@")[0], e, "A link.") for e in interests],
    )


def test_each_member_gets_the_whole_agenda_with_what_they_leave_marked() -> None:
    soon = dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC)
    later = soon + dt.timedelta(days=3)
    agenda = [
        _item("v-2", later, lead="lead@x.org", interests=["sian@x.org"]),
        _item("v-1", soon, lead="sian@x.org", interests=[]),
    ]
    sian = Member("Siân", "sian@x.org", ("cy",), easy_read=False)
    megan = Member("Megan", "megan@x.org", ("cy",), easy_read=True, is_chair=True)
    pack = pack_for(sian, dt.date(2026, 12, 8), agenda)  # type: ignore[arg-type]
    assert [a.venture_id for a in pack.agenda] == ["v-1", "v-2"]  # soonest vote first
    assert pack.leaves == {"v-1", "v-2"}  # her own venture, and her interest
    other = pack_for(megan, dt.date(2026, 12, 8), agenda)  # type: ignore[arg-type]
    assert other.leaves == frozenset()
    assert [a.venture_id for a in other.agenda] == ["v-1", "v-2"]


def test_a_members_papers_go_to_them_then_to_each_supporter_once() -> None:
    assert papers_copies("megan@x.org", []) == (PapersCopy("megan@x.org"),)
    copies = papers_copies("megan@x.org", ["tom@x.org", "ann@x.org", "tom@x.org", ""])
    assert copies == (
        PapersCopy("megan@x.org"),  # the member first
        PapersCopy("ann@x.org", supporting="megan@x.org"),
        PapersCopy("tom@x.org", supporting="megan@x.org"),  # once, however often named
    )
    # A person is never a supporter of themselves (the programme check refuses it too).
    assert papers_copies("megan@x.org", ["megan@x.org"]) == (PapersCopy("megan@x.org"),)
