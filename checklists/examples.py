"""A valid example answer for any item: for demonstrations, benchmarks and tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checklists.spec import (
    DateAnswer,
    Item,
    LinkAnswer,
    MultipleChoiceAnswer,
    NumberAnswer,
    PeopleAnswer,
    SingleChoiceAnswer,
    TextAnswer,
)


def example_answer(item: Item) -> Any:
    """A value that `check_answer` accepts for this item (the last option, the top bound)."""
    spec = item.answer
    if isinstance(spec, TextAnswer):
        return " ".join(["word"] * max(spec.min_words, min(12, spec.max_words)))
    if isinstance(spec, SingleChoiceAnswer):
        return spec.options[-1].id
    if isinstance(spec, MultipleChoiceAnswer):
        count = max(spec.min_selected, min(2, spec.max_selected or 2))
        return [o.id for o in spec.options[:count]]
    if isinstance(spec, NumberAnswer):
        return spec.max if spec.max is not None else (spec.min or 0) + 5
    if isinstance(spec, DateAnswer):
        return (spec.earliest or spec.latest or dt.date(2027, 1, 1)).isoformat()
    if isinstance(spec, LinkAnswer):
        return f"{spec.schemes[0]}://example.org/evidence/1"
    if isinstance(spec, PeopleAnswer):
        return [f"person{n}@example.org" for n in range(max(spec.min_people, 1))]
    return True
