"""The Easy Read writing rules (governance.easy_read): each finds what it is for, the
jargon list is whole, and the catalogue's Easy Read texts keep every rule.

The messages' Easy Read is checked in tests/notifications/test_easy_read_writing.py,
the pages' in tests/web/test_easy_read_words.py, the checklists' in
tests/checklists/test_shipped.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from governance import catalogue as c
from governance import easy_read as er
from tests.governance.test_catalogue import situations

# The catalogue's placeholders that hold a person's name.
PEOPLE = frozenset(
    {"who", "person", "to", "member", "supported_by", "lead", "by", "name", "reviewer", "chair"}
)


# --- the rules find what they are for --------------------------------------------------------


def test_a_sentence_of_more_than_15_words_is_too_long() -> None:
    fifteen = " ".join(["word"] * 15) + "."
    assert er.too_long(fifteen) == []
    assert (
        er.too_long(f"{fifteen} Short one. One two three four five six seven eight nine ten") == []
    )
    assert er.too_long("one " * 16) == ["one " * 15 + "one"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Elin Davies checked the work. They said it can go ahead.", "en"),
        ("Please ask Elin Davies if they need help.", "en"),
        ("We sent Elin Davies a message. We sent them 3 reminders.", "en"),
        ("Edrychodd Elin Davies ar y gwaith. Dywedon nhw ei fod yn gallu mynd ymlaen.", "cy"),
        ("Gofynnwch i Elin Davies a oes angen help arnyn nhw.", "cy"),
    ],
)
def test_they_for_a_named_person_is_found(text: str, language: str) -> None:
    assert er.singular_they(text, ["Elin Davies"], language)
    assert er.problems(text, language, ["Elin Davies"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Elin Davies checked the work. Elin Davies said it can go ahead.", "en"),
        # A plural of things or of a group, not the person.
        ("The papers are ready. Please read them.", "en"),
        ("Elin Davies checked the work. The reviewers said what they think.", "en"),
        ("Edrychodd Elin Davies ar y gwaith. Dywedodd Elin Davies ei fod yn barod.", "cy"),
        ("Mae'r papurau'n barod. Darllenwch nhw.", "cy"),
    ],
)
def test_the_name_again_or_a_real_plural_is_not_they(text: str, language: str) -> None:
    assert er.singular_they(text, ["Elin Davies"], language) == []


def test_jargon_is_found_without_its_gloss_and_allowed_with_it() -> None:
    assert er.jargon_without_gloss("The gate is open.", "en") == ["gate"]
    assert er.jargon_without_gloss("A gate is a check before the next step.", "en") == []
    assert er.jargon_without_gloss("Mae'r porth ar agor.", "cy") == ["gate"]
    # The gloss is found however Welsh mutates its first word ("yn wiriad").
    assert er.jargon_without_gloss("Mae porth yn wiriad cyn y cam nesaf.", "cy") == []
    assert er.jargon_without_gloss("There was no quorum.", "en") == ["quorum"]
    assert er.jargon_without_gloss("Doedd dim cworwm.", "cy") == ["quorum"]
    assert er.jargon_without_gloss("Mae'r fenter yn barod.", "cy") == ["venture"]
    # Whole words only: "gateway" or "commandment" is not the jargon.
    assert er.jargon_without_gloss("Use the gateway.", "en") == []


def test_bsl_is_named_as_a_language_first() -> None:
    assert not er.bsl_as_format("We have it in British Sign Language (BSL). BSL is here.", "en")
    assert not er.bsl_as_format("Mae ar gael yn Iaith Arwyddion Prydain (BSL).", "cy")
    assert er.bsl_as_format("You can have it in BSL.", "en")
    assert er.bsl_as_format("Formats: large print, BSL.", "en")
    assert er.bsl_as_format("Mae ar gael yn BSL.", "cy")
    assert not er.bsl_as_format("No sign language here.", "en")


# --- the jargon list -------------------------------------------------------------------------


def test_the_jargon_list_has_the_words_asked_for_each_with_a_gloss_in_both_languages() -> None:
    terms = {j.term for j in er.JARGON}
    asked = {"gate", "programme file", "command", "quorum", "ballot", "venture", "recuse"}
    assert asked <= terms
    assert len(terms) == len(er.JARGON)
    for jargon in er.JARGON:
        for language in ("en", "cy"):
            gloss = jargon.gloss(language)
            # A gloss is itself Easy Read: short, and free of every jargon word.
            assert 0 < len(gloss.split()) <= 12, (jargon.term, language)
            assert er.jargon_without_gloss(gloss, language) == [], (jargon.term, language)
        assert jargon.pattern("en").search(jargon.term), jargon.term


def test_the_welsh_glosses_are_marked_as_not_yet_reviewed() -> None:
    assert er.WELSH_REVIEWED is False


# --- the catalogue's Easy Read ---------------------------------------------------------------


def _written(entry: c.Entry) -> list[tuple[str, str, list[str], str]]:
    """(language, text, names, text without its data) for each situation in Easy Read."""
    out = []
    for params in situations(entry):
        names = [str(v) for k, v in params.items() if k in PEOPLE]
        for language in ("en", "cy"):
            text = c.say(entry.code, language, True, **params)
            # The example's data (an item id such as "venture-summary", a list of the
            # choices a person types) is not the catalogue's own words.
            bare = text
            for value in params.values():
                if isinstance(value, str) and len(value) > 2:
                    bare = bare.replace(value, "")
            out.append((language, text, names, bare))
    return out


@pytest.mark.parametrize("entry", list(c.catalogue().entries.values()), ids=lambda e: e.code)
def test_every_catalogue_easy_read_text_keeps_the_easy_read_rules(entry: c.Entry) -> None:
    found: list[Any] = []
    for language, text, names, bare in _written(entry):
        found += [(language, p) for p in er.problems(text, language, names) if "jargon" not in p]
        found += [(language, f"jargon without its gloss: {j}: {text}")
                  for j in er.jargon_without_gloss(bare, language)]  # fmt: skip
    assert found == []
