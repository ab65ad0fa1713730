"""Unit tests for the pure evaluator, on small definitions built in code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checklists import messages as m
from checklists import semantics
from checklists.evaluate import Evaluation, evaluate
from checklists.messages import Reason
from checklists.spec import ChecklistDefinition

MISSING = object()  # "no answer given" in the tables below

YES_NO: dict[str, Any] = {"type": "yes-no"}
SINGLE: dict[str, Any] = {
    "type": "single-choice",
    "options": [{"id": o, "label": {"en": o, "cy": o}} for o in ("x", "y", "z")],
}
MULTI: dict[str, Any] = {
    "type": "multiple-choice",
    "options": [{"id": o, "label": {"en": o, "cy": o}} for o in ("x", "y", "z")],
}
NUMBER: dict[str, Any] = {"type": "number", "min": 0, "max": 100}
PEOPLE: dict[str, Any] = {"type": "people", "min_people": 1}
TEXT: dict[str, Any] = {"type": "text", "max_words": 10}
DATE: dict[str, Any] = {"type": "date"}
LINK: dict[str, Any] = {"type": "link"}


def item(
    item_id: str,
    answer: dict[str, Any],
    show_if: dict[str, Any] | None = None,
    level: str = "must-meet",
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item_id,
        "principle": "share-power",
        "level": level,
        "question": {"en": f"Question {item_id}?", "cy": f"Cwestiwn {item_id}?"},
        "easy_read": {"en": f"Easy {item_id}.", "cy": f"Hawdd {item_id}."},
        "answer": answer,
    }
    if show_if is not None:
        data["show_if"] = show_if
    return data


def checklist(*items: dict[str, Any], check: bool = True) -> ChecklistDefinition:
    """A checklist of the given items (in two sections when there are several).

    With `check`, the definition must also pass the loader's cross-reference rules,
    so that these tests only rely on definitions an admin could actually declare.
    """
    half = max(1, len(items) // 2)
    groups = [list(items[:half]), list(items[half:])] if len(items) > 1 else [list(items)]
    data = {
        "schema_version": 1,
        "kind": "checklist",
        "id": "test-checklist",
        "version": 1,
        "title": {"en": "Test", "cy": "Prawf"},
        "easy_read": {"en": "A test.", "cy": "Prawf."},
        "principles": [{"id": "share-power", "label": {"en": "Share power", "cy": "Rhannu"}}],
        "sections": [
            {"id": f"section-{n}", "title": {"en": "S", "cy": "A"}, "items": group}
            for n, group in enumerate(groups)
        ],
    }
    if check:
        assert semantics.check_checklist(data) == []
    return ChecklistDefinition.model_validate(data)


def answers_for(**values: Any) -> dict[str, Any]:
    return {k.replace("_", "-"): v for k, v in values.items() if v is not MISSING}


# --- conditions: every operator --------------------------------------------------------------

CONDITION_CASES: list[tuple[str, dict[str, Any], dict[str, Any], Any, bool]] = [
    # (case, answer spec of 'a', show_if of 'b' minus 'item', answer of 'a', b shown?)
    ("yes-no equals true, answered true", YES_NO, {"equals": True}, True, True),
    ("yes-no equals true, answered false", YES_NO, {"equals": True}, False, False),
    ("yes-no equals true, unanswered", YES_NO, {"equals": True}, MISSING, False),
    ("yes-no equals false, answered false", YES_NO, {"equals": False}, False, True),
    ("yes-no equals false, unanswered", YES_NO, {"equals": False}, MISSING, False),
    ("yes-no equals true, invalid answer", YES_NO, {"equals": True}, "yes", False),
    ("yes-no not_equals true, answered false", YES_NO, {"not_equals": True}, False, True),
    ("yes-no not_equals true, answered true", YES_NO, {"not_equals": True}, True, False),
    ("yes-no not_equals true, unanswered", YES_NO, {"not_equals": True}, MISSING, False),
    ("yes-no one_of [false], false", YES_NO, {"one_of": [False]}, False, True),
    ("yes-no one_of [false], true", YES_NO, {"one_of": [False]}, True, False),
    ("single equals x, x", SINGLE, {"equals": "x"}, "x", True),
    ("single equals x, y", SINGLE, {"equals": "x"}, "y", False),
    ("single equals x, unanswered", SINGLE, {"equals": "x"}, MISSING, False),
    ("single equals x, unknown option", SINGLE, {"equals": "x"}, "w", False),
    ("single not_equals x, y", SINGLE, {"not_equals": "x"}, "y", True),
    ("single not_equals x, x", SINGLE, {"not_equals": "x"}, "x", False),
    ("single not_equals x, unanswered", SINGLE, {"not_equals": "x"}, MISSING, False),
    ("single not_equals x, blank", SINGLE, {"not_equals": "x"}, "  ", False),
    ("single one_of x y, y", SINGLE, {"one_of": ["x", "y"]}, "y", True),
    ("single one_of x y, z", SINGLE, {"one_of": ["x", "y"]}, "z", False),
    ("single one_of x y, unanswered", SINGLE, {"one_of": ["x", "y"]}, MISSING, False),
    ("number equals 3, 3", NUMBER, {"equals": 3}, 3, True),
    ("number equals 3, 4", NUMBER, {"equals": 3}, 4, False),
    ("number equals 0, 0", NUMBER, {"equals": 0}, 0, True),
    ("number not_equals 3, 4", NUMBER, {"not_equals": 3}, 4, True),
    ("number not_equals 3, 3", NUMBER, {"not_equals": 3}, 3, False),
    ("number one_of 1 2, 2", NUMBER, {"one_of": [1, 2]}, 2, True),
    ("number one_of 1 2, 3", NUMBER, {"one_of": [1, 2]}, 3, False),
    ("number at_least 3, 3", NUMBER, {"at_least": 3}, 3, True),
    ("number at_least 3, 50", NUMBER, {"at_least": 3}, 50, True),
    ("number at_least 3, 2", NUMBER, {"at_least": 3}, 2, False),
    ("number at_least 3, out of bounds", NUMBER, {"at_least": 3}, 101, False),
    ("number at_least 3, unanswered", NUMBER, {"at_least": 3}, MISSING, False),
    ("number at_most 3, 3", NUMBER, {"at_most": 3}, 3, True),
    ("number at_most 3, 0", NUMBER, {"at_most": 3}, 0, True),
    ("number at_most 3, 4", NUMBER, {"at_most": 3}, 4, False),
    ("number at_most 3, unanswered is not 0", NUMBER, {"at_most": 3}, MISSING, False),
    ("number at_most 3, float", NUMBER, {"at_most": 3}, 1.5, False),
    ("multi includes x, [x y]", MULTI, {"includes": "x"}, ["x", "y"], True),
    ("multi includes x, [y]", MULTI, {"includes": "x"}, ["y"], False),
    ("multi includes x, []", MULTI, {"includes": "x"}, [], False),
    ("multi includes x, unanswered", MULTI, {"includes": "x"}, MISSING, False),
    ("multi includes x, invalid [x x]", MULTI, {"includes": "x"}, ["x", "x"], False),
    ("multi at_least 2, [x y]", MULTI, {"at_least": 2}, ["x", "y"], True),
    ("multi at_least 2, [x]", MULTI, {"at_least": 2}, ["x"], False),
    ("multi at_most 1, [z]", MULTI, {"at_most": 1}, ["z"], True),
    ("multi at_most 1, [x y]", MULTI, {"at_most": 1}, ["x", "y"], False),
    ("multi at_most 1, unanswered", MULTI, {"at_most": 1}, MISSING, False),
    ("people at_least 2, two", PEOPLE, {"at_least": 2}, ["Ann", "Bob"], True),
    ("people at_least 2, one", PEOPLE, {"at_least": 2}, ["Ann"], False),
    ("people at_most 1, one", PEOPLE, {"at_most": 1}, ["Ann"], True),
    ("people at_most 1, two", PEOPLE, {"at_most": 1}, ["Ann", "Bob"], False),
    ("people at_most 1, unanswered", PEOPLE, {"at_most": 1}, MISSING, False),
    ("text answered true, text", TEXT, {"answered": True}, "We met.", True),
    ("text answered true, blank", TEXT, {"answered": True}, "   ", False),
    ("text answered true, unanswered", TEXT, {"answered": True}, MISSING, False),
    ("text answered true, invalid", TEXT, {"answered": True}, 42, False),
    ("text answered false, unanswered", TEXT, {"answered": False}, MISSING, True),
    ("text answered false, blank", TEXT, {"answered": False}, "\n\t", True),
    ("text answered false, invalid", TEXT, {"answered": False}, ["x"], True),
    ("text answered false, text", TEXT, {"answered": False}, "We met.", False),
    ("yes-no answered true, false", YES_NO, {"answered": True}, False, True),
    ("yes-no answered false, false", YES_NO, {"answered": False}, False, False),
    ("date answered true, date", DATE, {"answered": True}, "2026-03-31", True),
    ("date answered false, None", DATE, {"answered": False}, None, True),
    ("link answered true, link", LINK, {"answered": True}, "https://example.org", True),
    ("link answered true, bad link", LINK, {"answered": True}, "example.org", False),
    ("people answered true, []", PEOPLE, {"answered": True}, [], False),
    ("multi answered false, []", MULTI, {"answered": False}, [], True),
]


@pytest.mark.parametrize(
    ("spec", "test", "value", "shown"),
    [pytest.param(*case[1:], id=case[0]) for case in CONDITION_CASES],
)
def test_condition_operator(
    spec: dict[str, Any], test: dict[str, Any], value: Any, shown: bool
) -> None:
    definition = checklist(item("a", spec), item("b", YES_NO, {"item": "a", **test}))
    result = evaluate(definition, answers_for(a=value, b=True))
    assert ("b" in result.shown) is shown
    assert ("b" in result.hidden) is not shown
    assert ("b" in result.answered) is shown
    assert ("b" in result.ignored) is not shown
    assert "a" in result.shown  # the item tested is itself always shown here


YN = {"type": "yes-no"}

COMBINATOR_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # (case, show_if of 'c' over yes-no 'a' and number 'n', answers, c shown?)
    (
        "all: both hold",
        {"all": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": True, "n": 2},
        True,
    ),
    (
        "all: one fails",
        {"all": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": True, "n": 1},
        False,
    ),
    (
        "all: one unanswered",
        {"all": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": True},
        False,
    ),
    (
        "any: first holds",
        {"any": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": True, "n": 0},
        True,
    ),
    (
        "any: second holds",
        {"any": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": False, "n": 5},
        True,
    ),
    (
        "any: none holds",
        {"any": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {"a": False, "n": 1},
        False,
    ),
    (
        "any: all unanswered",
        {"any": [{"item": "a", "equals": True}, {"item": "n", "at_least": 2}]},
        {},
        False,
    ),
    ("not: inner false", {"not": {"item": "a", "equals": True}}, {"a": False}, True),
    ("not: inner true", {"not": {"item": "a", "equals": True}}, {"a": True}, False),
    ("not: inner on unanswered item", {"not": {"item": "a", "equals": True}}, {}, True),
    ("not: inner on invalid answer", {"not": {"item": "a", "equals": True}}, {"a": 1}, True),
    ("not not", {"not": {"not": {"item": "a", "equals": True}}}, {"a": True}, True),
    (
        "not any: none holds",
        {"not": {"any": [{"item": "a", "equals": True}, {"item": "n", "at_most": 0}]}},
        {"a": False, "n": 3},
        True,
    ),
    (
        "not any: one holds",
        {"not": {"any": [{"item": "a", "equals": True}, {"item": "n", "at_most": 0}]}},
        {"a": False, "n": 0},
        False,
    ),
    (
        "all of any and not",
        {
            "all": [
                {"any": [{"item": "a", "equals": True}, {"item": "n", "equals": 7}]},
                {"not": {"item": "n", "at_least": 10}},
            ]
        },
        {"a": False, "n": 7},
        True,
    ),
    (
        "all of any and not: not fails",
        {
            "all": [
                {"any": [{"item": "a", "equals": True}, {"item": "n", "equals": 7}]},
                {"not": {"item": "n", "at_least": 10}},
            ]
        },
        {"a": True, "n": 12},
        False,
    ),
]


@pytest.mark.parametrize(
    ("show_if", "answers", "shown"),
    [pytest.param(*case[1:], id=case[0]) for case in COMBINATOR_CASES],
)
def test_condition_combinator(
    show_if: dict[str, Any], answers: dict[str, Any], shown: bool
) -> None:
    definition = checklist(item("a", YES_NO), item("n", NUMBER), item("c", TEXT, show_if))
    result = evaluate(definition, {**answers, "c": "An answer"})
    assert ("c" in result.shown) is shown
    assert ("c" in result.hidden) is not shown
    assert ("c" in result.answered) is shown


def test_yes_no_true_does_not_equal_the_number_one() -> None:
    # The loader refuses `equals: 1` on a yes-no item; the evaluator must still not
    # treat True as 1 (Python's True == 1) should such a definition be built in code.
    definition = checklist(
        item("a", YES_NO),
        item("eq", YES_NO, {"item": "a", "equals": 1}),
        item("ne", YES_NO, {"item": "a", "not_equals": 1}),
        item("in", YES_NO, {"item": "a", "one_of": [1, 0]}),
        item("n", NUMBER),
        item("n-eq-true", YES_NO, {"item": "n", "equals": True}),
        item("n-eq-one", YES_NO, {"item": "n", "equals": 1}),
        check=False,
    )
    result = evaluate(definition, {"a": True, "n": 1})
    assert "eq" in result.hidden
    assert "ne" in result.shown
    assert "in" in result.hidden
    assert "n-eq-true" in result.hidden
    assert "n-eq-one" in result.shown
    result = evaluate(definition, {"a": False, "n": 1})
    assert "in" in result.hidden  # False is not 0 either


# --- chains, hidden items and ignored answers ------------------------------------------------


def chain() -> ChecklistDefinition:
    return checklist(
        item("a", YES_NO),
        item("b", YES_NO, {"item": "a", "equals": True}),
        item("c", TEXT, {"item": "b", "equals": True}),
        item("d", TEXT, {"item": "b", "answered": False}, level="should-meet"),
    )


def test_chain_hidden_item_answer_is_ignored_downstream() -> None:
    result = evaluate(chain(), {"a": False, "b": True, "c": "Some words", "d": "More"})
    assert result.shown == ("a", "d")
    assert result.hidden == ("b", "c")
    # b's answer does not count, so c (which needs b = true) is hidden too,
    # and d (which needs b unanswered) is shown.
    assert set(result.ignored) == {"b", "c"}
    assert result.answered == ("a", "d")
    assert result.complete


def test_chain_all_shown_when_a_is_true() -> None:
    result = evaluate(chain(), {"a": True, "b": True})
    assert result.shown == ("a", "b", "c")
    assert result.hidden == ("d",)
    assert result.missing_required == ("c",)
    assert not result.complete


def test_chain_with_a_unanswered() -> None:
    result = evaluate(chain(), {"b": True, "c": "words"})
    assert result.shown == ("a", "d")
    assert result.missing_required == ("a",)
    assert result.missing_advisory == ("d",)
    assert set(result.ignored) == {"b", "c"}


def test_condition_on_invalid_upstream_answer_sees_no_answer() -> None:
    result = evaluate(chain(), {"a": True, "b": "yes", "c": "words"})
    assert result.invalid == {"b": m.not_yes_no()}
    assert "c" in result.hidden
    assert "d" in result.shown
    assert result.ignored == ("c",)


def test_answers_to_unknown_items_are_ignored_never_errors() -> None:
    definition = checklist(item("a", YES_NO))
    result = evaluate(definition, {"a": True, "zz-unknown": 3, "Not An Id": [1, {"x": None}]})
    assert set(result.ignored) == {"zz-unknown", "Not An Id"}
    assert result.invalid == {}
    assert result.complete
    assert result.shown == ("a",)


def test_blank_answers_to_hidden_or_unknown_items_are_not_listed_as_ignored() -> None:
    result = evaluate(chain(), {"a": False, "b": None, "c": "   ", "other": []})
    assert result.ignored == ()


def test_hidden_must_meet_item_is_never_required() -> None:
    definition = checklist(
        item("a", YES_NO),
        item("b", TEXT, {"item": "a", "equals": True}),
        item("c", NUMBER, {"not": {"item": "a", "answered": True}}),
    )
    result = evaluate(definition, {"a": False, "b": 17})
    assert result.hidden == ("b", "c")
    assert result.missing_required == ()
    assert result.invalid == {}  # b's invalid answer is not checked: b is hidden
    assert result.ignored == ("b",)
    assert result.complete


def test_missing_must_meet_and_should_meet_are_listed_apart() -> None:
    definition = checklist(
        item("must-1", YES_NO),
        item("should-1", YES_NO, level="should-meet"),
        item("must-2", TEXT),
        item("should-2", TEXT, level="should-meet"),
        item("must-3", NUMBER),
    )
    result = evaluate(definition, {"must-3": 5, "should-2": 5})
    assert result.missing_required == ("must-1", "must-2")
    assert result.missing_advisory == ("should-1", "should-2")
    assert result.missing == ("must-1", "must-2", "should-1", "should-2")
    assert result.invalid == {"should-2": m.not_text()}
    assert result.answered == ("must-3",)
    assert not result.complete


# --- answer checks ------------------------------------------------------------------------

TEXT_2_TO_3 = {"type": "text", "max_words": 3, "min_words": 2}
SINGLE_XYZ = SINGLE
MULTI_2 = {**MULTI, "min_selected": 2, "max_selected": 2}
NUMBER_1_10 = {"type": "number", "min": 1, "max": 10}
DATE_2026 = {"type": "date", "earliest": "2026-01-01", "latest": "2026-12-31"}
PEOPLE_2_3 = {"type": "people", "min_people": 2, "max_people": 3}

INVALID_CASES: list[tuple[str, dict[str, Any], Any, Reason]] = [
    ("yes-no string", YES_NO, "yes", m.not_yes_no()),
    ("yes-no string true", YES_NO, "true", m.not_yes_no()),
    ("yes-no 1", YES_NO, 1, m.not_yes_no()),
    ("yes-no 0", YES_NO, 0, m.not_yes_no()),
    ("yes-no list", YES_NO, [True], m.not_yes_no()),
    ("yes-no dict", YES_NO, {"a": 1}, m.not_yes_no()),
    ("text over max_words", TEXT_2_TO_3, "one two three four", m.too_many_words(3, 4)),
    ("text over max_words, any spacing", TEXT_2_TO_3, "a\nb\tc  d e", m.too_many_words(3, 5)),
    # One "word" of 131,000 characters is one word: the characters are bounded too.
    ("text one enormous word", TEXT, "x" * 131_000, m.too_many_characters(200)),
    ("text just over it", TEXT, "x" * 201, m.too_many_characters(200)),
    ("text under min_words", TEXT_2_TO_3, "  one  ", m.too_few_words(2, 1)),
    ("text number", TEXT_2_TO_3, 42, m.not_text()),
    ("text list", TEXT_2_TO_3, ["one", "two"], m.not_text()),
    ("single unknown option", SINGLE_XYZ, "w", m.unknown_option("w")),
    ("single option with wrong case", SINGLE_XYZ, "X", m.unknown_option("X")),
    ("single number", SINGLE_XYZ, 1, m.not_choice_list()),
    ("single list", SINGLE_XYZ, ["x"], m.not_choice_list()),
    ("multi unknown option", MULTI_2, ["x", "w"], m.unknown_option("w")),
    ("multi duplicate", MULTI_2, ["x", "x"], m.chosen_twice("x")),
    ("multi too few", MULTI_2, ["x"], m.too_few_chosen(2)),
    ("multi too many", MULTI_2, ["x", "y", "z"], m.too_many_chosen(2)),
    ("multi a string", MULTI_2, "x", m.not_choice_list()),
    ("multi non-string member", MULTI_2, ["x", 1], m.not_choice_list()),
    ("number true", NUMBER_1_10, True, m.not_whole_number()),
    ("number false", NUMBER_1_10, False, m.not_whole_number()),
    ("number float", NUMBER_1_10, 2.5, m.not_whole_number()),
    ("number whole float", NUMBER_1_10, 2.0, m.not_whole_number()),
    ("number string", NUMBER_1_10, "3", m.not_whole_number()),
    ("number below min", NUMBER_1_10, 0, m.number_too_small(1)),
    ("number above max", NUMBER_1_10, 11, m.number_too_large(10)),
    ("date bad string", DATE_2026, "31/03/2026", m.not_date()),
    ("date impossible day", DATE_2026, "2026-02-30", m.not_date()),
    ("date word", DATE_2026, "tomorrow", m.not_date()),
    ("date datetime", DATE_2026, dt.datetime(2026, 3, 1, 12, 0), m.not_date()),
    ("date datetime string", DATE_2026, "2026-03-01T12:00:00", m.not_date()),
    ("date number", DATE_2026, 20260301, m.not_date()),
    ("date before earliest", DATE_2026, "2025-12-31", m.date_too_early("2026-01-01")),
    ("date after latest", DATE_2026, dt.date(2027, 1, 1), m.date_too_late("2026-12-31")),
    ("link http not allowed", LINK, "http://example.org", m.not_link(("https",))),
    ("link no scheme", LINK, "example.org/page", m.not_link(("https",))),
    ("link with spaces", LINK, "https://example.org/my page", m.not_link(("https",))),
    ("link space in host", LINK, "https://exa mple.org", m.not_link(("https",))),
    ("link no host", LINK, "https://", m.not_link(("https",))),
    ("link no host, path", LINK, "https:///evidence", m.not_link(("https",))),
    ("link with a name", LINK, "https://council.example@evil.example/", m.link_with_userinfo()),
    ("link with a password", LINK, "https://a:b@example.org/x", m.link_with_userinfo()),
    ("link with an empty name", LINK, "https://@example.org/x", m.link_with_userinfo()),
    ("link broken ipv6", LINK, "https://[::1/x", m.not_link(("https",))),
    ("link not text", LINK, 12, m.not_link(("https",))),
    (
        "link ftp with two schemes",
        {"type": "link", "schemes": ["https", "http"]},
        "ftp://example.org",
        m.not_link(("https", "http")),
    ),
    ("people duplicate", PEOPLE_2_3, ["Ann", "Bob", "Ann"], m.person_twice("Ann")),
    (
        "people duplicate, other case",
        PEOPLE_2_3,
        ["Ann Jones", "ann jones"],
        m.person_twice("ann jones"),
    ),
    (
        "people duplicate, spaces",
        PEOPLE_2_3,
        ["bob@example.org", " BOB@example.org "],
        m.person_twice("BOB@example.org"),
    ),
    ("people too few", PEOPLE_2_3, ["Ann"], m.too_few_people(2)),
    ("people too many", PEOPLE_2_3, ["A", "B", "C", "D"], m.too_many_people(3)),
    ("people blank name", PEOPLE_2_3, ["Ann", "  "], m.not_people()),
    ("people a string", PEOPLE_2_3, "Ann, Bob", m.not_people()),
    ("people non-string", PEOPLE_2_3, ["Ann", 3], m.not_people()),
]


@pytest.mark.parametrize(
    ("spec", "value", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in INVALID_CASES],
)
@pytest.mark.parametrize("level", ["must-meet", "should-meet"])
def test_invalid_answer(spec: dict[str, Any], value: Any, reason: Reason, level: str) -> None:
    definition = checklist(item("a", spec, level=level), item("other", YES_NO, level=level))
    result = evaluate(definition, {"a": value, "other": True})
    assert result.invalid == {"a": reason}
    assert result.invalid["a"].en.strip()
    assert result.invalid["a"].cy.strip()
    assert result.invalid["a"].en != result.invalid["a"].cy
    assert result.answered == ("other",)
    assert result.shown == ("a", "other")
    if level == "must-meet":
        assert result.missing_required == ("a",)
        assert result.missing_advisory == ()
    else:
        assert result.missing_required == ()
        assert result.missing_advisory == ("a",)
    assert not result.complete  # an invalid answer blocks completion even when advisory
    assert result.ignored == ()


VALID_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("yes-no true", YES_NO, True),
    ("yes-no false", YES_NO, False),
    ("text exactly max", TEXT_2_TO_3, "one two three"),
    ("text exactly min", TEXT_2_TO_3, " one\ntwo "),
    ("text at the character bound", TEXT, "x" * 200),
    ("text no minimum", {"type": "text", "max_words": 1}, "Yes"),
    ("single", SINGLE_XYZ, "z"),
    ("multi exactly 2", MULTI_2, ["z", "x"]),
    ("multi tuple", MULTI_2, ("x", "y")),
    ("multi default bounds, one", MULTI, ["y"]),
    ("multi default bounds, all", MULTI, ["x", "y", "z"]),
    ("number at min", NUMBER_1_10, 1),
    ("number at max", NUMBER_1_10, 10),
    ("number unbounded negative", {"type": "number"}, -3),
    ("number zero", {"type": "number"}, 0),
    ("date string", DATE_2026, "2026-03-31"),
    ("date at earliest", DATE_2026, "2026-01-01"),
    ("date object at latest", DATE_2026, dt.date(2026, 12, 31)),
    ("link https", LINK, "https://example.org/evidence?id=3"),
    ("link surrounding spaces", LINK, "  https://example.org  "),
    ("link http allowed", {"type": "link", "schemes": ["http"]}, "http://intranet.local/x"),
    ("people exactly min", PEOPLE_2_3, ["Ann", "ann@example.org"]),
    ("people exactly max", PEOPLE_2_3, ["Ann", "Bob", "Cai"]),
    ("people no minimum", {"type": "people", "min_people": 0}, ["Ann"]),
]


@pytest.mark.parametrize(
    ("spec", "value"), [pytest.param(*case[1:], id=case[0]) for case in VALID_CASES]
)
def test_valid_answer(spec: dict[str, Any], value: Any) -> None:
    definition = checklist(item("a", spec))
    result = evaluate(definition, {"a": value})
    assert result.invalid == {}
    assert result.answered == ("a",)
    assert result.missing == ()
    assert result.complete


BLANK_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("text empty", TEXT, ""),
    ("text spaces", TEXT, "   "),
    ("text whitespace mix", {**TEXT, "min_words": 2}, " \n\t "),
    ("text None", TEXT, None),
    ("multi empty list", MULTI, []),
    ("multi empty list, min 0", {**MULTI, "min_selected": 0}, []),
    ("people empty list", PEOPLE_2_3, []),
    ("people empty tuple", PEOPLE_2_3, ()),
    ("single blank", SINGLE, " "),
    ("link blank", LINK, "  "),
    ("date blank", DATE, ""),
    ("yes-no None", YES_NO, None),
    ("number None", NUMBER, None),
]


@pytest.mark.parametrize(
    ("spec", "value"), [pytest.param(*case[1:], id=case[0]) for case in BLANK_CASES]
)
def test_blank_answer_counts_as_unanswered(spec: dict[str, Any], value: Any) -> None:
    definition = checklist(item("a", spec), item("b", TEXT, level="should-meet"))
    result = evaluate(definition, {"a": value, "b": value})
    assert result.invalid == {}
    assert result.answered == ()
    assert result.missing_required == ("a",)
    assert result.missing_advisory == ("b",)
    assert not result.complete


# --- complete ---------------------------------------------------------------------------------


def completeness() -> ChecklistDefinition:
    return checklist(
        item("must", YES_NO),
        item("should", NUMBER, level="should-meet"),
        item("extra", TEXT, {"item": "must", "equals": True}),
    )


COMPLETE_CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("nothing answered", {}, False),
    ("must answered, shows nothing else", {"must": False}, True),
    ("must answered, shows a missing must-meet", {"must": True}, False),
    ("everything answered", {"must": True, "should": 3, "extra": "Words here"}, True),
    ("should-meet missing only", {"must": True, "extra": "Words"}, True),
    ("should-meet invalid", {"must": False, "should": "three"}, False),
    ("must-meet invalid", {"must": "no"}, False),
    ("hidden item invalid", {"must": False, "extra": 12}, True),
    ("unknown item junk", {"must": False, "nope": object()}, True),
]


@pytest.mark.parametrize(
    ("answers", "complete"), [pytest.param(*case[1:], id=case[0]) for case in COMPLETE_CASES]
)
def test_complete_iff_no_missing_must_meet_and_no_invalid(
    answers: dict[str, Any], complete: bool
) -> None:
    result = evaluate(completeness(), answers)
    assert result.complete is complete
    assert result.complete == (not result.missing_required and not result.invalid)


# --- order ------------------------------------------------------------------------------------


def test_results_in_document_order_when_a_condition_refers_to_a_later_item() -> None:
    definition = checklist(
        item("first", TEXT, {"item": "last", "answered": False}),
        item("second", YES_NO, {"item": "third", "equals": True}),
        item("middle", NUMBER),
        item("third", YES_NO),
        item("should", YES_NO, {"item": "last", "answered": False}, level="should-meet"),
        item("last", NUMBER, level="should-meet"),
    )
    result = evaluate(definition, {"first": 3, "middle": "x", "last": "y", "third": True})
    assert result.shown == ("first", "second", "middle", "third", "should", "last")
    assert result.hidden == ()
    assert result.answered == ("third",)
    assert result.missing_required == ("first", "second", "middle")
    assert result.missing_advisory == ("should", "last")
    assert list(result.invalid) == ["first", "middle", "last"]

    result = evaluate(definition, {"first": "Words", "last": 4, "third": False, "second": 1})
    assert result.shown == ("middle", "third", "last")
    assert result.hidden == ("first", "second", "should")
    assert result.answered == ("third", "last")
    assert set(result.ignored) == {"first", "second"}


def test_order_of_items_follows_sections() -> None:
    definition = checklist(
        item("zeta", YES_NO), item("alpha", YES_NO), item("mid", YES_NO), item("beta", YES_NO)
    )
    result = evaluate(definition, {})
    assert result.shown == ("zeta", "alpha", "mid", "beta")
    assert result.missing_required == ("zeta", "alpha", "mid", "beta")


def test_evaluation_is_a_plain_value() -> None:
    definition = chain()
    first = evaluate(definition, {"a": True, "b": "x"})
    again = evaluate(definition, {"a": True, "b": "x"})
    assert isinstance(first, Evaluation)
    assert first == again
    assert first != evaluate(definition, {"a": True, "b": True})


def test_a_size_test_on_a_text_item_built_in_code_hides_instead_of_crashing() -> None:
    from checklists.spec import ChecklistDefinition

    definition = ChecklistDefinition.model_validate(
        {
            "schema_version": 1,
            "kind": "checklist",
            "id": "code-built",
            "version": 1,
            "title": {"en": "T", "cy": "T"},
            "easy_read": {"en": "T", "cy": "T"},
            "principles": [{"id": "p", "label": {"en": "P", "cy": "P"}}],
            "sections": [
                {
                    "id": "s",
                    "title": {"en": "S", "cy": "S"},
                    "items": [
                        {
                            "id": "words",
                            "principle": "p",
                            "level": "should-meet",
                            "question": {"en": "Q", "cy": "C"},
                            "easy_read": {"en": "Q", "cy": "C"},
                            "answer": {"type": "text", "max_words": 5},
                        },
                        {
                            "id": "follow-up",
                            "principle": "p",
                            "level": "must-meet",
                            "question": {"en": "Q", "cy": "C"},
                            "easy_read": {"en": "Q", "cy": "C"},
                            "answer": {"type": "yes-no"},
                            "show_if": {"item": "words", "at_least": 2},
                        },
                    ],
                }
            ],
        }
    )
    result = evaluate(definition, {"words": "hello"})
    assert result.hidden == ("follow-up",)
    assert result.complete
