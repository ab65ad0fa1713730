"""The reasons shown to people: whole sentences in English and Welsh."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from babel import Locale

from checklists import messages as m
from checklists.messages import Reason

WELSH = Locale.parse("cy")


@pytest.mark.parametrize("n", range(201))
def test_plural_category_cy_agrees_with_cldr(n: int) -> None:
    assert m.plural_category_cy(n) == WELSH.plural_form(n)


def test_plural_category_cy_uses_every_welsh_category() -> None:
    assert {m.plural_category_cy(n) for n in range(201)} == {
        "zero",
        "one",
        "two",
        "few",
        "many",
        "other",
    }


# Every message function, with the arguments to call it with (several where the
# wording depends on a number).
CALLS: dict[str, list[tuple[object, ...]]] = {
    "not_yes_no": [()],
    "not_text": [()],
    "too_many_words": [(1, 2), (50, 51), (3, 7)],
    "too_few_words": [(2, 1), (10, 0), (1, 0)],
    "unknown_option": [("maybe",), ("",), ("x y",)],
    "not_choice_list": [()],
    "chosen_twice": [("often",), ("",)],
    "too_few_chosen": [(1,), (2,), (6,)],
    "too_many_chosen": [(1,), (3,)],
    "not_whole_number": [()],
    "number_too_small": [(0,), (1,), (-5,)],
    "number_too_large": [(0,), (10,), (100,)],
    "not_date": [()],
    "date_too_early": [("2026-01-01",)],
    "date_too_late": [("2026-12-31",)],
    "not_link": [(("https",),), (("http",),), (("https", "http"),)],
    "not_people": [()],
    "link_with_userinfo": [()],
    "too_many_characters": [(200,), (40_000,)],
    "person_twice": [("Ann",), ("ann@example.org",)],
    "too_few_people": [(n,) for n in (0, 1, 2, 3, 4, 6, 11)],
    "too_many_people": [(n,) for n in (1, 2, 3, 6, 20)],
}


def message_functions() -> dict[str, Callable[..., object]]:
    return {
        name: fn
        for name, fn in inspect.getmembers(m, inspect.isfunction)
        if fn.__module__ == m.__name__ and not name.startswith("_") and name != "plural_category_cy"
    }


def test_every_message_function_is_covered() -> None:
    assert set(message_functions()) == set(CALLS)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        pytest.param(name, args, id=f"{name}{args}")
        for name, calls in CALLS.items()
        for args in calls
    ],
)
def test_message_is_a_reason_in_both_languages(name: str, args: tuple[object, ...]) -> None:
    reason = getattr(m, name)(*args)
    assert isinstance(reason, Reason)
    assert reason.en.strip()
    assert reason.cy.strip()
    assert reason.en != reason.cy
    assert reason.text("en") == reason.en
    assert reason.text("cy") == reason.cy
    for arg in args:  # what the person gave or must give appears in both languages
        if (
            isinstance(arg, int | str)
            and str(arg).strip()
            and not (name.endswith("people") and arg == 1)
        ):
            assert str(arg) in reason.en
            assert str(arg) in reason.cy


@pytest.mark.parametrize(
    ("n", "en", "cy"),
    [
        (1, "Name at least 1 person.", "Enwch o leiaf un person."),
        (2, "Name at least 2 people.", "Enwch o leiaf 2 o bobl."),
        (3, "Name at least 3 people.", "Enwch o leiaf 3 o bobl."),
    ],
)
def test_people_count_agrees_with_the_number(n: int, en: str, cy: str) -> None:
    assert m.too_few_people(n) == Reason(en, cy)


def test_reasons_differ_by_number() -> None:
    assert m.too_many_words(3, 4) != m.too_many_words(3, 5)
    assert m.too_few_people(1) != m.too_few_people(2)
    assert m.not_link(("https",)) != m.not_link(("http",))
