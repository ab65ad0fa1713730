"""Whether a venture's checklists are complete, and what is missing, with reasons.

Built on `checklists.evaluate`. Each gap names the checklist and item so that a
message can show the item's own question (in English, Welsh or Easy Read) beside
the reason, which comes in English and Welsh.
"""

from __future__ import annotations

import datetime as dt
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
    problem: Literal["missing", "invalid", "not-met"]
    reason: ItemReason  # en and cy
    easy_read: ItemReason | None = None  # not-met: the checklist's Easy Read reason
    audience: str = "anyone"  # who answers the item (checklists.spec.Audience)


def for_co_producers(gaps: Sequence[ChecklistGap]) -> tuple[ChecklistGap, ...]:
    """The gaps a co-producer can close: not those the lead alone answers."""
    return tuple(g for g in gaps if g.audience != "lead")


def checklist_gaps(
    checklists: Sequence[ChecklistDefinition],
    answers: Mapping[str, Answers],
    today: dt.date | None = None,
) -> tuple[ChecklistGap, ...]:
    """Missing must-meet items, invalid answers and answers that do not meet what the
    item asks (with the checklist's own reason), in checklist and document order.

    `answers` maps checklist id → item id → value. No gaps means complete. `today`:
    the day relative date tests count from (None: the system's date).
    """
    gaps: list[ChecklistGap] = []
    for checklist in checklists:
        result = evaluate(checklist, answers.get(checklist.id, {}), today=today)
        wrong = dict(result.invalid)
        audiences = {i.id: i.audience for i in checklist.items()}
        for item_id in result.shown:
            who = audiences.get(item_id, "anyone")
            if item_id in wrong:
                why = wrong[item_id]
                gaps.append(ChecklistGap(checklist.id, item_id, "invalid", why, None, who))
            elif item_id in result.missing_required:
                gaps.append(
                    ChecklistGap(checklist.id, item_id, "missing", MISSING_MUST_MEET, None, who)
                )
            elif item_id in result.not_met:
                unmet = result.not_met[item_id]
                gaps.append(
                    ChecklistGap(
                        checklist.id, item_id, "not-met", unmet.reason, unmet.easy_read, who
                    )
                )
    return tuple(gaps)
