"""Dates bounded relative to the day they are checked (issue 12, item 6): "not in the
future", "within the last N days", "within the next N days", alongside fixed bounds,
the tightest holding; the loader says where a contradictory pair is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from checklists.evaluate import check_answer, date_bounds, evaluate
from checklists.examples import example_answer
from checklists.loader import load_paths
from checklists.spec import DateAnswer, Item, Text

DAY = dt.date(2026, 12, 7)
T = Text(en="When?", cy="Pryd?")


def item(**bounds: object) -> Item:
    return Item(
        id="when",
        principle="p",
        level="must-meet",
        question=T,
        easy_read=T,
        answer=DateAnswer(type="date", **bounds),  # type: ignore[arg-type]
    )


def test_not_in_future_refuses_tomorrow_and_says_the_last_day() -> None:
    when = item(not_in_future=True)
    assert check_answer(when, DAY.isoformat(), DAY) is None
    reason = check_answer(when, (DAY + dt.timedelta(days=1)).isoformat(), DAY)
    assert reason is not None
    assert "2026-12-07" in reason.en
    assert "2026-12-07" in reason.cy


def test_within_days_counts_back_from_the_day() -> None:
    when = item(within_days=365)
    assert check_answer(when, (DAY - dt.timedelta(days=365)).isoformat(), DAY) is None
    too_old = check_answer(when, (DAY - dt.timedelta(days=366)).isoformat(), DAY)
    assert too_old is not None
    assert "2025-12-07" in too_old.en
    assert check_answer(when, (DAY + dt.timedelta(days=1)).isoformat(), DAY) is not None
    # The same answer, checked a year on, is too old: the bound moves with the day.
    later = DAY + dt.timedelta(days=366)
    assert check_answer(when, DAY.isoformat(), later) is not None


def test_within_days_ahead_counts_forward_and_the_tightest_bound_holds() -> None:
    when = item(within_days_ahead=30, latest=dt.date(2026, 12, 20))
    assert check_answer(when, "2026-12-20", DAY) is None
    assert check_answer(when, "2026-12-21", DAY) is not None  # the fixed bound is tighter
    assert check_answer(when, "2026-12-06", DAY) is not None  # not before the day
    assert date_bounds(when.answer, DAY) == (DAY, dt.date(2026, 12, 20))  # type: ignore[arg-type]


def test_a_date_ahead_and_a_bound_that_forbids_one_are_refused() -> None:
    with pytest.raises(ValidationError, match="within_days_ahead"):
        DateAnswer(type="date", within_days_ahead=10, not_in_future=True)
    with pytest.raises(ValidationError):
        DateAnswer(type="date", within_days=0)


def test_evaluate_counts_from_its_day_and_the_example_is_valid() -> None:
    from checklists.spec import ChecklistDefinition, Principle, Section

    checklist = ChecklistDefinition(
        schema_version=1,
        kind="checklist",
        id="dates",
        version=1,
        title=T,
        easy_read=T,
        principles=[Principle(id="p", label=T)],
        sections=[Section(id="s", title=T, items=[item(within_days=30)])],
    )
    assert evaluate(checklist, {"when": "2026-11-10"}, today=DAY).complete
    old = evaluate(checklist, {"when": "2026-11-01"}, today=DAY)
    assert "when" in old.invalid
    example = example_answer(checklist.item("when"))
    assert check_answer(checklist.item("when"), example) is None


def test_the_loader_says_where_a_bad_pair_is(tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(
        """schema_version: 1
kind: checklist
id: dates
version: 1
title: {en: Dates, cy: Dyddiadau}
easy_read: {en: Dates., cy: Dyddiadau.}
principles:
  - {id: p, label: {en: P, cy: P}}
sections:
  - id: s
    title: {en: S, cy: S}
    items:
      - id: when
        principle: p
        level: must-meet
        question: {en: When?, cy: Pryd?}
        easy_read: {en: When?, cy: Pryd?}
        answer: {type: date, not_in_future: true, within_days_ahead: 30}
""",
        encoding="utf-8",
    )
    _, problems = load_paths([path])
    [problem] = problems
    assert problem.line == 18
    assert "within_days_ahead" in problem.message


@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
    back=st.integers(min_value=1, max_value=3000),
    ahead=st.integers(min_value=1, max_value=3000),
    offset=st.integers(min_value=-4000, max_value=4000),
)
def test_relative_bounds_accept_exactly_the_dates_between_them(
    day: dt.date, back: int, ahead: int, offset: int
) -> None:
    answer = day + dt.timedelta(days=offset)
    behind = item(within_days=back)
    assert (check_answer(behind, answer.isoformat(), day) is None) == (-back <= offset <= 0)
    forward = item(within_days_ahead=ahead)
    assert (check_answer(forward, answer.isoformat(), day) is None) == (0 <= offset <= ahead)
