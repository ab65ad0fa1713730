"""Properties of the evaluator over random valid definitions and random answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists import semantics
from checklists.evaluate import (
    JUSTIFICATION_MAX_WORDS,
    Evaluation,
    check_answer,
    evaluate,
    justification_key,
)
from checklists.loader import load_text
from checklists.spec import ChecklistDefinition, Condition, Item, PrinciplesDefinition
from tests.checklists.strategies import (
    checklist_data,
    checklists,
    checklists_and_answers,
    invalid_values,
    valid_values,
)

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def statuses(result: Evaluation) -> dict[str, Any]:
    """What each shown item's status is: answered, missing (required or not), invalid why."""
    status: dict[str, Any] = {}
    for item_id in result.shown:
        status[item_id] = (
            item_id in result.answered,
            item_id in result.missing_required,
            item_id in result.missing_advisory,
            result.invalid.get(item_id),
        )
    return status


def is_subsequence(part: tuple[str, ...], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(x in rest for x in part)


# --- the strategies produce what they promise --------------------------------------------------


@SETTINGS
@given(checklist_data())
def test_generated_definitions_are_accepted_by_the_loader(data: dict[str, Any]) -> None:
    assert semantics.check_checklist(data) == []
    # by_alias: the condition field `not_` is written `not` in YAML.
    text = yaml.safe_dump(
        ChecklistDefinition.model_validate(data).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
    )
    loaded, problems = load_text(text)
    assert problems == []
    assert isinstance(loaded, ChecklistDefinition)
    assert loaded == ChecklistDefinition.model_validate(data)


@SETTINGS
@given(checklist_data(), st.data())
def test_principles_shared_from_a_set_evaluate_as_if_declared_in_the_checklist(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    # Move some (or all) of a checklist's principles into a shared set: loaded, it has
    # the same principles (its own first), evaluates every answer the same way, and its
    # pinned copy stands alone.
    declared = data["principles"]
    moved = draw.draw(st.sets(st.sampled_from(range(len(declared))), min_size=1))
    own = [p for n, p in enumerate(declared) if n not in moved]
    shared = [p for n, p in enumerate(declared) if n in moved]
    values = PrinciplesDefinition.model_validate(
        {
            "schema_version": 1,
            "kind": "principles",
            "id": "values",
            "version": 1,
            "title": {"en": "Values", "cy": "Gwerthoedd"},
            "principles": shared,
        }
    )
    sharing = {**data, "principles": own, "shared_principles": ["values"]}
    if not own:
        del sharing["principles"]
    text = yaml.safe_dump(sharing, allow_unicode=True)
    loaded, problems = load_text(text, "sharing.yaml", {"values": values})
    assert problems == []
    assert isinstance(loaded, ChecklistDefinition)
    original = ChecklistDefinition.model_validate(data)
    assert [p.id for p in loaded.principles] == [p["id"] for p in own + shared]
    assert {p.id: p for p in loaded.principles} == {p.id: p for p in original.principles}
    answers = draw.draw(st.fixed_dictionaries({i.id: valid_values(i) for i in loaded.items()}))
    assert evaluate(loaded, answers, today=TODAY) == evaluate(original, answers, today=TODAY)
    copy = loaded.model_dump(mode="json", by_alias=True, exclude_none=True)
    pinned = ChecklistDefinition.model_validate(copy)
    assert pinned.model_dump(mode="json", by_alias=True, exclude_none=True) == copy
    assert pinned.principles == loaded.principles


@SETTINGS
@given(st.data())
def test_generated_values_are_valid_or_invalid_as_promised(data: st.DataObject) -> None:
    definition = data.draw(checklists())
    for item in definition.items():
        good = data.draw(valid_values(item), label=f"valid {item.id}")
        bad = data.draw(invalid_values(item), label=f"invalid {item.id}")
        assert check_answer(item, good) is None
        reason = check_answer(item, bad)
        assert reason is not None
        assert reason.en.strip()
        assert reason.cy.strip()
        assert reason.en != reason.cy


# --- a reference model -------------------------------------------------------------------------

NO_ANSWER = object()


def present(value: Any) -> bool:
    """Whether a value is an answer at all: blank text and empty lists are not."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) > 0
    return True


def reference_shown(definition: ChecklistDefinition, answers: dict[str, Any]) -> set[str]:
    """Which items are shown, worked out directly from the rules in the design.

    An item is shown when it has no condition or its condition holds. A test on an
    item sees that item's answer only if the item is shown and its answer is present
    and valid; otherwise the test is false, except `answered: false`, which is true.
    """
    items = {item.id: item for item in definition.items()}
    memo: dict[str, bool] = {}

    def value(item_id: str) -> Any:
        item = items[item_id]
        given = answers.get(item_id)
        if shown(item_id) and present(given) and check_answer(item, given) is None:
            return given
        return NO_ANSWER

    def size(v: Any) -> int:
        return len(v) if isinstance(v, list | tuple) else int(v)

    def same(a: Any, b: Any) -> bool:
        return type(a) is type(b) and a == b

    def holds(cond: Condition) -> bool:
        if cond.all is not None:
            return all(holds(c) for c in cond.all)
        if cond.any is not None:
            return any(holds(c) for c in cond.any)
        if cond.not_ is not None:
            return not holds(cond.not_)
        assert cond.item is not None
        v = value(cond.item)
        if cond.answered is not None:
            return (v is not NO_ANSWER) == cond.answered
        if v is NO_ANSWER:
            return False
        if cond.equals is not None:
            return same(v, cond.equals)
        if cond.not_equals is not None:
            return not same(v, cond.not_equals)
        if cond.one_of is not None:
            return any(same(v, c) for c in cond.one_of)
        if cond.includes is not None:
            return cond.includes in v
        if cond.at_least is not None:
            return size(v) >= cond.at_least
        assert cond.at_most is not None
        return size(v) <= cond.at_most

    def shown(item_id: str) -> bool:
        if item_id not in memo:
            condition = items[item_id].show_if
            memo[item_id] = condition is None or holds(condition)
        return memo[item_id]

    return {item_id for item_id in items if shown(item_id)}


@SETTINGS
@given(checklists_and_answers())
def test_evaluate_agrees_with_the_reference_model(
    case: tuple[ChecklistDefinition, dict[str, Any]],
) -> None:
    definition, answers = case
    result = evaluate(definition, answers)
    assert set(result.shown) == reference_shown(definition, answers)
    for item in definition.items():
        if item.id not in result.shown:
            continue
        given = answers.get(item.id)
        reason = check_answer(item, given) if present(given) else None
        assert (item.id in result.answered) == (present(given) and reason is None)
        assert result.invalid.get(item.id) == reason


def justification_keys(definition: ChecklistDefinition) -> set[str]:
    return {
        justification_key(item.id)
        for item in definition.items()
        if item.met_when is not None and item.met_when.justification is not None
    }


TODAY = dt.date(2026, 12, 7)


def reference_met(item: Item, value: Any, today: dt.date) -> bool:
    """Whether a valid answer meets its item's `met_when`, from the rules in the README."""
    met = item.met_when
    assert met is not None
    if met.at_least is not None:
        return (len(value) if isinstance(value, list | tuple) else value) >= met.at_least
    if met.one_of is not None:
        return value in met.one_of
    if met.equals is not None:
        return value is met.equals
    if met.includes is not None:
        return all(option in value for option in met.includes)
    if met.min_words is not None:
        return len(value.split()) >= met.min_words
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if day > today:
        return False
    return met.within_days is None or (today - day).days <= met.within_days


@SETTINGS
@given(checklists_and_answers())
def test_met_implies_answered_and_a_justification_never_counts_as_met(
    case: tuple[ChecklistDefinition, dict[str, Any]],
) -> None:
    definition, answers = case
    result = evaluate(definition, answers, today=TODAY)
    met, not_met, justified = set(result.met), set(result.not_met), set(result.justified)
    assert met | not_met | justified == set(result.answered)
    assert not met & not_met
    assert not met & justified
    assert not not_met & justified
    for item in definition.items():
        if item.id not in result.answered:
            continue
        if item.met_when is None:
            assert item.id in met
            continue
        meets = reference_met(item, answers[item.id], TODAY)
        assert (item.id in met) is meets, item.id
        if not meets:
            why = answers.get(justification_key(item.id))
            accepted = (
                item.met_when.justification is not None
                and isinstance(why, str)
                and 0 < len(why.split()) <= JUSTIFICATION_MAX_WORDS
            )
            assert (item.id in justified) is accepted, item.id
            if not accepted:
                reason = result.not_met[item.id].reason
                assert (reason.en, reason.cy) == (item.met_when.reason.en, item.met_when.reason.cy)
    # The same answers without any justification: every justified item is then not met.
    bare = {k: v for k, v in answers.items() if k not in justification_keys(definition)}
    without = evaluate(definition, bare, today=TODAY)
    assert set(without.not_met) == not_met | justified
    assert without.met == result.met


# --- evaluate ----------------------------------------------------------------------------------


@SETTINGS
@given(checklists_and_answers())
def test_evaluate_never_raises_and_partitions_items(
    case: tuple[ChecklistDefinition, dict[str, Any]],
) -> None:
    definition, answers = case
    result = evaluate(definition, answers)
    ids = [item.id for item in definition.items()]

    # shown and hidden partition all items, in document order
    assert sorted(result.shown + result.hidden) == sorted(ids)
    assert not set(result.shown) & set(result.hidden)
    for part in (
        result.shown,
        result.hidden,
        result.answered,
        result.missing_required,
        result.missing_advisory,
        tuple(result.invalid),
    ):
        assert is_subsequence(part, ids), part

    # hidden items have no status at all
    hidden = set(result.hidden)
    assert not hidden & set(result.answered)
    assert not hidden & set(result.missing_required)
    assert not hidden & set(result.missing_advisory)
    assert not hidden & set(result.invalid)

    # every shown item is either answered or missing; invalid ones are missing
    shown = set(result.shown)
    answered, missing = set(result.answered), set(result.missing)
    assert answered | missing == shown
    assert not answered & missing
    assert not set(result.missing_required) & set(result.missing_advisory)
    assert set(result.invalid) <= missing
    for item_id in result.missing:
        assert (item_id in result.missing_required) is definition.item(item_id).required

    # ignored: exactly the present answers to hidden or unknown items (a justification
    # is an answer the item allows, not an unknown one)
    allowed = justification_keys(definition)
    assert set(result.ignored) == {
        k
        for k, v in answers.items()
        if (k in hidden or k not in ids) and k not in allowed and present(v)
    }
    assert list(result.ignored) == sorted(result.ignored)

    assert result.complete == (
        not result.missing_required and not result.invalid and not result.not_met
    )


@SETTINGS
@given(checklists_and_answers())
def test_answers_to_hidden_items_do_not_change_the_result(
    case: tuple[ChecklistDefinition, dict[str, Any]],
) -> None:
    definition, answers = case
    before = evaluate(definition, answers)
    removed = set(before.hidden)
    kept = {k: v for k, v in answers.items() if k not in removed}
    after = evaluate(definition, kept)
    # Identical but for the list of ignored answers, which loses the removed ones.
    assert after == dataclasses.replace(
        before, ignored=tuple(k for k in before.ignored if k not in removed)
    )
    assert dict(after.invalid) == dict(before.invalid)


@SETTINGS
@given(checklists_and_answers())
def test_answers_to_unknown_items_only_change_ignored(
    case: tuple[ChecklistDefinition, dict[str, Any]],
) -> None:
    definition, answers = case
    known = {item.id for item in definition.items()} | justification_keys(definition)
    only_known = {k: v for k, v in answers.items() if k in known}
    with_unknown = evaluate(definition, answers)
    without = evaluate(definition, only_known)
    assert dataclasses.replace(with_unknown, ignored=without.ignored) == without
    assert set(with_unknown.ignored) - set(without.ignored) <= set(answers) - known


@SETTINGS
@given(st.data())
def test_a_valid_answer_to_a_missing_must_meet_item_never_makes_things_worse(
    data: st.DataObject,
) -> None:
    definition, answers = data.draw(checklists_and_answers())
    before = evaluate(definition, answers)
    candidates = list(before.missing_required)
    if not candidates:
        # Nothing to add: still check the claim's premise holds the other way round.
        assert before.complete == (not before.invalid and not before.not_met)
        return
    target = data.draw(st.sampled_from(candidates), label="item answered")
    value = data.draw(valid_values(definition.item(target)), label="its answer")
    after = evaluate(definition, {**answers, target: value})

    assert not before.complete  # a must-meet item was missing
    assert target in after.shown  # an item's own answer never hides it
    assert target in after.answered
    assert target not in after.missing_required
    assert target not in after.invalid

    old, new = statuses(before), statuses(after)
    for item_id in set(old) & set(new) - {target}:
        assert new[item_id] == old[item_id], item_id
    newly_shown = set(after.shown) - set(before.shown)
    assert set(after.missing_required) - set(before.missing_required) <= newly_shown
    assert set(after.invalid) - set(before.invalid) <= newly_shown
    # If the target was all that stood in the way, and it shows nothing new that is
    # missing or invalid, the checklist is now complete.
    if before.missing_required == (target,) and not before.invalid and not before.not_met:
        blocking = newly_shown & (set(after.missing_required) | set(after.invalid))
        blocking |= set(after.not_met)  # the target's answer may be valid but not met
        assert after.complete == (not blocking)
    if not (newly_shown & (set(after.missing_required) | set(after.invalid))):
        assert len(after.missing_required) < len(before.missing_required)


@SETTINGS
@given(checklists_and_answers())
def test_evaluate_is_deterministic(case: tuple[ChecklistDefinition, dict[str, Any]]) -> None:
    definition, answers = case
    first = evaluate(definition, answers)
    assert evaluate(definition, answers) == first  # again, with the compiled form cached
    fresh = ChecklistDefinition.model_validate(definition.model_dump(by_alias=True))
    reordered = dict(reversed(list(answers.items())))
    again = evaluate(fresh, reordered)
    assert again == first
    assert list(again.invalid) == list(first.invalid)
    assert again.ignored == first.ignored
