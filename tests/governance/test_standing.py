"""Whose vote counts, said once (governance.standing), and used by every reader."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from governance.ballots import Interest
from governance.standing import declared, recused, standing_votes

BOARD = ("chair", "m1", "m2", "lead")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("interests", "lead", "leaves", "stands"),
    [
        ((), "lead", {"lead"}, {"chair", "m1", "m2"}),
        ((), None, set(), set(BOARD)),
        ((Interest("m1", "works for the charity"),), "lead", {"m1", "lead"}, {"chair", "m2"}),
        # The lead declaring as well leaves once.
        ((Interest("lead", "my own venture"),), "lead", {"lead"}, {"chair", "m1", "m2"}),
        # A lead off the Board: nobody on it leaves for them.
        ((Interest("chair", "a relative"),), "officer", {"chair", "officer"}, {"m1", "m2", "lead"}),
        (
            (Interest("m1", "a"), Interest("m1", "b"), Interest("m2", "c")),
            "lead",
            {"m1", "m2", "lead"},
            {"chair"},
        ),
    ],
)
def test_who_leaves_the_decision_and_whose_vote_counts(
    interests: tuple[Interest, ...], lead: str | None, leaves: set[str], stands: set[str]
) -> None:
    assert recused(interests, lead) == leaves
    assert standing_votes(BOARD, interests, lead) == stands
    assert declared(interests) == {i.member_id for i in interests}
    assert standing_votes(BOARD, interests, lead).isdisjoint(recused(interests, lead))


def test_no_reader_derives_recusal_by_hand() -> None:
    # "Declared an interest, or the lead" is written once: a set of interests' member
    # ids built anywhere else in governance/ or services/ is a second copy of the rule.
    found = []
    for folder in ("governance", "services"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "standing.py":
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.SetComp | ast.GeneratorExp | ast.ListComp):
                    element = node.elt
                    generators = node.generators
                    if (
                        isinstance(element, ast.Attribute)
                        and element.attr == "member_id"
                        and any(
                            isinstance(g.iter, ast.Attribute) and g.iter.attr == "interests"
                            for g in generators
                        )
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found
