"""The shipped checklists and gates: every one validates, and its Easy Read texts stay
within 15 words a sentence (a rule of Easy Read: one idea a sentence) and keep the
other Easy Read writing rules (governance.easy_read)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from checklists.loader import DEFAULT_DIR, load_paths
from checklists.spec import ChecklistDefinition, GateDefinition, Text
from governance import easy_read
from governance.conditions import conditions_checklist

MOST_WORDS = 15
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _easy_texts(
    definition: ChecklistDefinition | GateDefinition,
) -> Iterator[tuple[str, Text]]:
    yield "easy_read", definition.easy_read
    if isinstance(definition, GateDefinition):
        return
    for section in definition.sections:
        if section.easy_read is not None:
            yield f"{section.id}.easy_read", section.easy_read
        for item in section.items:
            yield f"{item.id}.easy_read", item.easy_read
            if item.hint_easy_read is not None:
                yield f"{item.id}.hint_easy_read", item.hint_easy_read
            if item.evidence_easy_read is not None:
                yield f"{item.id}.evidence_easy_read", item.evidence_easy_read
            for option in getattr(item.answer, "options", []):
                if option.easy_read is not None:
                    yield f"{item.id}.{option.id}.easy_read", option.easy_read
            met = item.met_when
            if met is not None:
                yield f"{item.id}.met_when.easy_read", met.easy_read
                if met.justification_easy_read is not None:
                    yield f"{item.id}.met_when.justification_easy_read", met.justification_easy_read


def test_every_shipped_definition_validates() -> None:
    library, problems = load_paths([DEFAULT_DIR])
    assert problems == []
    assert library.checklists
    assert library.gates


def _shipped() -> list[ChecklistDefinition | GateDefinition]:
    library, _ = load_paths([DEFAULT_DIR])
    return [*library.checklists.values(), *library.gates.values()]


@pytest.mark.parametrize("definition", _shipped(), ids=lambda d: f"{d.kind}-{d.id}-v{d.version}")
def test_easy_read_sentences_are_at_most_15_words(
    definition: ChecklistDefinition | GateDefinition,
) -> None:
    assert _too_long(_easy_texts(definition)) == []


@pytest.mark.parametrize("definition", _shipped(), ids=lambda d: f"{d.kind}-{d.id}-v{d.version}")
def test_easy_read_keeps_every_writing_rule(
    definition: ChecklistDefinition | GateDefinition,
) -> None:
    """No jargon without its gloss (a gate's Easy Read says what a gate is), no BSL
    without its name (governance.easy_read). The definitions name nobody, so "they"
    for a named person cannot happen here."""
    found = [
        f"{where} ({language}): {problem}"
        for where, text in _easy_texts(definition)
        for language in ("en", "cy")
        for problem in easy_read.problems(getattr(text, language), language)
    ]
    assert found == []


def _too_long(texts: Iterator[tuple[str, Text]]) -> list[str]:
    long = []
    for where, text in texts:
        for language in ("en", "cy"):
            for sentence in _SENTENCE_END.split(getattr(text, language)):
                words = sentence.split()
                if len(words) > MOST_WORDS:
                    long.append(f"{where} ({language}, {len(words)} words): {sentence}")
    return long


def test_the_board_conditions_easy_read_hint_and_evidence_are_short() -> None:
    # The checklist an approval with conditions makes (governance.conditions); its
    # question quotes the Board's own words, so only its fixed Easy Read texts count.
    made = conditions_checklist(["Pay people for their time from the first day."], "design")
    assert made is not None
    texts = [
        (w, t) for w, t in _easy_texts(made) if w.endswith(("hint_easy_read", "evidence_easy_read"))
    ]
    assert [w for w, _ in texts] == ["condition-1.hint_easy_read", "condition-1.evidence_easy_read"]
    assert _too_long(iter(texts)) == []
