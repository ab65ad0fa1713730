"""The transition table: every legal move, and illegal ones refused with a reason."""

from __future__ import annotations

import itertools

import pytest

from governance.lifecycle import (
    FINAL_STATES,
    HUMAN_ACTIONS,
    OPEN_STATES,
    TRANSITIONS,
    Action,
    Refused,
    VentureState,
    allowed_actions,
    is_final,
    next_gate_after,
    transition,
)
from tests.governance.factories import DELIVERY, DESIGN

S = VentureState
A = Action

# The table written out again by hand, row by row, as the issue describes it.
LEGAL = [
    (S.DRAFT, A.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, A.RETURN_FOR_CHANGES, S.RETURNED),
    (S.SUBMITTED, A.ACCEPT_FOR_REVIEW, S.IN_REVIEW),
    (S.RETURNED, A.REOPEN, S.DRAFT),
    (S.IN_REVIEW, A.SEND_TO_BOARD, S.AWAITING_BOARD),
    (S.IN_REVIEW, A.RETURN_FOR_CHANGES, S.RETURNED),
    (S.AWAITING_BOARD, A.APPROVE, S.APPROVED),
    (S.AWAITING_BOARD, A.APPROVE_WITH_CONDITIONS, S.APPROVED_WITH_CONDITIONS),
    (S.AWAITING_BOARD, A.RECYCLE, S.RECYCLED),
    (S.AWAITING_BOARD, A.REJECT, S.REJECTED),
    (S.AWAITING_BOARD, A.HOLD, S.ON_HOLD),
    (S.AWAITING_BOARD, A.REVIEW_AGAIN, S.IN_REVIEW),
    (S.AWAITING_BOARD, A.RETURN_FOR_CHANGES, S.RETURNED),
    (S.ON_HOLD, A.RESUME, S.AWAITING_BOARD),
    (S.RECYCLED, A.REOPEN, S.DRAFT),
    *[(state, A.WITHDRAW, S.WITHDRAWN) for state in sorted(OPEN_STATES)],
]


@pytest.mark.parametrize(("start", "action", "end"), LEGAL)
def test_every_legal_transition(start: S, action: A, end: S) -> None:
    assert transition(start, action) is end


def test_the_table_is_exactly_the_legal_rows() -> None:
    assert {(s, a): e for s, a, e in LEGAL} == TRANSITIONS


ILLEGAL = [
    (start, action)
    for start, action in itertools.product(VentureState, Action)
    if (start, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("start", "action"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_reason(start: S, action: A) -> None:
    refused = transition(start, action)
    assert isinstance(refused, Refused)
    assert not refused
    assert (refused.state, refused.action) == (start, action)
    assert refused.reason.startswith("A venture that is ")
    assert refused.reason.endswith(".")


@pytest.mark.parametrize(
    ("start", "action", "reason"),
    [
        (
            S.DRAFT,
            A.APPROVE,
            "A venture that is draft cannot be approved; it can only be submitted, withdrawn.",
        ),
        (
            S.APPROVED,
            A.WITHDRAW,
            "A venture that is approved cannot be withdrawn: approved is final for this gate.",
        ),
        (
            S.WITHDRAWN,
            A.REOPEN,
            "A venture that is withdrawn cannot be reopened: withdrawn is final for this gate.",
        ),
        (
            S.RETURNED,
            A.SUBMIT,
            "A venture that is returned for changes cannot be submitted;"
            " it can only be reopened, withdrawn.",
        ),
        (
            S.ON_HOLD,
            A.APPROVE,
            "A venture that is on hold cannot be approved; it can only be resumed, withdrawn.",
        ),
    ],
)
def test_refusals_name_the_state_and_the_action(start: S, action: A, reason: str) -> None:
    refused = transition(start, action)
    assert isinstance(refused, Refused)
    assert refused.reason == reason


def test_final_states_allow_nothing() -> None:
    assert {S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED, S.WITHDRAWN} == FINAL_STATES
    for state in FINAL_STATES:
        assert is_final(state)
        assert allowed_actions(state) == ()


def test_withdrawn_is_reachable_from_every_open_state() -> None:
    for state in OPEN_STATES:
        assert not is_final(state)
        assert transition(state, A.WITHDRAW) is S.WITHDRAWN


def test_every_state_is_reachable_from_draft() -> None:
    seen, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        state = frontier.pop()
        for action in allowed_actions(state):
            target = TRANSITIONS[(state, action)]
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(VentureState)


def test_people_take_only_submit_reopen_withdraw_and_resume() -> None:
    assert {A.SUBMIT, A.REOPEN, A.WITHDRAW, A.RESUME} == HUMAN_ACTIONS


def test_an_approval_opens_the_next_gate() -> None:
    assert next_gate_after(DESIGN) == "delivery"
    assert next_gate_after(DELIVERY) is None
