"""Properties of the evaluator over random valid definitions and random answers."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists import semantics
from checklists.evaluate import Evaluation, check_answer, evaluate, is_present
from checklists.loader import load_text
from checklists.spec import ChecklistDefinition
from tests.checklists.strategies import (
    checklist_data,
    checklists,
    checklists_and_answers,
    invalid_values,
    valid_values,
)

SETTINGS = settings(
    max_examples=120,
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

    # ignored: exactly the present answers to hidden or unknown items
    assert set(result.ignored) == {
        k for k, v in answers.items() if (k in hidden or k not in ids) and is_present(v)
    }
    assert list(result.ignored) == sorted(result.ignored)

    assert result.complete == (not result.missing_required and not result.invalid)


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
    known = {item.id for item in definition.items()}
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
        assert before.complete == (not before.invalid)
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
    if before.missing_required == (target,) and not before.invalid:
        blocking = newly_shown & (set(after.missing_required) | set(after.invalid))
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
