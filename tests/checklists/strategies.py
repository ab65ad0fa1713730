"""Hypothesis strategies: random valid checklist definitions and random answers to them.

A generated definition is one the loader accepts: answer types with consistent
bounds, `show_if` conditions that only use tests the loader allows for the type of
the item tested, option ids that exist, and no condition cycles (each item may only
refer to items that come before it in a random "dependency rank", which may be
earlier or later in the document).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import strategies as st

from checklists.evaluate import justification_key
from checklists.spec import (
    ANSWER_TYPES,
    ChecklistDefinition,
    DateAnswer,
    Item,
    LinkAnswer,
    MultipleChoiceAnswer,
    NumberAnswer,
    PeopleAnswer,
    SingleChoiceAnswer,
    TextAnswer,
    YesNoAnswer,
)

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
WORDS = ("we", "met", "together", "gyda'n", "gilydd", "co-production", "ŵyl", "plan", "1")
NAMES = (
    "Ann",
    "Bob",
    "Cai",
    "Dafydd",
    "Eira",
    "Ffion",
    "Gwen",
    "Huw",
    "Iolo",
    "ann.jones@example.org",
    "rhys@example.org",
)
HOSTS = ("example.org", "cyngor.gov.wales", "intranet.local", "10.0.0.1", "[::1]")

# Any JSON value, and a few non-JSON Python values a careless caller might pass.
json_junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
junk = json_junk | st.tuples(st.integers()) | st.datetimes() | st.dates() | st.sets(st.integers())
blank: st.SearchStrategy[Any] = st.sampled_from([None, "", " ", "\n\t", [], ()])


def _text(label: str) -> dict[str, str]:
    return {"en": label, "cy": f"{label} (cy)"}


# --- answer specs ----------------------------------------------------------------------------


@st.composite
def answer_specs(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(ANSWER_TYPES))
    if kind == "yes-no":
        return {"type": kind}
    if kind == "text":
        most = draw(st.integers(1, 8))
        return {"type": kind, "max_words": most, "min_words": draw(st.integers(0, most))}
    if kind in ("single-choice", "multiple-choice"):
        count = draw(st.integers(2, 4))
        options = [{"id": f"opt-{n}", "label": _text(f"Option {n}")} for n in range(count)]
        if kind == "single-choice":
            return {"type": kind, "options": options}
        least = draw(st.integers(0, count))
        chosen_most = draw(st.none() | st.integers(max(1, least), count + 2))
        return {
            "type": kind,
            "options": options,
            "min_selected": least,
            "max_selected": chosen_most,
        }
    if kind == "number":
        low = draw(st.none() | st.integers(-50, 50))
        high = draw(st.none() | st.integers(-50 if low is None else low, 60))
        return {"type": kind, "min": low, "max": high}
    if kind == "date":
        earliest = draw(st.none() | st.dates(MIN_DATE, MAX_DATE))
        latest = draw(st.none() | st.dates(earliest or MIN_DATE, MAX_DATE))
        return {"type": kind, "earliest": earliest, "latest": latest}
    if kind == "link":
        schemes = draw(st.sampled_from([["https"], ["http"], ["https", "http"], ["http", "https"]]))
        return {"type": kind, "schemes": schemes}
    assert kind == "people"
    least = draw(st.integers(0, 3))
    people_most = draw(st.none() | st.integers(max(1, least), 5))
    return {"type": kind, "min_people": least, "max_people": people_most}


# --- conditions ------------------------------------------------------------------------------


condition_numbers = st.integers(0, 3) | st.integers(-55, 65)


def _option_ids(spec: dict[str, Any]) -> list[str]:
    return [o["id"] for o in spec.get("options", [])]


@st.composite
def _test_on(draw: st.DrawFn, item_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """One test on an item, of a kind the loader allows for that item's answer type."""
    kind = spec["type"]
    tests: list[st.SearchStrategy[dict[str, Any]]] = [st.booleans().map(lambda b: {"answered": b})]
    scalars: st.SearchStrategy[Any] | None = None
    if kind == "yes-no":
        scalars = st.booleans()
    elif kind == "single-choice":
        scalars = st.sampled_from(_option_ids(spec))
    elif kind == "number":
        scalars = condition_numbers
    if scalars is not None:
        tests += [
            scalars.map(lambda v: {"equals": v}),
            scalars.map(lambda v: {"not_equals": v}),
            st.lists(scalars, min_size=1, max_size=3).map(lambda vs: {"one_of": vs}),
        ]
    if kind == "multiple-choice":
        tests.append(st.sampled_from(_option_ids(spec)).map(lambda o: {"includes": o}))
    if kind in ("number", "multiple-choice", "people"):
        bound = st.integers(0, 4) if kind != "number" else condition_numbers
        tests += [bound.map(lambda n: {"at_least": n}), bound.map(lambda n: {"at_most": n})]
    return {"item": item_id, **draw(st.one_of(tests))}


def conditions(targets: list[tuple[str, dict[str, Any]]]) -> st.SearchStrategy[dict[str, Any]]:
    """Conditions over the given (item id, answer spec) pairs, with all/any/not."""
    leaves = st.sampled_from(targets).flatmap(lambda t: _test_on(t[0], t[1]))
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs})
            | st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs})
            | inner.map(lambda c: {"not": c})
        ),
        max_leaves=4,
    )


# --- what counts as met ---------------------------------------------------------------------


@st.composite
def met_whens(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Any] | None:
    """A `met_when` the loader allows for an answer of `spec`, or None where its type
    has no test (a link)."""
    kind = spec["type"]
    tests: list[st.SearchStrategy[dict[str, Any]]] = []
    if kind == "yes-no":
        tests.append(st.booleans().map(lambda b: {"equals": b}))
    elif kind == "single-choice":
        ids = _option_ids(spec)
        tests.append(st.lists(st.sampled_from(ids), min_size=1, unique=True).map(_one_of))
    elif kind == "multiple-choice":
        ids = _option_ids(spec)
        tests.append(st.lists(st.sampled_from(ids), min_size=1, unique=True).map(_includes))
        tests.append(st.integers(0, len(ids)).map(lambda n: {"at_least": n}))
    elif kind == "number" and (spec.get("max") is None or spec["max"] >= 0):
        top = spec.get("max")
        tests.append(st.integers(0, 50 if top is None else top).map(_at_least))
    elif kind == "people":
        tests.append(st.integers(0, 4).map(_at_least))
    elif kind == "text":
        tests.append(st.integers(1, spec["max_words"]).map(lambda n: {"min_words": n}))
    elif kind == "date":
        tests.append(st.just({"not_in_future": True}))
        tests.append(st.integers(1, 400).map(lambda n: {"within_days": n}))
    if not tests:
        return None
    met = {
        **draw(st.one_of(tests)),
        "reason": _text("Not met yet."),
        "easy_read": _text("Not done yet."),
    }
    if draw(st.booleans()):
        met["justification"] = _text("Why not yet?")
        met["justification_easy_read"] = _text("Say why not.")
    return met


def _one_of(ids: list[str]) -> dict[str, Any]:
    return {"one_of": ids}


def _includes(ids: list[str]) -> dict[str, Any]:
    return {"includes": ids}


def _at_least(n: int) -> dict[str, Any]:
    return {"at_least": n}


# --- definitions -----------------------------------------------------------------------------


@st.composite
def checklist_data(draw: st.DrawFn, max_items: int = 8) -> dict[str, Any]:
    """The raw data (as an admin would write it) of a valid checklist."""
    count = draw(st.integers(1, max_items))
    ids = [f"item-{n}" for n in range(count)]
    specs = [draw(answer_specs()) for _ in ids]
    rank = draw(st.permutations(range(count)))  # conditions only point to lower ranks
    items: list[dict[str, Any]] = []
    for n, item_id in enumerate(ids):
        earlier = [(ids[k], specs[k]) for k in range(count) if rank[k] < rank[n]]
        data: dict[str, Any] = {
            "id": item_id,
            "principle": draw(st.sampled_from(["share-power", "be-heard"])),
            "level": draw(st.sampled_from(["must-meet", "should-meet"])),
            "question": _text(f"Question {n}?"),
            "easy_read": _text(f"Easy question {n}."),
            "answer": specs[n],
        }
        if data["level"] == "must-meet" and draw(st.booleans()):
            met = draw(met_whens(specs[n]))
            if met is not None:
                data["met_when"] = met
        with_condition = draw(st.integers(0, 2)) > 0  # two in three items have a condition
        if earlier and with_condition:
            data["show_if"] = draw(conditions(earlier))
        items.append(data)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, count - 1)), max_size=2)))
    bounds = [0, *(c for c in cuts if c < count), count]
    sections = [
        {"id": f"section-{s}", "title": _text(f"Section {s}"), "items": items[a:b]}
        for s, (a, b) in enumerate(itertools.pairwise(bounds))
        if b > a
    ]
    return {
        "schema_version": 1,
        "kind": "checklist",
        "id": "random-checklist",
        "version": draw(st.integers(1, 3)),
        "title": _text("Random checklist"),
        "easy_read": _text("A checklist made by a test."),
        "principles": [
            {"id": "share-power", "label": _text("Share power")},
            {"id": "be-heard", "label": _text("Be heard")},
        ],
        "sections": sections,
    }


def checklists(max_items: int = 8) -> st.SearchStrategy[ChecklistDefinition]:
    return checklist_data(max_items).map(ChecklistDefinition.model_validate)


# --- answers ---------------------------------------------------------------------------------


def valid_values(item: Item) -> st.SearchStrategy[Any]:
    """Answers that are valid for the item (ignoring its condition)."""
    spec = item.answer
    if isinstance(spec, YesNoAnswer):
        return st.booleans()
    if isinstance(spec, TextAnswer):
        return st.lists(
            st.sampled_from(WORDS), min_size=max(1, spec.min_words), max_size=spec.max_words
        ).flatmap(
            lambda words: st.lists(
                st.sampled_from([" ", "  ", "\n", "\t"]),
                min_size=len(words) + 1,
                max_size=len(words) + 1,
            ).map(
                lambda gaps: gaps[0] + "".join(w + g for w, g in zip(words, gaps[1:], strict=True))
            ),
        )
    if isinstance(spec, SingleChoiceAnswer):
        return st.sampled_from([o.id for o in spec.options])
    if isinstance(spec, MultipleChoiceAnswer):
        options = [o.id for o in spec.options]
        most = min(len(options), spec.max_selected or len(options))
        least = max(1, spec.min_selected)
        return st.permutations(options).flatmap(
            lambda chosen: st.integers(least, most).map(lambda k: chosen[:k])
        )
    if isinstance(spec, NumberAnswer):
        low = spec.min if spec.min is not None else -(10**12)
        high = spec.max if spec.max is not None else 10**12
        # Mostly near the numbers conditions test against, sometimes anywhere.
        near = [st.integers(max(low, -60), min(high, 70)), st.integers(low, high)]
        if max(low, 0) <= min(high, 3):
            near.insert(0, st.integers(max(low, 0), min(high, 3)))
        return st.one_of(near)
    if isinstance(spec, DateAnswer):
        days = st.dates(spec.earliest or MIN_DATE, spec.latest or MAX_DATE)
        return days | days.map(dt.date.isoformat)
    if isinstance(spec, LinkAnswer):
        return st.builds(
            "{}://{}{}".format,
            st.sampled_from(spec.schemes),
            st.sampled_from(HOSTS),
            st.sampled_from(["", "/", "/evidence", "/a/b?x=1#top"]),
        )
    assert isinstance(spec, PeopleAnswer)
    most = spec.max_people if spec.max_people is not None else spec.min_people + 3
    return st.lists(
        st.sampled_from(NAMES),
        min_size=max(1, spec.min_people),
        max_size=most,
        unique_by=str.casefold,
    )


def invalid_values(item: Item) -> st.SearchStrategy[Any]:
    """Present answers that are not valid for the item, of the right general shape or not."""
    spec = item.answer
    if isinstance(spec, YesNoAnswer):
        return st.integers() | st.sampled_from(["yes", "no", "true", "ie", "na"])
    if isinstance(spec, TextAnswer):
        words = st.sampled_from(WORDS)
        too_long = st.lists(words, min_size=spec.max_words + 1, max_size=spec.max_words + 3)
        wrong = st.integers() | st.lists(st.text(min_size=1), min_size=1, max_size=2)
        if spec.min_words > 1:
            too_short = st.lists(words, min_size=1, max_size=spec.min_words - 1)
            return (too_long | too_short).map(" ".join) | wrong
        return too_long.map(" ".join) | wrong
    option_ids = [o.id for o in getattr(spec, "options", [])]
    unknown = st.text("abcxyz-", min_size=1, max_size=6).filter(lambda s: s not in option_ids)
    if isinstance(spec, SingleChoiceAnswer):
        return unknown | st.integers() | st.just(option_ids[:1])
    if isinstance(spec, MultipleChoiceAnswer):
        known = st.sampled_from(option_ids)
        choices = [
            st.lists(known, max_size=2).flatmap(lambda vs: unknown.map(lambda u: [*vs, u])),
            known.map(lambda o: [o, o]),
            st.just(option_ids[0]),
            st.just([1]),
        ]
        if spec.max_selected is not None and spec.max_selected < len(option_ids):
            choices.append(st.just(option_ids[: spec.max_selected + 1]))
        if spec.min_selected > 1:
            choices.append(st.just(option_ids[: spec.min_selected - 1]))
        return st.one_of(choices)
    if isinstance(spec, NumberAnswer):
        choices = [st.booleans(), st.floats(), st.just("3")]
        if spec.min is not None:
            choices.append(st.integers(max_value=spec.min - 1))
        if spec.max is not None:
            choices.append(st.integers(min_value=spec.max + 1))
        return st.one_of(choices)
    if isinstance(spec, DateAnswer):
        choices = [
            st.sampled_from(["31/03/2026", "2026-02-30", "tomorrow", "2026-13-01"]),
            st.datetimes(),
            st.datetimes().map(dt.datetime.isoformat),
            st.integers(),
        ]
        if spec.earliest and spec.earliest > dt.date.min:
            choices.append(st.dates(max_value=spec.earliest - dt.timedelta(days=1)))
        if spec.latest and spec.latest < dt.date.max:
            choices.append(
                st.dates(min_value=spec.latest + dt.timedelta(days=1)).map(dt.date.isoformat)
            )
        return st.one_of(choices)
    if isinstance(spec, LinkAnswer):
        other = [s for s in ("https", "http", "ftp", "mailto") if s not in spec.schemes]
        return st.one_of(
            st.sampled_from(other).map(lambda s: f"{s}://example.org/"),
            st.sampled_from(spec.schemes).map(lambda s: f"{s}://exa mple.org"),
            st.sampled_from(spec.schemes).map(lambda s: f"{s}://"),
            st.sampled_from(["example.org", "www.example.org/page", "https//example.org"]),
            st.integers(),
        )
    assert isinstance(spec, PeopleAnswer)
    choices = [
        st.sampled_from(NAMES).map(lambda n: [n, f" {n.upper()} "]),
        st.just(["Ann", " "]),
        st.just("Ann, Bob"),
        st.just(["Ann", 3]),
    ]
    if spec.max_people is not None:
        choices.append(st.just(list(NAMES[: spec.max_people + 1])))
    if spec.min_people > 1:
        choices.append(st.just(list(NAMES[: spec.min_people - 1])))
    return st.one_of(choices)


@st.composite
def any_values(draw: st.DrawFn, item: Item) -> Any:
    """Mostly valid answers (so that conditions hold often), else invalid, junk or blank."""
    kind = draw(st.sampled_from(["valid", "valid", "valid", "invalid", "junk", "blank"]))
    if kind == "valid":
        return draw(valid_values(item))
    if kind == "invalid":
        return draw(invalid_values(item))
    return draw(junk if kind == "junk" else blank)


@st.composite
def answers(draw: st.DrawFn, definition: ChecklistDefinition) -> dict[str, Any]:
    """Answers for some items (valid, invalid, blank or junk) and for some unknown ids."""
    result: dict[str, Any] = {}
    for item in definition.items():
        if draw(st.integers(0, 3)):  # three in four items get some answer
            result[item.id] = draw(any_values(item))
        if item.met_when and item.met_when.justification and draw(st.booleans()):
            result[justification_key(item.id)] = draw(
                st.sampled_from(["We have no one yet: we are asking.", " ", "x " * 301])
            )
    known = {item.id for item in definition.items()}
    unknown = st.text(max_size=10).filter(lambda k: k not in known)
    result.update(draw(st.dictionaries(unknown, junk, max_size=3)))
    return result


@st.composite
def checklists_and_answers(
    draw: st.DrawFn, max_items: int = 8
) -> tuple[ChecklistDefinition, dict[str, Any]]:
    definition = draw(checklists(max_items))
    return definition, draw(answers(definition))
