"""Who may record a vote or an answer for someone else, and who confirms it. Pure."""

from __future__ import annotations

from governance.ballots import Interest
from governance.lifecycle import VentureState
from governance.permissions import (
    Actor,
    Role,
    VentureFacts,
    may_clerk,
    may_confirm,
    may_record_answer_for,
    may_record_vote_for,
)

CLERK = Actor("clerk@x", frozenset({Role.CLERK}))
ADMIN = Actor("admin@x", frozenset({Role.ADMIN}))
MEMBER = Actor("member@x", frozenset({Role.BOARD_MEMBER}))
LEAD = Actor("lead@x", frozenset({Role.LEAD, Role.BOARD_MEMBER}))
HELPER = Actor("helper@x", frozenset(), supports="member@x")
AT_BOARD = VentureFacts("v-1", "lead@x", frozenset({"lead@x", "co@x"}), VentureState.AWAITING_BOARD)
DRAFT = VentureFacts("v-1", "lead@x", frozenset({"lead@x", "co@x"}), VentureState.DRAFT)


def test_only_a_clerk_or_an_admin_records() -> None:
    assert may_clerk(CLERK)
    assert may_clerk(ADMIN)
    assert not may_clerk(MEMBER)
    assert may_record_vote_for(CLERK, MEMBER, AT_BOARD, ())
    assert may_record_vote_for(ADMIN, MEMBER, AT_BOARD, ())
    refused = may_record_vote_for(MEMBER, LEAD, AT_BOARD, ())
    assert not refused
    assert refused.code == "not-clerk"  # type: ignore[union-attr]


def test_never_for_themselves() -> None:
    clerk_on_board = Actor("c@x", frozenset({Role.CLERK, Role.BOARD_MEMBER}))
    refused = may_record_vote_for(clerk_on_board, clerk_on_board, AT_BOARD, ())
    assert refused.code == "clerk-own-record"  # type: ignore[union-attr]


def test_a_vote_only_for_a_member_who_may_vote() -> None:
    def code(member: Actor, interests: tuple[Interest, ...] = ()) -> str:
        result = may_record_vote_for(CLERK, member, AT_BOARD, interests)
        return getattr(result, "code", "allowed")

    assert code(MEMBER) == "allowed"
    assert code(LEAD) == "own-venture"
    assert code(HELPER) == "supporter"
    assert code(Actor("co@x", frozenset({Role.CO_PRODUCER}))) == "not-on-board"
    assert code(MEMBER, (Interest("member@x", "runs a café"),)) == "declared-interest"
    draft = may_record_vote_for(CLERK, MEMBER, DRAFT, ())
    assert draft.code == "wrong-state"  # type: ignore[union-attr]


def test_an_answer_only_for_someone_who_may_answer() -> None:
    co = Actor("co@x", frozenset({Role.CO_PRODUCER}))
    assert may_record_answer_for(CLERK, co, DRAFT)
    refused = may_record_answer_for(CLERK, MEMBER, DRAFT)
    assert refused.code == "not-in-workstream"  # type: ignore[union-attr]


def test_only_the_person_confirms() -> None:
    assert may_confirm(MEMBER, "member@x")
    assert not may_confirm(HELPER, "member@x")  # a supporter helps, never confirms
    assert not may_confirm(CLERK, "member@x")
