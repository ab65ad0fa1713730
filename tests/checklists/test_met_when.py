"""Answered is not met: each `met_when` test, justifications, and completeness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checklists.evaluate import evaluate, justification_key
from checklists.spec import ChecklistDefinition
from tests.checklists.test_evaluate import DATE, MULTI, NUMBER, PEOPLE, SINGLE, TEXT, YES_NO
from tests.checklists.test_evaluate import checklist as make_checklist
from tests.checklists.test_evaluate import item as make_item

TODAY = dt.date(2026, 12, 7)
REASON = {"en": "Not enough yet.", "cy": "Dim digon eto."}
EASY = {"en": "Not done yet.", "cy": "Heb ei wneud eto."}


def checklist(
    answer: dict[str, Any], test: dict[str, Any], justify: bool = False
) -> ChecklistDefinition:
    met: dict[str, Any] = {**test, "reason": REASON, "easy_read": EASY}
    if justify:
        met["justification"] = {"en": "Why not yet?", "cy": "Os na, pam?"}
        met["justification_easy_read"] = {"en": "Say why.", "cy": "Dywedwch pam."}
    return make_checklist({**make_item("a", answer), "met_when": met})


CASES: list[tuple[str, dict[str, Any], dict[str, Any], Any, bool]] = [
    # (case, answer spec, met_when test, answer, met?)
    ("number at least 2, given 0", NUMBER, {"at_least": 2}, 0, False),
    ("number at least 2, given 2", NUMBER, {"at_least": 2}, 2, True),
    ("number at least 2, given 3", NUMBER, {"at_least": 2}, 3, True),
    ("yes, answered no", YES_NO, {"equals": True}, False, False),
    ("yes, answered yes", YES_NO, {"equals": True}, True, True),
    ("one of x, y: z", SINGLE, {"one_of": ["x", "y"]}, "z", False),
    ("one of x, y: y", SINGLE, {"one_of": ["x", "y"]}, "y", True),
    ("includes x and z: x only", MULTI, {"includes": ["x", "z"]}, ["x"], False),
    ("includes x and z: z, y, x", MULTI, {"includes": ["x", "z"]}, ["z", "y", "x"], True),
    ("at least 2 chosen: 1", MULTI, {"at_least": 2}, ["y"], False),
    ("at least 2 people: 2", PEOPLE, {"at_least": 2}, ["Megan", "Tom"], True),
    ("at least 3 words: 2", TEXT, {"min_words": 3}, "We won't.", False),
    ("at least 3 words: 3", TEXT, {"min_words": 3}, "People decide together.", True),
    ("not in the future: tomorrow", DATE, {"not_in_future": True}, "2026-12-08", False),
    ("not in the future: today", DATE, {"not_in_future": True}, "2026-12-07", True),
    ("within 365 days: 366 ago", DATE, {"within_days": 365}, "2025-12-06", False),
    ("within 365 days: 365 ago", DATE, {"within_days": 365}, "2025-12-07", True),
    ("within 365 days: tomorrow", DATE, {"within_days": 365}, dt.date(2026, 12, 8), False),
]


@pytest.mark.parametrize(("case", "spec", "test", "value", "met"), CASES, ids=[c[0] for c in CASES])
def test_each_test_says_met_or_answered_but_not_met(
    case: str, spec: dict[str, Any], test: dict[str, Any], value: Any, met: bool
) -> None:
    result = evaluate(checklist(spec, test), {"a": value}, today=TODAY)
    assert result.answered == ("a",)  # answered either way
    assert result.met == (("a",) if met else ())
    assert result.complete is met
    if not met:
        assert result.unmet_required == ("a",)
        why = result.not_met["a"]
        assert (why.reason.en, why.reason.cy) == (REASON["en"], REASON["cy"])
        assert (why.easy_read.en, why.easy_read.cy) == (EASY["en"], EASY["cy"])
        assert not why.may_justify


def test_a_missing_answer_stays_missing_not_unmet() -> None:
    result = evaluate(checklist(NUMBER, {"at_least": 1}), {}, today=TODAY)
    assert result.missing_required == ("a",)
    assert not result.not_met
    assert not result.complete


def test_a_justification_is_an_exception_never_met_and_lets_the_checklist_complete() -> None:
    definition = checklist(NUMBER, {"at_least": 1}, justify=True)
    why = "  No one with lived experience yet:\n we are asking two groups. "
    result = evaluate(definition, {"a": 0, justification_key("a"): why}, today=TODAY)
    assert result.justified == {"a": "No one with lived experience yet: we are asking two groups."}
    assert result.met == ()
    assert not result.not_met
    assert result.complete
    assert result.ignored == ()  # the justification is an answer the item allows

    unjustified = evaluate(definition, {"a": 0, justification_key("a"): "   "}, today=TODAY)
    assert unjustified.not_met["a"].may_justify
    assert not unjustified.complete

    met = evaluate(definition, {"a": 2, justification_key("a"): why}, today=TODAY)
    assert met.met == ("a",)
    assert not met.justified


def test_a_justification_is_refused_where_the_item_allows_none() -> None:
    definition = checklist(NUMBER, {"at_least": 1})
    result = evaluate(definition, {"a": 0, justification_key("a"): "Because."}, today=TODAY)
    assert "a" in result.not_met
    assert not result.justified
    assert result.ignored == (justification_key("a"),)


def test_an_over_long_justification_is_not_accepted() -> None:
    definition = checklist(NUMBER, {"at_least": 1}, justify=True)
    result = evaluate(definition, {"a": 0, justification_key("a"): "word " * 301}, today=TODAY)
    assert "a" in result.not_met
    assert not result.justified
