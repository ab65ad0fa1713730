"""A reference for what applying the planner's effects means, for the tests.

The persistence layer does the same with rows; this does it with a snapshot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from checklists.spec import GateDefinition
from governance.advance import (
    AssignReviewers,
    Ballot,
    Effect,
    ExtendBallot,
    Notify,
    OpenBallot,
    OpenNextGate,
    RecordDecision,
    Transition,
    VentureSnapshot,
)
from governance.lifecycle import TRANSITIONS, VentureState


def apply_effects(
    snapshot: VentureSnapshot,
    effects: Iterable[Effect],
    *,
    reviewers: Iterable[str] = ("r1", "r2"),
    gates: Mapping[str, GateDefinition],
    outbox: list[Notify] | None = None,
) -> VentureSnapshot:
    s = snapshot
    for effect in effects:
        if isinstance(effect, Transition):
            assert TRANSITIONS[(s.state, effect.action)] is effect.to
            s = dataclasses.replace(s, state=effect.to)
        elif isinstance(effect, AssignReviewers):
            assigned = frozenset(reviewers)  # everyone in the reviewing roles
            s = dataclasses.replace(s, reviewers_assigned=assigned)
        elif isinstance(effect, Notify):
            if outbox is not None:
                outbox.append(effect)
        elif isinstance(effect, OpenBallot):
            assert s.ballot is None or s.ballot.number + 1 == effect.number
            s = dataclasses.replace(s, ballot=Ballot(effect.number, effect.deadline))
        elif isinstance(effect, ExtendBallot):
            assert s.ballot is not None
            assert s.ballot.number == effect.number
            ballot = dataclasses.replace(
                s.ballot,
                deadline=effect.deadline,
                closed_by_chair=False,
                more_time_granted=s.ballot.more_time_granted | set(effect.more_time_granted),
            )
            s = dataclasses.replace(s, ballot=ballot)
        elif isinstance(effect, RecordDecision):
            assert s.ballot is not None
            assert s.ballot.number == effect.ballot
            assert s.ballot.decision is None, "a ballot is decided once"
            s = dataclasses.replace(
                s, ballot=dataclasses.replace(s.ballot, decision=effect.decision)
            )
        elif isinstance(effect, OpenNextGate):
            s = dataclasses.replace(
                s,
                gate=gates[effect.gate_id],
                state=VentureState.DRAFT,
                answers={},
                submitted_at=None,
                reviewers_assigned=frozenset(),
                reviews=(),
                ballot=None,
            )
        else:  # pragma: no cover - every effect is handled above
            raise AssertionError(effect)
    return s
