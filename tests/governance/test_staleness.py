"""Pinned definitions, and what an answer change makes stale."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from governance.ballots import Choice, Vote
from governance.reviews import Recommendation, Review
from governance.staleness import VenturePins, pins_for, stale_after_answer_change
from tests.governance.factories import DESIGN, T0, TINY, rule

HOUR = dt.timedelta(hours=1)


def review(review_id: str, at: dt.datetime, *, stale: bool = False) -> Review:
    return Review(review_id, f"r-{review_id}", Recommendation.GO, at, stale=stale)


def vote(vote_id: str, at: dt.datetime, *, stale: bool = False) -> Vote:
    return Vote(vote_id, f"m-{vote_id}", Choice.APPROVE, at, stale=stale)


def test_an_answer_change_makes_earlier_reviews_and_votes_stale() -> None:
    reviews = [
        review("early", T0),
        review("same-moment", T0 + HOUR),
        review("later", T0 + 2 * HOUR),
    ]
    votes = [vote("v1", T0), vote("v2", T0 + 3 * HOUR), vote("old", T0, stale=True)]
    assert stale_after_answer_change(reviews, votes, T0 + HOUR) == (
        ("early", "same-moment"),
        ("v1",),
    )


def test_nothing_is_stale_before_any_review() -> None:
    assert stale_after_answer_change([], [], T0) == ((), ())


def test_a_venture_pins_its_checklist_versions_and_rule() -> None:
    pins = pins_for(DESIGN, [TINY], rule(quorum=0.5))
    assert pins.checklists == {"tiny": 1}
    assert (pins.gate_id, pins.gate_version) == ("design", 1)
    # A later edit of the rule in the programme file does not change the pinned copy.
    stored = pins.model_dump_json()
    assert VenturePins.model_validate_json(stored).rule == rule(quorum=0.5)
    assert VenturePins.model_validate_json(stored).rule != rule(quorum=0.6)


def test_pins_must_match_the_gate() -> None:
    with pytest.raises(ValueError, match="decided by rule 'board'"):
        pins_for(DESIGN, [TINY], rule(name="other"))
    other = TINY.model_copy(update={"id": "other"})
    with pytest.raises(ValueError, match="needs checklists"):
        pins_for(DESIGN, [other], rule())


def test_pins_are_frozen() -> None:
    pins = pins_for(DESIGN, [TINY], rule())
    with pytest.raises(ValidationError, match="frozen"):
        setattr(pins, "gate_id", "delivery")  # noqa: B010 - the point is to try
