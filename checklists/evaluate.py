"""The pure evaluator: which items are shown, answered, met, missing or invalid.

`evaluate(definition, answers, today=...)` does no I/O and never raises for any
answers mapping: unknown items and answers to hidden items are ignored (and listed),
values of the wrong kind are reported as invalid with reasons in both languages.

Answered is not met: a must-meet item with `met_when` is met only when its valid
answer passes that test. One that does not is "answered but not met" (with the
checklist's own reason), unless the item allows a justification and one was given
(the answer under `justification_key(item)`): then it is an exception that the
reviewers and the Board see, never met, but it does not hold the checklist back.

A definition is compiled once into closures (cached on the definition) so that
an evaluation is a walk over items in dependency order: it is fast enough to run
on every keystroke of a form and on every venture in a sweep.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from checklists import messages as m
from checklists.messages import Reason
from checklists.spec import (
    ChecklistDefinition,
    Condition,
    DateAnswer,
    Item,
    LinkAnswer,
    MetWhen,
    MultipleChoiceAnswer,
    NumberAnswer,
    PeopleAnswer,
    SingleChoiceAnswer,
    TextAnswer,
    YesNoAnswer,
)

Answers = Mapping[str, Any]
# An answer's check: the value, and the day relative date bounds count from.
Check = Callable[[Any, dt.date], Reason | None]
Test = Callable[[dict[str, Any]], bool]

MetTest = Callable[[Any, dt.date], bool]

_WORD = re.compile(r"\S+")

# Where a justification is kept among the answers: item ids never hold a dot.
JUSTIFICATION_SUFFIX = ".justification"
JUSTIFICATION_MAX_WORDS = 300


def justification_key(item_id: str) -> str:
    """The answers' key of the justification for `item_id` not being met."""
    return item_id + JUSTIFICATION_SUFFIX


def justification_item(item: Item) -> Item | None:
    """The question that asks why `item` cannot be met yet, as an item of its own (text,
    at most JUSTIFICATION_MAX_WORDS words) so that it is answered, stored, audited and
    replayed as any answer is; None when the item accepts no justification. Its id is
    `justification_key(item.id)`, which no declared item can have (so it is built
    without the id check: everything else comes from the validated item)."""
    met = item.met_when
    if met is None or met.justification is None or met.justification_easy_read is None:
        return None
    return Item.model_construct(
        id=justification_key(item.id),
        principle=item.principle,
        level="should-meet",
        audience=item.audience,
        question=met.justification,
        easy_read=met.justification_easy_read,
        hint=None,
        answer=TextAnswer(type="text", max_words=JUSTIFICATION_MAX_WORDS),
        show_if=None,
        evidence=None,
        met_when=None,
    )


@dataclass(frozen=True, slots=True)
class NotMet:
    """Why an answer does not count as met: the checklist's own words."""

    reason: Reason
    easy_read: Reason
    may_justify: bool  # the item accepts a justification instead


@dataclass(frozen=True, slots=True)
class Evaluation:
    shown: tuple[str, ...]
    hidden: tuple[str, ...]
    answered: tuple[str, ...]  # shown, with a valid answer
    missing_required: tuple[str, ...]  # shown must-meet items without a valid answer
    missing_advisory: tuple[str, ...]  # shown should-meet items without a valid answer
    invalid: Mapping[str, Reason]  # shown items whose answer is not valid
    ignored: tuple[str, ...]  # answers given to hidden or unknown items
    complete: bool  # every shown must-meet item met (or justified) and no invalid answer
    not_met: Mapping[str, NotMet] = field(default_factory=dict)  # answered, not met
    justified: Mapping[str, str] = field(default_factory=dict)  # not met, and why

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_required + self.missing_advisory

    @property
    def met(self) -> tuple[str, ...]:
        """Answered items that count as met (an item without `met_when`: answered)."""
        return tuple(i for i in self.answered if i not in self.not_met and i not in self.justified)

    @property
    def unmet_required(self) -> tuple[str, ...]:
        """What holds the checklist back: missing must-meet items, then those not met."""
        return self.missing_required + tuple(self.not_met)


@dataclass(frozen=True, slots=True)
class _Step:
    id: str
    required: bool
    test: Test | None
    check: Check
    met: MetTest | None = None
    not_met: NotMet | None = None


@dataclass(frozen=True, slots=True)
class Compiled:
    steps: tuple[_Step, ...]  # in an order where every condition's items come first
    ids: frozenset[str]
    justifications: frozenset[str]  # the answers' keys of the justifications allowed
    position: Mapping[str, int]  # document order
    reordered: bool  # whether steps differ from document order

    def in_document_order(self, ids: list[str]) -> tuple[str, ...]:
        return tuple(sorted(ids, key=self.position.__getitem__) if self.reordered else ids)


def is_present(value: Any) -> bool:
    """Whether a value counts as an answer at all (blank text and empty lists do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return bool(value)
    return True


def evaluate(
    definition: ChecklistDefinition, answers: Answers, *, today: dt.date | None = None
) -> Evaluation:
    """today: the day that relative date tests (`not_in_future`, `within_days`) count
    from; the callers pass their clock's. None: the system's date."""
    compiled = compile_checklist(definition)
    day = today or dt.date.today()
    # What earlier gates answered, as pinned with the checklist, is there for the
    # conditions that test it (its keys, 'gate/checklist/item', are no item's id).
    valid: dict[str, Any] = dict(definition.earlier_answers or {})
    shown: list[str] = []
    hidden: list[str] = []
    answered: list[str] = []
    missing_required: list[str] = []
    missing_advisory: list[str] = []
    invalid: dict[str, Reason] = {}
    not_met: dict[str, NotMet] = {}
    justified: dict[str, str] = {}
    for step in compiled.steps:
        if step.test is not None and not step.test(valid):
            hidden.append(step.id)
            continue
        shown.append(step.id)
        value = answers.get(step.id)
        if is_present(value):
            reason = step.check(value, day)
            if reason is None:
                valid[step.id] = value
                answered.append(step.id)
                if step.met is not None and step.not_met and not step.met(value, day):
                    why = _justification(answers, step) if step.not_met.may_justify else None
                    if why is None:
                        not_met[step.id] = step.not_met
                    else:
                        justified[step.id] = why
                continue
            invalid[step.id] = reason
        (missing_required if step.required else missing_advisory).append(step.id)
    ids = compiled.ids
    hidden_set = set(hidden)
    ignored = tuple(
        sorted(
            k
            for k, v in answers.items()
            if (k in hidden_set or k not in ids)
            and k not in compiled.justifications
            and is_present(v)
        )
    )
    ordered = compiled.in_document_order
    return Evaluation(
        shown=ordered(shown),
        hidden=ordered(hidden),
        answered=ordered(answered),
        missing_required=ordered(missing_required),
        missing_advisory=ordered(missing_advisory),
        invalid={k: invalid[k] for k in ordered(list(invalid))},
        ignored=ignored,
        complete=not missing_required and not invalid and not not_met,
        not_met={k: not_met[k] for k in ordered(list(not_met))},
        justified={k: justified[k] for k in ordered(list(justified))},
    )


def _justification(answers: Answers, step: _Step) -> str | None:
    """The justification given for `step` not being met, if it is one at all: text
    of at most JUSTIFICATION_MAX_WORDS words (a longer one is not accepted)."""
    value = answers.get(justification_key(step.id))
    if not isinstance(value, str) or not value.strip():
        return None
    if len(_WORD.findall(value)) > JUSTIFICATION_MAX_WORDS:
        return None
    return " ".join(value.split())


def check_answer(item: Item, value: Any, today: dt.date | None = None) -> Reason | None:
    """Whether one answer is valid for its item, ignoring conditions. `today`: the day a
    date's relative bounds count from (None: the system's date)."""
    return _checker(item)(value, today or dt.date.today())


# --- compilation -------------------------------------------------------------------------


def compile_checklist(definition: ChecklistDefinition) -> Compiled:
    cached = definition._compiled
    if isinstance(cached, Compiled):
        return cached
    items = {item.id: item for item in definition.items()}
    order = _dependency_order(items)
    steps = tuple(
        _Step(
            i.id,
            i.required,
            _test(i.show_if) if i.show_if else None,
            _checker(i),
            _met_test(i.met_when) if i.met_when else None,
            _not_met(i.met_when) if i.met_when and i.required else None,
        )
        for i in (items[k] for k in order)
    )
    position = {item_id: n for n, item_id in enumerate(items)}
    justifications = frozenset(
        justification_key(i.id)
        for i in items.values()
        if i.met_when is not None and i.met_when.justification is not None
    )
    compiled = Compiled(steps, frozenset(items), justifications, position, order != list(items))
    definition._compiled = compiled
    return compiled


def _dependency_order(items: dict[str, Item]) -> list[str]:
    """Document order, moved only where an item's condition needs a later item first.

    The loader refuses cycles; should one reach here, the remaining items keep
    document order and their conditions simply see no answer.
    """
    order: list[str] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(item_id: str) -> None:
        if item_id in placed or item_id in visiting or item_id not in items:
            return
        visiting.add(item_id)
        condition = items[item_id].show_if
        for ref in sorted(condition.referenced_items()) if condition else ():
            place(ref)
        visiting.discard(item_id)
        placed.add(item_id)
        order.append(item_id)

    for item_id in items:
        place(item_id)
    return order


def _test(cond: Condition) -> Test:
    op = cond.operator
    if op == "all":
        parts = [_test(c) for c in cond.all or []]
        return lambda v: all(p(v) for p in parts)
    if op == "any":
        parts = [_test(c) for c in cond.any or []]
        return lambda v: any(p(v) for p in parts)
    if op == "not":
        assert cond.not_ is not None
        inner = _test(cond.not_)
        return lambda v: not inner(v)
    ref = cond.key  # an earlier gate's item: its answer is among the checklist's own
    assert ref is not None
    if op == "answered":
        want = bool(cond.answered)
        return lambda v: (ref in v) is want
    if op == "equals":
        target = cond.equals
        return lambda v: ref in v and _same(v[ref], target)
    if op == "not_equals":
        other = cond.not_equals
        return lambda v: ref in v and not _same(v[ref], other)
    if op == "one_of":
        choices = list(cond.one_of or [])
        return lambda v: ref in v and any(_same(v[ref], c) for c in choices)
    if op == "includes":
        option = cond.includes
        return lambda v: ref in v and option in v[ref]
    if op == "at_least":
        low = cond.at_least
        assert low is not None
        return lambda v: ref in v and _size(v[ref]) >= low
    high = cond.at_most
    assert high is not None
    return lambda v: ref in v and _size(v[ref]) <= high


_NO_SIZE = float("nan")  # compares false with everything


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a yes/no answer must not equal the number 1.
    return type(a) is type(b) and bool(a == b)


def _size(value: Any) -> float:
    # The loader only allows at_least/at_most on numbers, choices and people; a
    # definition built in code may point them elsewhere, and must not crash.
    if isinstance(value, list | tuple):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _NO_SIZE


# --- acceptance --------------------------------------------------------------------------


def _not_met(met_when: MetWhen) -> NotMet:
    return NotMet(
        Reason(met_when.reason.en, met_when.reason.cy),
        Reason(met_when.easy_read.en, met_when.easy_read.cy),
        met_when.justification is not None,
    )


def _met_test(met_when: MetWhen) -> MetTest:
    """The test of a valid answer (the loader has matched the test to the answer type;
    a definition built in code that has not gets False, never an exception)."""
    test = met_when.test
    if test == "at_least":
        low = met_when.at_least
        assert low is not None
        return lambda value, _day: _size(value) >= low
    if test == "one_of":
        choices = list(met_when.one_of or [])
        return lambda value, _day: any(_same(value, c) for c in choices)
    if test == "equals":
        want = met_when.equals
        return lambda value, _day: _same(value, want)
    if test == "includes":
        wanted = frozenset(met_when.includes or [])
        return lambda value, _day: isinstance(value, list | tuple) and wanted <= set(value)
    if test == "min_words":
        words = met_when.min_words
        assert words is not None
        return lambda value, _day: isinstance(value, str) and len(_WORD.findall(value)) >= words
    within = met_when.within_days

    def recent(value: Any, day: dt.date) -> bool:
        date = _as_date(value)
        if date is None or date > day:
            return False
        return within is None or (day - date).days <= within

    return recent


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- answer checks -----------------------------------------------------------------------


def _checker(item: Item) -> Check:
    spec = item.answer
    if isinstance(spec, YesNoAnswer):
        return _yes_no
    if isinstance(spec, TextAnswer):
        return _text(spec)
    if isinstance(spec, SingleChoiceAnswer):
        return _single(frozenset(o.id for o in spec.options))
    if isinstance(spec, MultipleChoiceAnswer):
        return _multiple(spec)
    if isinstance(spec, NumberAnswer):
        return _number(spec)
    if isinstance(spec, DateAnswer):
        return _date(spec)
    if isinstance(spec, LinkAnswer):
        return _link(tuple(spec.schemes))
    assert isinstance(spec, PeopleAnswer)
    return _people(spec)


def _yes_no(value: Any, _day: dt.date) -> Reason | None:
    return None if isinstance(value, bool) else m.not_yes_no()


# A word bound does not bound the characters (one 131,000-character "word" is one
# word): an answer may also have at most 20 characters a word allowed (long Welsh
# words and a link fit), at least 200, and never more than 40,000 (5,000 words of 8).
ANSWER_CHARACTERS_MAX = 40_000


def text_characters_max(spec: TextAnswer) -> int:
    return min(ANSWER_CHARACTERS_MAX, max(200, 20 * spec.max_words))


def _text(spec: TextAnswer) -> Check:
    most = text_characters_max(spec)

    def check(value: Any, day: dt.date) -> Reason | None:
        if not isinstance(value, str):
            return m.not_text()
        if len(value) > most:
            return m.too_many_characters(most)
        words = len(_WORD.findall(value))
        if words > spec.max_words:
            return m.too_many_words(spec.max_words, words)
        if words < spec.min_words:
            return m.too_few_words(spec.min_words, words)
        return None

    return check


def _single(options: frozenset[str]) -> Check:
    def check(value: Any, day: dt.date) -> Reason | None:
        if not isinstance(value, str):
            return m.not_choice_list()
        return None if value in options else m.unknown_option(value)

    return check


def _multiple(spec: MultipleChoiceAnswer) -> Check:
    options = frozenset(o.id for o in spec.options)

    def check(value: Any, day: dt.date) -> Reason | None:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return m.not_choice_list()
        seen: set[str] = set()
        for v in value:
            if v not in options:
                return m.unknown_option(v)
            if v in seen:
                return m.chosen_twice(v)
            seen.add(v)
        if len(value) < spec.min_selected:
            return m.too_few_chosen(spec.min_selected)
        if spec.max_selected is not None and len(value) > spec.max_selected:
            return m.too_many_chosen(spec.max_selected)
        return None

    return check


def _number(spec: NumberAnswer) -> Check:
    def check(value: Any, day: dt.date) -> Reason | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return m.not_whole_number()
        if spec.min is not None and value < spec.min:
            return m.number_too_small(spec.min)
        if spec.max is not None and value > spec.max:
            return m.number_too_large(spec.max)
        return None

    return check


def _date(spec: DateAnswer) -> Check:
    def check(value: Any, day: dt.date) -> Reason | None:
        if isinstance(value, dt.datetime):
            return m.not_date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return m.not_date()
        if not isinstance(value, dt.date):
            return m.not_date()
        earliest, latest = date_bounds(spec, day)
        if earliest and value < earliest:
            return m.date_too_early(earliest.isoformat())
        if latest and value > latest:
            return m.date_too_late(latest.isoformat())
        return None

    return check


def date_bounds(spec: DateAnswer, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest dates a date answer may be on `day`: the tighter of its
    fixed bounds and those counted from the day (`not_in_future`, `within_days`,
    `within_days_ahead`)."""
    earliest = [d for d in (spec.earliest,) if d is not None]
    latest = [d for d in (spec.latest,) if d is not None]
    if spec.not_in_future:
        latest.append(day)
    if spec.within_days is not None:
        earliest.append(day - dt.timedelta(days=spec.within_days))
        latest.append(day)
    if spec.within_days_ahead is not None:
        earliest.append(day)
        latest.append(day + dt.timedelta(days=spec.within_days_ahead))
    return (max(earliest) if earliest else None, min(latest) if latest else None)


def _link(schemes: tuple[str, ...]) -> Check:
    def check(value: Any, day: dt.date) -> Reason | None:
        if not isinstance(value, str) or any(c.isspace() for c in value.strip()):
            return m.not_link(schemes)
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            return m.not_link(schemes)
        if parts.scheme not in schemes or not parts.hostname:
            return m.not_link(schemes)
        if "@" in parts.netloc:
            return m.link_with_userinfo()
        return None

    return check


def _people(spec: PeopleAnswer) -> Check:
    def check(value: Any, day: dt.date) -> Reason | None:
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            return m.not_people()
        seen: set[str] = set()
        for v in value:
            key = v.strip().casefold()
            if key in seen:
                return m.person_twice(v.strip())
            seen.add(key)
        if len(value) < spec.min_people:
            return m.too_few_people(spec.min_people)
        if spec.max_people is not None and len(value) > spec.max_people:
            return m.too_many_people(spec.max_people)
        return None

    return check
