"""A decision rule as the programme file declares it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from governance.rules import DecisionRule, Threshold


def make(**fields: Any) -> DecisionRule:
    return DecisionRule.model_validate({"name": "board-standard", **fields})


def test_defaults() -> None:
    r = make(quorum=3)
    assert r.threshold is Threshold.SIMPLE_MAJORITY
    assert (r.lived_experience_quorum, r.chair_must_vote, r.chair_casting_vote) == (0, False, False)
    assert (r.more_time_days, r.voting_days) == (7, 14)


@pytest.mark.parametrize(
    ("quorum", "kept", "needed_of_5"),
    [(3, 3, 3), (0.5, 0.5, 3), (1.0, 1.0, 5), (4.0, 4, 4), (0.2, 0.2, 1)],
)
def test_quorum_is_a_count_or_a_fraction(quorum: float, kept: float, needed_of_5: int) -> None:
    r = make(quorum=quorum)
    assert r.quorum == kept
    assert type(r.quorum) is type(kept)
    assert r.quorum_needed(5) == needed_of_5


@pytest.mark.parametrize(
    ("quorum", "message"),
    [
        (0, "a quorum count must be 1 or more"),
        (1.5, "a quorum fraction must be more than 0 and at most 1"),
        (-0.5, "a quorum fraction must be more than 0 and at most 1"),
        (True, "quorum must be a whole number (3) or a fraction"),
        ("half", "quorum must be a whole number (3) or a fraction"),
    ],
)
def test_bad_quorums_get_one_clear_message(quorum: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make(quorum=quorum)
    errors = caught.value.errors()
    assert len(errors) == 1
    assert message in errors[0]["msg"]


def test_unknown_keys_and_thresholds_are_refused() -> None:
    with pytest.raises(ValidationError):
        make(quorum=3, quorom=4)
    with pytest.raises(ValidationError):
        make(quorum=3, threshold="most")


def test_the_rule_round_trips_through_json() -> None:
    r = make(quorum=0.5, threshold="two-thirds", lived_experience_quorum=2)
    assert DecisionRule.model_validate_json(r.model_dump_json()) == r
    assert r.model_dump(mode="json")["threshold"] == "two-thirds"
