"""Whether a venture's checklists are complete, and what is missing, with reasons.

Built on `checklists.evaluate`. Each gap names the checklist and item so that a
message can show the item's own question (in English, Welsh or Easy Read) beside
the reason, which comes in English and Welsh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from checklists.evaluate import evaluate
from checklists.messages import Reason as ItemReason
from checklists.spec import ChecklistDefinition

# Not yet reviewed by a Welsh speaker, like the other Welsh texts (checklists.messages).
MISSING_MUST_MEET = ItemReason(
    "This item must be met and has no answer yet.",
    "Rhaid bodloni'r eitem hon, ac nid oes ateb iddi eto.",
)

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChecklistGap:
    checklist_id: str
    item_id: str
    problem: Literal["missing", "invalid"]
    reason: ItemReason  # en and cy


def checklist_gaps(
    checklists: Sequence[ChecklistDefinition], answers: Mapping[str, Answers]
) -> tuple[ChecklistGap, ...]:
    """Missing must-meet items and invalid answers, in checklist and document order.

    `answers` maps checklist id → item id → value. No gaps means complete.
    """
    gaps: list[ChecklistGap] = []
    for checklist in checklists:
        result = evaluate(checklist, answers.get(checklist.id, {}))
        wrong = dict(result.invalid)
        for item_id in result.shown:
            if item_id in wrong:
                gaps.append(ChecklistGap(checklist.id, item_id, "invalid", wrong[item_id]))
            elif item_id in result.missing_required:
                gaps.append(ChecklistGap(checklist.id, item_id, "missing", MISSING_MUST_MEET))
    return tuple(gaps)
