"""Versions and staleness: what a venture keeps, and what an answer change undoes.

A venture keeps the checklist versions and the decision rule of the gate as they
were when the gate opened (`VenturePins`); a newer definition applies to new
ventures and to the next gate only. Changing an answer after a recommendation or
a vote makes it stale: it was given on different answers and must be given again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from checklists.spec import ChecklistDefinition, GateDefinition
from governance.ballots import Vote
from governance.reviews import Review
from governance.rules import DecisionRule


class VenturePins(BaseModel):
    """The definitions a venture's current gate is held to (JSON-serialisable)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gate_id: str
    gate_version: int
    checklists: dict[str, int]  # checklist id → version
    rule: DecisionRule  # a snapshot, not a name: a later edit of the rule does not apply


def pins_for(
    gate: GateDefinition, checklists: Sequence[ChecklistDefinition], rule: DecisionRule
) -> VenturePins:
    """Pin a gate as it opens. Raises ValueError if the pieces do not belong together."""
    given = {c.id: c.version for c in checklists}
    if set(given) != set(gate.checklists):
        raise ValueError(
            f"gate '{gate.id}' needs checklists {sorted(gate.checklists)}, got {sorted(given)}"
        )
    if rule.name != gate.decision_rule:
        raise ValueError(
            f"gate '{gate.id}' is decided by rule '{gate.decision_rule}', got '{rule.name}'"
        )
    return VenturePins(gate_id=gate.id, gate_version=gate.version, checklists=given, rule=rule)


def stale_after_answer_change(
    reviews: Iterable[Review], votes: Iterable[Vote], changed_at: dt.datetime
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Ids of the reviews and votes an answer change at `changed_at` makes stale.

    Pass the reviews and votes of the venture's current gate round; decided ballots
    are history and keep their meaning. One given at the very moment of the change
    is stale too: it cannot be known to have seen the new answer.
    """
    stale_reviews = tuple(r.id for r in reviews if not r.stale and r.given_at <= changed_at)
    stale_votes = tuple(v.id for v in votes if not v.stale and v.cast_at <= changed_at)
    return stale_reviews, stale_votes
