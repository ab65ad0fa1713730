"""A valid example answer for any item: for demonstrations, benchmarks and tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checklists.spec import (
    DateAnswer,
    Item,
    LinkAnswer,
    MetWhen,
    MultipleChoiceAnswer,
    NumberAnswer,
    PeopleAnswer,
    SingleChoiceAnswer,
    TextAnswer,
)


def example_answer(item: Item, today: dt.date | None = None) -> Any:
    """A value that `check_answer` accepts for this item (the last option, the top bound),
    and that meets its `met_when`, if it has one. `today`: the day a relative date test
    counts from (default: the machine's), so that a demonstration on a simulated clock
    answers with its own day."""
    met = item.met_when
    if met is not None:
        found = _meeting(item, met, today or dt.date.today())
        if found is not None:
            return found
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
        if spec.not_in_future or spec.within_days or spec.within_days_ahead:
            return (today or dt.date.today()).isoformat()  # within every relative bound
        return (spec.earliest or spec.latest or dt.date(2027, 1, 1)).isoformat()
    if isinstance(spec, LinkAnswer):
        return f"{spec.schemes[0]}://example.org/evidence/1"
    if isinstance(spec, PeopleAnswer):
        return [f"person{n}@example.org" for n in range(max(spec.min_people, 1))]
    return True


def _meeting(item: Item, met: MetWhen, today: dt.date) -> Any:
    """A valid answer that meets `met` (None: the plain example already does)."""
    spec = item.answer
    if met.one_of is not None:
        return met.one_of[0]
    if met.equals is not None:
        return met.equals
    if met.includes is not None and isinstance(spec, MultipleChoiceAnswer):
        extra = [o.id for o in spec.options if o.id not in met.includes]
        wanted = list(met.includes)
        return wanted + extra[: max(0, spec.min_selected - len(wanted))]
    if met.at_least is not None and isinstance(spec, MultipleChoiceAnswer):
        return [o.id for o in spec.options[: max(met.at_least, spec.min_selected)]]
    if met.at_least is not None and isinstance(spec, PeopleAnswer):
        return [f"person{n}@example.org" for n in range(max(met.at_least, spec.min_people, 1))]
    if met.at_least is not None and isinstance(spec, NumberAnswer):
        return spec.max if spec.max is not None else max(met.at_least, (spec.min or 0) + 5)
    if met.min_words is not None and isinstance(spec, TextAnswer):
        return " ".join(["word"] * max(met.min_words, spec.min_words, min(12, spec.max_words)))
    if met.not_in_future or met.within_days:
        return today.isoformat()  # the demonstration's day meets both
    return None
