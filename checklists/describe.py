"""Plain descriptions of definitions for people and scripts (no I/O)."""

from __future__ import annotations

from typing import Any

from checklists.spec import (
    ChecklistDefinition,
    Condition,
    DateAnswer,
    Item,
    MultipleChoiceAnswer,
    NumberAnswer,
    PeopleAnswer,
    SingleChoiceAnswer,
    Text,
    TextAnswer,
)

_SYMBOLS = {
    "equals": "=",
    "not_equals": "≠",
    "includes": "includes",
    "at_least": "≥",
    "at_most": "≤",
    "one_of": "in",
}
# The words of a condition and of what counts as met, for people reading Welsh
# (`cyd checklist show --lang cy`); the English ones are the defaults in the code.
# Not yet reviewed by a Welsh speaker, as all of Cyd's Welsh.
_CY = {
    "and": "a",
    "or": "neu",
    "not": "nid",
    "answered": "wedi'i ateb",
    "not answered": "heb ei ateb",
    "includes": "yn cynnwys",
    "in": "yn un o",
    "true": "ie",
    "false": "na",
    "words": "gair",
    "today": "heddiw",
    "days": "diwrnod",
}


def _w(word: str, lang: str) -> str:
    return _CY[word] if lang == "cy" else word


def condition_text(cond: Condition, lang: str = "en") -> str:
    """A compact rendering, e.g. `paid = true and count ≥ 3` (Welsh: `paid = ie a count
    ≥ 3`); the item ids and option ids stay as written, they are what a person types."""
    op = cond.operator
    if op in ("all", "any"):
        parts = [condition_text(c, lang) for c in (cond.all if op == "all" else cond.any) or []]
        joiner = f" {_w('and' if op == 'all' else 'or', lang)} "
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    if op == "not":
        assert cond.not_ is not None
        return f"{_w('not', lang)} {condition_text(cond.not_, lang)}"
    name = cond.key  # an earlier gate's item: 'gate/checklist/item'
    if op == "answered":
        return f"{name} {_w('answered' if cond.answered else 'not answered', lang)}"
    value = getattr(cond, op)
    if op == "one_of":
        shown = "[" + ", ".join(_literal(v, lang) for v in value) + "]"
    else:
        shown = _literal(value, lang)
    symbol = _SYMBOLS[op]
    return f"{name} {_w(symbol, lang) if symbol in ('includes', 'in') else symbol} {shown}"


def _literal(value: object, lang: str = "en") -> str:
    if isinstance(value, bool):
        return _w("true" if value else "false", lang)
    return str(value)


def met_text(item: Item, lang: str = "en") -> str | None:
    """What counts as met, compactly, e.g. `≥ 1`, `includes [easy-read, welsh]`,
    `≤ today` (in Welsh with `lang="cy"`); None for an item without `met_when`."""
    met = item.met_when
    if met is None:
        return None
    test = met.test
    if test == "at_least":
        return f"≥ {met.at_least}"
    if test == "one_of":
        return f"{_w('in', lang)} [" + ", ".join(_literal(v, lang) for v in met.one_of or []) + "]"
    if test == "equals":
        return f"= {_literal(met.equals, lang)}"
    if test == "includes":
        return f"{_w('includes', lang)} [" + ", ".join(met.includes or []) + "]"
    if test == "min_words":
        return f"≥ {met.min_words} {_w('words', lang)}"
    today = _w("today", lang)
    if test == "within_days":
        return f"{today} - {met.within_days} {_w('days', lang)} … {today}"
    return f"≤ {today}"


def met_json(item: Item) -> dict[str, Any] | None:
    met = item.met_when
    if met is None:
        return None
    return {
        "test": met.test,
        "value": met.model_dump(mode="json")[met.test],
        "text": met_text(item),
        "reason": _text(met.reason),
        "easy_read": _text(met.easy_read),
        "justification": _text(met.justification),
        "justification_easy_read": _text(met.justification_easy_read),
    }


def bounds(item: Item) -> dict[str, Any]:
    spec = item.answer
    if isinstance(spec, TextAnswer):
        return {"min_words": spec.min_words, "max_words": spec.max_words}
    if isinstance(spec, NumberAnswer):
        return {"min": spec.min, "max": spec.max}
    if isinstance(spec, DateAnswer):
        fixed = {
            "earliest": spec.earliest.isoformat() if spec.earliest else None,
            "latest": spec.latest.isoformat() if spec.latest else None,
        }
        relative = {
            "not_in_future": spec.not_in_future,
            "within_days": spec.within_days,
            "within_days_ahead": spec.within_days_ahead,
        }
        return fixed | {k: v for k, v in relative.items() if v is not None}
    if isinstance(spec, MultipleChoiceAnswer):
        return {"min_selected": spec.min_selected, "max_selected": spec.max_selected}
    if isinstance(spec, PeopleAnswer):
        return {"min_people": spec.min_people, "max_people": spec.max_people}
    return {}


def options(item: Item) -> list[dict[str, Any]]:
    spec = item.answer
    if not isinstance(spec, SingleChoiceAnswer | MultipleChoiceAnswer):
        return []
    return [
        {
            "id": o.id,
            "label": _text(o.label),
            "easy_read": _text(o.easy_read or o.label),
        }
        for o in spec.options
    ]


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "cy": text.cy}


def pick(text: Text, lang: str) -> str:
    return text.cy if lang == "cy" else text.en


def checklist_json(definition: ChecklistDefinition) -> dict[str, Any]:
    """Everything a script needs to build a form for this checklist."""
    items = []
    for section in definition.sections:
        for item in section.items:
            items.append(
                {
                    "id": item.id,
                    "section": section.id,
                    "principle": item.principle,
                    "type": item.answer.type,
                    "required": item.required,
                    "level": item.level,
                    "audience": item.audience,
                    "question": _text(item.question),
                    "easy_read": _text(item.easy_read),
                    "hint": _text(item.hint),
                    "hint_easy_read": _text(item.hint_easy_read),
                    "evidence": _text(item.evidence),
                    "evidence_easy_read": _text(item.evidence_easy_read),
                    "options": options(item),
                    "bounds": bounds(item),
                    "condition": (
                        item.show_if.model_dump(by_alias=True, exclude_none=True, mode="json")
                        if item.show_if
                        else None
                    ),
                    "condition_text": condition_text(item.show_if) if item.show_if else None,
                    "met_when": met_json(item),
                }
            )
    return {
        "id": definition.id,
        "version": definition.version,
        "title": _text(definition.title),
        "easy_read": _text(definition.easy_read),
        "welsh_reviewed": definition.welsh_reviewed,
        # Every principle, the shared sets' included (a loaded checklist carries them).
        "principles": [{"id": p.id, "label": _text(p.label)} for p in definition.principles],
        "shared_principles": list(definition.shared_principles or []),
        "sections": [
            {"id": s.id, "title": _text(s.title), "items": [i.id for i in s.items]}
            for s in definition.sections
        ],
        "items": items,
    }
