"""Small definitions and people for the governance tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from checklists.spec import ChecklistDefinition, GateDefinition
from governance.advance import VentureSnapshot
from governance.ballots import Choice, Member, Vote
from governance.lifecycle import VentureState
from governance.rules import DecisionRule

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def text(words: str) -> dict[str, str]:
    return {"en": words, "cy": f"{words} (cy)"}


def _item(item_id: str, level: str, answer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "principle": "share-power",
        "level": level,
        "question": text(f"Question {item_id}"),
        "easy_read": text(f"Easy {item_id}"),
        "answer": answer,
        **extra,
    }


TINY = ChecklistDefinition.model_validate(
    {
        "schema_version": 1,
        "kind": "checklist",
        "id": "tiny",
        "version": 1,
        "title": text("Tiny"),
        "easy_read": text("Tiny"),
        "principles": [{"id": "share-power", "label": text("Share power")}],
        "sections": [
            {
                "id": "main",
                "title": text("Main"),
                "items": [
                    _item("purpose", "must-meet", {"type": "text", "max_words": 5}),
                    _item("people", "must-meet", {"type": "number", "min": 1}),
                    _item("welsh", "should-meet", {"type": "yes-no"}),
                    _item(
                        "welsh-how",
                        "must-meet",
                        {"type": "text", "max_words": 5},
                        show_if={"item": "welsh", "equals": True},
                    ),
                ],
            }
        ],
    }
)
COMPLETE = {"tiny": {"purpose": "we plan together", "people": 4}}
VALID_VALUES: dict[str, list[Any]] = {
    "purpose": ["we plan together", "one"],
    "people": [1, 7],
    "welsh": [True, False],
    "welsh-how": ["bilingual papers"],
}
INVALID_VALUES: dict[str, list[Any]] = {
    "purpose": ["far too many words in this one answer", 3],
    "people": [0, "many"],
    "welsh": ["yes"],
    "welsh-how": [5],
}


def gate(gate_id: str, next_gate: str | None, rule: str = "board") -> GateDefinition:
    return GateDefinition.model_validate(
        {
            "schema_version": 1,
            "kind": "gate",
            "id": gate_id,
            "version": 1,
            "title": text(gate_id),
            "easy_read": text(gate_id),
            "checklists": ["tiny"],
            "reviewers": ["reviewer"],
            "decision_rule": rule,
            "next_gate": next_gate,
        }
    )


DESIGN = gate("design", "delivery")
DELIVERY = gate("delivery", None)
GATES = {g.id: g for g in (DESIGN, DELIVERY)}


def rule(**overrides: Any) -> DecisionRule:
    return DecisionRule.model_validate({"name": "board", "quorum": 3, **overrides})


# The chair and two other members have lived experience.
BOARD = (
    Member("chair", lived_experience=True, is_chair=True),
    Member("m1", lived_experience=True),
    Member("m2", lived_experience=True),
    Member("m3"),
    Member("m4"),
)


def votes(choices: Mapping[str, Choice | str], at: dt.datetime = T0, **extra: Any) -> list[Vote]:
    return [
        Vote(f"v-{member}", member, Choice(choice), at, **extra)
        for member, choice in choices.items()
    ]


def snapshot(state: VentureState = VentureState.DRAFT, **overrides: Any) -> VentureSnapshot:
    fields: dict[str, Any] = {
        "venture_id": "v1",
        "lead_id": "lead",
        "state": state,
        "gate": DESIGN,
        "checklists": (TINY,),
        "answers": COMPLETE,
        "rule": rule(),
        "members": (*BOARD, Member("lead")),
        "now": T0,
        "submitted_at": T0,
        "reviews_required": 2,
    }
    fields.update(overrides)
    return VentureSnapshot(**fields)
