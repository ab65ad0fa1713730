"""The venture lifecycle within one gate, as an explicit transition table.

A venture moves through the states of a gate by actions. Some actions are taken by
people (submit, reopen, withdraw, resume); the others are taken by the planner in
`governance.advance` when the rules allow. Approved, approved with conditions,
rejected and withdrawn are final for the gate; an approval opens the next gate,
where the venture starts again in draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from checklists.spec import GateDefinition
from governance.catalogue import Param, text


class VentureState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    IN_REVIEW = "in_review"
    AWAITING_BOARD = "awaiting_board"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    RECYCLED = "recycled"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    SUBMIT = "submit"
    RETURN_FOR_CHANGES = "return_for_changes"
    ACCEPT_FOR_REVIEW = "accept_for_review"
    SEND_TO_BOARD = "send_to_board"
    REVIEW_AGAIN = "review_again"
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    RECYCLE = "recycle"
    REJECT = "reject"
    HOLD = "hold"
    RESUME = "resume"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"


S = VentureState
A = Action

# (from state, action) → to state. Anything not listed is refused.
TRANSITIONS: dict[tuple[VentureState, Action], VentureState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    # the planner evaluates the checklist of a submitted venture at once
    (S.SUBMITTED, A.RETURN_FOR_CHANGES): S.RETURNED,
    (S.SUBMITTED, A.ACCEPT_FOR_REVIEW): S.IN_REVIEW,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    # sent back: editing reopens the draft
    (S.RETURNED, A.REOPEN): S.DRAFT,
    (S.RETURNED, A.WITHDRAW): S.WITHDRAWN,
    # recommendations are advice: once every assigned reviewer has given one, it goes on
    (S.IN_REVIEW, A.SEND_TO_BOARD): S.AWAITING_BOARD,
    (S.IN_REVIEW, A.RETURN_FOR_CHANGES): S.RETURNED,  # an answer changed and is now missing
    (S.IN_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    # the Board's decisions
    (S.AWAITING_BOARD, A.APPROVE): S.APPROVED,
    (S.AWAITING_BOARD, A.APPROVE_WITH_CONDITIONS): S.APPROVED_WITH_CONDITIONS,
    (S.AWAITING_BOARD, A.RECYCLE): S.RECYCLED,
    (S.AWAITING_BOARD, A.REJECT): S.REJECTED,
    (S.AWAITING_BOARD, A.HOLD): S.ON_HOLD,
    # an answer changed after review: recommendations are stale and must be given again
    (S.AWAITING_BOARD, A.REVIEW_AGAIN): S.IN_REVIEW,
    (S.AWAITING_BOARD, A.RETURN_FOR_CHANGES): S.RETURNED,
    (S.AWAITING_BOARD, A.WITHDRAW): S.WITHDRAWN,
    # on hold: the Board takes it up again with a new vote
    (S.ON_HOLD, A.RESUME): S.AWAITING_BOARD,
    (S.ON_HOLD, A.WITHDRAW): S.WITHDRAWN,
    # recycled: back to draft with the Board's notes
    (S.RECYCLED, A.REOPEN): S.DRAFT,
    (S.RECYCLED, A.WITHDRAW): S.WITHDRAWN,
}

FINAL_STATES: frozenset[VentureState] = frozenset(
    {S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED, S.WITHDRAWN}
)
OPEN_STATES: frozenset[VentureState] = frozenset(VentureState) - FINAL_STATES
APPROVED_STATES: frozenset[VentureState] = frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS})

# Actions a person takes (checked by governance.permissions); the planner takes the rest.
HUMAN_ACTIONS: frozenset[Action] = frozenset({A.SUBMIT, A.REOPEN, A.WITHDRAW, A.RESUME})
PLANNER_ACTIONS: frozenset[Action] = frozenset(Action) - HUMAN_ACTIONS

# The English words for states and actions; the catalogue's word tables hold the
# same words (a test keeps them alike) and the Welsh and Easy Read ones.
STATE_WORDS: dict[VentureState, str] = {
    S.DRAFT: "draft",
    S.SUBMITTED: "submitted",
    S.RETURNED: "returned for changes",
    S.IN_REVIEW: "in review",
    S.AWAITING_BOARD: "awaiting the Board",
    S.APPROVED: "approved",
    S.APPROVED_WITH_CONDITIONS: "approved with conditions",
    S.RECYCLED: "sent back for more work",
    S.REJECTED: "rejected",
    S.ON_HOLD: "on hold",
    S.WITHDRAWN: "withdrawn",
}
ACTION_WORDS: dict[Action, str] = {
    A.SUBMIT: "submitted",
    A.RETURN_FOR_CHANGES: "returned for changes",
    A.ACCEPT_FOR_REVIEW: "accepted for review",
    A.SEND_TO_BOARD: "sent to the Board",
    A.REVIEW_AGAIN: "sent back for review",
    A.APPROVE: "approved",
    A.APPROVE_WITH_CONDITIONS: "approved with conditions",
    A.RECYCLE: "sent back for more work",
    A.REJECT: "rejected",
    A.HOLD: "put on hold",
    A.RESUME: "resumed",
    A.REOPEN: "reopened",
    A.WITHDRAW: "withdrawn",
}


@dataclass(frozen=True, slots=True)
class Refused:
    """An action the table does not allow from a state, with a sentence saying so.

    `code` ("transition-final" or "transition-refused") and `params` write the
    sentence in any language from the catalogue; `reason` is the English one.
    """

    state: VentureState
    action: Action
    reason: str
    code: str = "transition-refused"
    params: Mapping[str, Param] = field(default_factory=dict, compare=False, hash=False)

    def __bool__(self) -> bool:
        return False


def allowed_actions(state: VentureState) -> tuple[Action, ...]:
    return tuple(action for (start, action) in TRANSITIONS if start is state)


def transition(state: VentureState, action: Action) -> VentureState | Refused:
    target = TRANSITIONS.get((state, action))
    if target is not None:
        return target
    params: dict[str, Param] = {"state": state.value, "action": action.value}
    if state in FINAL_STATES:
        code = "transition-final"
    else:
        code = "transition-refused"
        params["allowed"] = [a.value for a in allowed_actions(state)]
    return Refused(state, action, text(code, "en", params), code, params)


def is_final(state: VentureState) -> bool:
    return state in FINAL_STATES


def next_gate_after(gate: GateDefinition) -> str | None:
    """The gate an approval opens, or None after the last gate."""
    return gate.next_gate
