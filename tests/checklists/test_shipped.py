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


def _newest() -> list[ChecklistDefinition]:
    library, _ = load_paths([DEFAULT_DIR])
    return library.latest_checklists()


@pytest.mark.parametrize("checklist", _newest(), ids=lambda c: f"{c.id}-v{c.version}")
def test_every_hint_and_evidence_in_the_newest_versions_has_its_easy_read(
    checklist: ChecklistDefinition,
) -> None:
    missing = [
        f"{item.id}.{key}"
        for item in checklist.items()
        for key, plain, easy in (
            ("hint_easy_read", item.hint, item.hint_easy_read),
            ("evidence_easy_read", item.evidence, item.evidence_easy_read),
        )
        if plain is not None and easy is None
    ]
    assert missing == []


# The Co-production Network for Wales's five values, by the ids the items name.
NETWORK_VALUES = {
    "value-all-participants",
    "develop-networks",
    "what-matters",
    "share-power",
    "change-makers",
}


def test_the_networks_five_values_are_shared_with_welsh_labels() -> None:
    library, _ = load_paths([DEFAULT_DIR])
    values = library.principle_set("coproduction-network-wales")
    assert {p.id for p in values.principles} == NETWORK_VALUES
    for principle in values.principles:
        # In Welsh as the network itself words it, and named as it names itself.
        assert principle.label.cy.endswith("(Rhwydwaith Cydgynhyrchu Cymru)"), principle.id
        assert principle.label.en.endswith("(Co-production Network for Wales)"), principle.id
        assert principle.label.cy != principle.label.en
    assert values.welsh_reviewed is False
    act = library.principle_set("social-services-wellbeing-act")
    assert {p.id for p in act.principles} == {
        "voice-and-control",
        "well-being",
        "co-production",
        "multi-agency-working",
        "prevention",
    }
    # Every newest shipped checklist shares them, instead of repeating its own copy.
    for checklist in library.latest_checklists():
        assert checklist.shared_principles is not None, checklist.id
        assert "coproduction-network-wales" in checklist.shared_principles
        assert {p.id for p in checklist.principles} >= NETWORK_VALUES


def test_new_versions_keep_what_their_ids_meant() -> None:
    # An id is never reused for a different meaning: every item kept from the version
    # before asks the same question (in English: the Welsh spelling may be revised) with
    # the same kind of answer, and what counted as met before is still tested.
    library, _ = load_paths([DEFAULT_DIR])
    for checklist in library.latest_checklists():
        if checklist.version == 1:
            continue
        before = library.checklist(checklist.id, checklist.version - 1)
        now = {item.id: item for item in checklist.items()}
        for old in before.items():
            if old.id not in now:
                continue
            new = now[old.id]
            assert new.question.en == old.question.en, old.id
            assert new.answer.type == old.answer.type, old.id
            old_options = {o.id for o in getattr(old.answer, "options", [])}
            assert old_options <= {o.id for o in getattr(new.answer, "options", [])}, old.id
            if old.met_when is not None:
                assert new.met_when is not None, old.id
                assert new.met_when.test == old.met_when.test, old.id


def test_the_seeds_core_practices_must_be_met() -> None:
    library, _ = load_paths([DEFAULT_DIR])
    start = library.checklist("coproduction-start")
    for item_id in (
        "choice-of-involvement",
        "extra-time",
        "slow-phases",
        "co-analysis",
        "welsh-language-impact",
        "open-to-change",
    ):
        item = start.item(item_id)
        assert item.required, item_id
        assert item.met_when is not None, item_id
    for item_id in (
        "sensory-environment",
        "predictability",
        "processing-time",
        "preferred-communication",
        "sectors-represented",
        "support-offered",
        "wellbeing-after-sharing",
        "safeguarding-contact",
        "data-and-stories-consent",
        "lived-experience-first",
        "terms-of-reference",
        "venues-and-transport",
        "ending-well",
        "taking-part-felt",
    ):
        start.item(item_id)  # KeyError if it is not asked
    assert start.item("taking-part-felt").audience == "co-producers"
    # Options for more ways to read and to take part.
    formats = {o.id for o in getattr(start.item("formats-offered").answer, "options", [])}
    assert {"makaton-symbols", "captions", "printed"} <= formats
    ways = {o.id for o in getattr(start.item("ways-to-take-part").answer, "options", [])}
    assert {"video-storytelling", "roadshows", "through-a-group", "through-an-employer"} <= ways
    sectors = {o.id for o in getattr(start.item("sectors-represented").answer, "options", [])}
    assert sectors == {
        "council",
        "third-sector",
        "private-sector",
        "interest-groups",
        "self-advocacy-groups",
    }
    # The lead answers what only the organisation knows, such as a web address.
    for checklist in library.latest_checklists():
        for item in checklist.items():
            if item.answer.type == "link":
                assert item.audience == "lead", f"{checklist.id}/{item.id}"
