"""A checklist item's answer as a form field: what the inputs show, what a posted form
means, and an answer in words.

Each answer type has the GOV.UK input that suits it:

    yes-no            radios, "yes" / "no"                    -> True / False
    text              a textarea counting words (max_words)   -> the text as typed
    single-choice     radios, one option id                   -> the option id
    multiple-choice   checkboxes, option ids                  -> the list of ids
    number            a numeric text input                    -> the text (the service reads it)
    date              day, month and year inputs              -> "YYYY-MM-DD"
    link              a text input for a web address          -> the address
    people            a textarea, one person a line           -> the list of lines

The services judge every value (`answer_many`): the pages only turn inputs into
values. Two things are the form's own, said before anything is saved: a field longer
than it could ever need to be (refused whole, so a page never passes megabytes on)
and a day, month and year that make no date.

A field left empty is not sent, unless the item has an answer: then emptying it is a
change, judged like any other (a text may be emptied; a number cannot).

An item's justification (why it cannot be met yet: `checklists.evaluate.
justification_item`) is a text field like any other, named `justification-<item id>`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData

from checklists.evaluate import JUSTIFICATION_SUFFIX
from checklists.spec import (
    Item,
    MultipleChoiceAnswer,
    Option,
    SingleChoiceAnswer,
    Text,
    TextAnswer,
)
from web.i18n import date_words

if TYPE_CHECKING:
    from web.page import PageContext

# How long a field may be. A text allows 20 characters a word beyond a fixed margin:
# far more than any answer within its word limit needs.
TEXT_MARGIN = 1000
TEXT_CHARS_PER_WORD = 20
FIELD_LIMITS: dict[str, int] = {
    "yes-no": 8,
    "single-choice": 64,
    "multiple-choice": 64,  # each option id
    "number": 32,
    "date": 4,  # each of day, month and year
    "link": 2048,
    "people": 4000,
}

# What a form problem is called in the page's words (FieldState.problem).
TOO_LONG = "too-long"
NOT_A_DATE = "not-a-date"


def field_id(item: Item) -> str:
    """The id of the item's input (the first one: the day of a date, the first option).
    A justification's is `justification-<item id>`: its item's id holds a dot, which an
    id read as a CSS selector (`#answer-x.justification`) would take for a class. Item
    ids are lower-case words and hyphens, so neither prefix can name the other's field."""
    base = item.id.removesuffix(JUSTIFICATION_SUFFIX)
    if base != item.id:
        return f"justification-{base}"
    return f"answer-{item.id}"


def text_limit(spec: TextAnswer) -> int:
    return TEXT_MARGIN + TEXT_CHARS_PER_WORD * spec.max_words


def options(item: Item) -> list[Option]:
    spec = item.answer
    if isinstance(spec, SingleChoiceAnswer | MultipleChoiceAnswer):
        return list(spec.options)
    return []


@dataclass
class FieldState:
    """One item's field: `raw` is what its inputs show (a string, a list of option ids,
    or {"day", "month", "year"}); `send` whether the posted form gives it a value to
    save, `value` that value; `problem` a form problem (TOO_LONG, NOT_A_DATE)."""

    raw: Any
    value: Any = None
    send: bool = False
    problem: str | None = None


def shown(item: Item, value: Any) -> Any:
    """The inputs' contents for a stored answer (None: nothing yet)."""
    kind = item.answer.type
    if value is None:
        return {"day": "", "month": "", "year": ""} if kind == "date" else None
    if kind == "yes-no":
        return "yes" if value is True else "no" if value is False else str(value)
    if kind == "multiple-choice":
        return [str(v) for v in value] if isinstance(value, list) else []
    if kind == "people":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "date":
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return {"day": "", "month": "", "year": ""}
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    return str(value)


def read(item: Item, form: FormData, current: Any) -> FieldState:
    """What the posted `form` says for `item`, whose stored answer is `current` (or None)."""
    name = field_id(item)
    kind = item.answer.type
    had = current is not None
    if kind == "multiple-choice":
        chosen = [v for v in form.getlist(name) if isinstance(v, str)]
        if len(chosen) > len(options(item)) or any(len(v) > FIELD_LIMITS[kind] for v in chosen):
            return FieldState(chosen[:0], problem=TOO_LONG)
        return FieldState(chosen, chosen, send=bool(chosen) or had)
    if kind == "date":
        parts = {p: _text(form, f"{name}-{p}") for p in ("day", "month", "year")}
        if any(len(v) > FIELD_LIMITS[kind] for v in parts.values()):
            return FieldState(dict.fromkeys(parts, ""), problem=TOO_LONG)
        parts = {p: v.strip() for p, v in parts.items()}
        if not any(parts.values()):
            return FieldState(parts, "", send=had)
        day = _date(parts)
        if day is None:
            return FieldState(parts, problem=NOT_A_DATE)
        return FieldState(parts, day.isoformat(), send=True)
    raw = _text(form, name).replace("\r\n", "\n")
    spec = item.answer
    limit = text_limit(spec) if isinstance(spec, TextAnswer) else FIELD_LIMITS[kind]
    if len(raw) > limit:
        return FieldState("", problem=TOO_LONG)
    blank = not raw.strip()
    if kind == "yes-no":
        value: Any = {"yes": True, "no": False}.get(raw, raw)
    elif kind == "people":
        value = [line.strip() for line in raw.split("\n") if line.strip()]
    elif kind == "text":
        value = raw
    else:
        value = raw.strip()
    return FieldState(raw, value, send=not blank or had)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _date(parts: dict[str, str]) -> dt.date | None:
    if not all(p.isdigit() for p in parts.values()) or len(parts["year"]) != 4:
        return None
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None


def option_label(page: PageContext, option: Option) -> str:
    """An option's words in the page's language (its Easy Read words, if any, in Easy Read)."""
    text = option.easy_read if page.easy_read and option.easy_read is not None else option.label
    return text.cy if page.language == "cy" else text.en


def _said(page: PageContext, text: Text | None) -> str:
    if text is None:
        return ""
    return text.cy if page.language == "cy" else text.en


def hint_words(page: PageContext, item: Item) -> str:
    """The item's hint in the page's language: its Easy Read form on an Easy Read page,
    the standard hint there only when it has no Easy Read form ("": no hint)."""
    easy = item.hint_easy_read if page.easy_read else None
    return _said(page, easy or item.hint)


def evidence_words(page: PageContext, item: Item) -> str:
    """What reviewers look for, in the page's language: its Easy Read form on an Easy
    Read page when the item gives one, else the standard words ("": nothing said)."""
    easy = item.evidence_easy_read if page.easy_read else None
    return _said(page, easy or item.evidence)


def in_words(page: PageContext, item: Item, value: Any) -> list[str]:
    """A stored answer as lines of words in the page's language (empty: no answer)."""
    if value is None:
        return []
    kind = item.answer.type
    if kind == "yes-no" and isinstance(value, bool):
        return [page.gettext("Yes") if value else page.gettext("No")]
    if kind in ("single-choice", "multiple-choice"):
        labels = {o.id: o for o in options(item)}
        chosen = value if isinstance(value, list) else [value]
        return [option_label(page, labels[v]) if v in labels else str(v) for v in chosen]
    if kind == "people" and isinstance(value, list):
        return [str(v) for v in value]
    if kind == "date":
        try:
            return [
                date_words(dt.date.fromisoformat(str(value)), page.language, year=True, start=True)
            ]
        except ValueError:
            return [str(value)]
    return str(value).split("\n")  # a text's lines as written


def problem_words(page: PageContext, problem: str) -> str:
    """A form problem in the page's language and format."""
    if page.easy_read:
        if problem == TOO_LONG:
            return page.pgettext("easy-read", "Your answer is too long. Please make it shorter.")
        return page.pgettext(
            "easy-read", "This is not a real date. Write the day, month and year as numbers."
        )
    if problem == TOO_LONG:
        return page.gettext("Your answer is too long. Make it shorter and try again.")
    return page.gettext(
        "Enter a real date, with the day, month and year as numbers, like 27 3 2027."
    )
