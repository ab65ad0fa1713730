"""Who may do what: each rule allowed, and denied with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from governance.ballots import Interest
from governance.lifecycle import VentureState
from governance.permissions import (
    ALLOWED,
    Actor,
    Allowed,
    Denied,
    Permission,
    Role,
    VentureFacts,
    board_of,
    may_answer,
    may_close_vote,
    may_declare,
    may_extend,
    may_reopen,
    may_resume,
    may_start_venture,
    may_submit,
    may_support,
    may_view_audit,
    may_view_pack,
    may_view_venture,
    may_vote,
    may_withdraw,
)
from governance.permissions import may_review as may_review_

S = VentureState
R = Role


def actor(person: str, *roles: Role, supports: str | None = None) -> Actor:
    return Actor(person, frozenset(roles), supports=supports)


LEAD = actor("lead", R.LEAD, R.BOARD_MEMBER, R.REVIEWER)  # holds every role that could tempt
COPRODUCER = actor("cp", R.CO_PRODUCER)
OUTSIDER = actor("outsider", R.CO_PRODUCER)
REVIEWER = actor("rev", R.REVIEWER)
MEMBER = actor("bm", R.BOARD_MEMBER)
CHAIR = actor("chair", R.CHAIR)
ADMIN = actor("admin", R.ADMIN)
SUPPORTER = actor("sup", supports="bm")
SUPPORTER_ON_BOARD = actor("sup2", R.BOARD_MEMBER, supports="bm")
INTEREST = (Interest("bm", "my employer bids for this work"),)


def venture(state: S) -> VentureFacts:
    return VentureFacts("v1", "lead", frozenset({"lead", "cp"}), state)


Rule = Callable[[Actor, VentureFacts], Permission]


def may_vote_(a: Actor, v: VentureFacts) -> Permission:
    return may_vote(a, v, INTEREST)


def may_vote_no_interest(a: Actor, v: VentureFacts) -> Permission:
    return may_vote(a, v, ())


CASES: list[tuple[str, Rule, Actor, S, str | None]] = [
    # (case, rule, actor, state, denial code or None if allowed)
    ("lead answers", may_answer, LEAD, S.DRAFT, None),
    ("co-producer answers", may_answer, COPRODUCER, S.IN_REVIEW, None),
    ("outsider may not answer", may_answer, OUTSIDER, S.DRAFT, "not-in-workstream"),
    ("no answers once final", may_answer, LEAD, S.APPROVED, "venture-closed"),
    ("co-producer reopens a returned venture", may_reopen, COPRODUCER, S.RETURNED, None),
    ("lead reopens a recycled venture", may_reopen, LEAD, S.RECYCLED, None),
    ("nothing to reopen in draft", may_reopen, LEAD, S.DRAFT, "wrong-state"),
    ("outsider may not reopen", may_reopen, OUTSIDER, S.RETURNED, "not-in-workstream"),
    ("lead submits", may_submit, LEAD, S.DRAFT, None),
    ("co-producer may not submit", may_submit, COPRODUCER, S.DRAFT, "not-lead"),
    ("submit only from draft", may_submit, LEAD, S.IN_REVIEW, "wrong-state"),
    ("reviewer reviews", may_review_, REVIEWER, S.IN_REVIEW, None),
    ("lead never reviews own venture", may_review_, LEAD, S.IN_REVIEW, "own-venture"),
    ("board member is no reviewer", may_review_, MEMBER, S.IN_REVIEW, "not-reviewer"),
    ("review only in review", may_review_, REVIEWER, S.DRAFT, "wrong-state"),
    ("board member votes", may_vote_no_interest, MEMBER, S.AWAITING_BOARD, None),
    ("chair votes", may_vote_, CHAIR, S.AWAITING_BOARD, None),
    ("lead never votes on own venture", may_vote_, LEAD, S.AWAITING_BOARD, "own-venture"),
    ("declared interest", may_vote_, MEMBER, S.AWAITING_BOARD, "declared-interest"),
    ("supporter never votes", may_vote_, SUPPORTER, S.AWAITING_BOARD, "supporter"),
    (
        "supporter on the board still never votes",
        may_vote_no_interest,
        SUPPORTER_ON_BOARD,
        S.AWAITING_BOARD,
        "supporter",
    ),
    ("reviewer is not on the board", may_vote_, REVIEWER, S.AWAITING_BOARD, "not-on-board"),
    ("vote only awaiting the board", may_vote_no_interest, MEMBER, S.ON_HOLD, "wrong-state"),
    ("chair closes the vote", may_close_vote, CHAIR, S.AWAITING_BOARD, None),
    ("member may not close", may_close_vote, MEMBER, S.AWAITING_BOARD, "not-chair"),
    ("nothing to close in review", may_close_vote, CHAIR, S.IN_REVIEW, "wrong-state"),
    ("lead extends", may_extend, LEAD, S.IN_REVIEW, None),
    ("chair extends", may_extend, CHAIR, S.AWAITING_BOARD, None),
    ("admin extends", may_extend, ADMIN, S.DRAFT, None),
    ("co-producer may not extend", may_extend, COPRODUCER, S.DRAFT, "may-not-extend"),
    ("nothing to extend once final", may_extend, LEAD, S.REJECTED, "venture-closed"),
    ("lead withdraws", may_withdraw, LEAD, S.ON_HOLD, None),
    ("admin withdraws", may_withdraw, ADMIN, S.DRAFT, None),
    ("chair may not withdraw", may_withdraw, CHAIR, S.DRAFT, "may-not-withdraw"),
    ("withdrawn is final", may_withdraw, LEAD, S.WITHDRAWN, "venture-closed"),
    ("chair resumes", may_resume, CHAIR, S.ON_HOLD, None),
    ("admin resumes", may_resume, ADMIN, S.ON_HOLD, None),
    ("lead may not resume", may_resume, LEAD, S.ON_HOLD, "may-not-resume"),
    ("resume only from hold", may_resume, CHAIR, S.DRAFT, "wrong-state"),
]


@pytest.mark.parametrize(
    ("rule", "who", "state", "denied"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rules(rule: Rule, who: Actor, state: S, denied: str | None) -> None:
    answer = rule(who, venture(state))
    if denied is None:
        assert answer == ALLOWED
        assert answer
        return
    assert isinstance(answer, Denied)
    assert not answer
    assert answer.code == denied
    assert answer.reason.endswith(".")
    assert answer.reason[0].isupper()


def test_only_workstream_members_start_ventures() -> None:
    assert may_start_venture(COPRODUCER, {"lead", "cp"}) == ALLOWED
    denied = may_start_venture(OUTSIDER, {"lead", "cp"})
    assert denied == Denied(
        "not-in-workstream", "Only members of a workstream may start a venture in it."
    )


def test_only_board_members_declare() -> None:
    assert isinstance(may_declare(MEMBER), Allowed)
    assert isinstance(may_declare(CHAIR), Allowed)
    assert may_declare(REVIEWER) == Denied(
        "not-on-board", "Only members of the Board declare interests."
    )


def test_a_supporter_helps_only_the_person_they_support() -> None:
    assert may_support(SUPPORTER, MEMBER) == ALLOWED
    denied = may_support(SUPPORTER, CHAIR)
    assert isinstance(denied, Denied)
    assert denied.code == "not-their-supporter"


def test_the_chair_does_not_close_a_vote_on_their_own_venture() -> None:
    own = VentureFacts("v2", "chair", frozenset({"chair"}), S.AWAITING_BOARD)
    denied = may_close_vote(CHAIR, own)
    assert isinstance(denied, Denied)
    assert denied.code == "own-venture"


def test_denials_name_the_state() -> None:
    denied = may_vote(MEMBER, venture(S.ON_HOLD), ())
    assert denied == Denied(
        "wrong-state", "The venture is on hold; it can be voted on only when awaiting the Board."
    )


def test_the_board_is_everyone_with_a_board_role() -> None:
    people = [LEAD, CHAIR, MEMBER, REVIEWER, Actor("le", frozenset({R.BOARD_MEMBER}), True)]
    board = board_of(people)
    assert [m.id for m in board] == ["lead", "chair", "bm", "le"]
    assert [m.is_chair for m in board] == [False, True, False, False]
    assert board[-1].lived_experience


# --- who may see what -------------------------------------------------------------------

ASSIGNED = actor("rev", R.REVIEWER)  # assigned to the venture (REVIEWERS below)
UNASSIGNED = actor("rev2", R.REVIEWER)
SUPPORTER_OF_CP = actor("sup-cp", supports="cp")
SUPPORTER_OF_OUTSIDER = actor("sup-out", supports="outsider")
REVIEWERS = frozenset({"rev"})
# The person each supporter supports, as the caller passes them.
SUPPORTED = {"bm": MEMBER, "cp": COPRODUCER, "outsider": OUTSIDER}

ViewRule = Callable[[Actor, VentureFacts], Permission]


def _supported(a: Actor) -> Actor | None:
    return SUPPORTED.get(a.supports) if a.supports else None


def view_venture(a: Actor, v: VentureFacts) -> Permission:
    return may_view_venture(a, v, reviewers=REVIEWERS, supported=_supported(a))


def view_audit(a: Actor, v: VentureFacts) -> Permission:
    return may_view_audit(a, v, reviewers=REVIEWERS, supported=_supported(a))


def view_pack(a: Actor, _v: VentureFacts) -> Permission:
    return may_view_pack(a, supported=_supported(a))


SEEING: list[tuple[str, ViewRule, Actor, str | None]] = [
    # (case, rule, actor, denial code or None if allowed)
    ("lead sees the venture", view_venture, LEAD, None),
    ("co-producer of its workstream sees it", view_venture, COPRODUCER, None),
    ("assigned reviewer sees it", view_venture, ASSIGNED, None),
    ("reviewer not assigned does not", view_venture, UNASSIGNED, "not-concerned"),
    ("board member sees it", view_venture, MEMBER, None),
    ("chair sees it", view_venture, CHAIR, None),
    ("admin sees it", view_venture, ADMIN, None),
    ("outsider does not", view_venture, OUTSIDER, "not-concerned"),
    ("supporter of a member sees it", view_venture, SUPPORTER, None),
    ("supporter of a co-producer sees it", view_venture, SUPPORTER_OF_CP, None),
    ("supporter of an outsider does not", view_venture, SUPPORTER_OF_OUTSIDER, "not-concerned"),
    ("lead sees the history", view_audit, LEAD, None),
    ("co-producer sees the history", view_audit, COPRODUCER, None),
    ("assigned reviewer sees the history", view_audit, ASSIGNED, None),
    ("reviewer not assigned does not see the history", view_audit, UNASSIGNED, "not-concerned"),
    ("board member sees the history", view_audit, MEMBER, None),
    ("chair sees the history", view_audit, CHAIR, None),
    ("admin sees the history", view_audit, ADMIN, None),
    ("outsider does not see the history", view_audit, OUTSIDER, "not-concerned"),
    ("supporter of a member sees the history", view_audit, SUPPORTER, None),
    ("supporter of an outsider, no history", view_audit, SUPPORTER_OF_OUTSIDER, "not-concerned"),
    ("board member sees the papers", view_pack, MEMBER, None),
    ("chair sees the papers", view_pack, CHAIR, None),
    ("admin sees the papers", view_pack, ADMIN, None),
    ("supporter of a member sees the papers", view_pack, SUPPORTER, None),
    ("co-producer does not see the papers", view_pack, COPRODUCER, "not-on-board"),
    ("reviewer does not see the papers", view_pack, ASSIGNED, "not-on-board"),
    ("supporter of a co-producer, no papers", view_pack, SUPPORTER_OF_CP, "not-on-board"),
]


@pytest.mark.parametrize(
    ("rule", "who", "denied"),
    [case[1:] for case in SEEING],
    ids=[case[0] for case in SEEING],
)
@pytest.mark.parametrize("state", [S.DRAFT, S.AWAITING_BOARD, S.APPROVED])
def test_who_may_see(rule: ViewRule, who: Actor, denied: str | None, state: S) -> None:
    # Seeing does not depend on the state: a closed venture's record stays readable.
    answer = rule(who, venture(state))
    if denied is None:
        assert answer == ALLOWED
        return
    assert isinstance(answer, Denied)
    assert answer.code == denied
    assert answer.reason.endswith(".")


def test_a_supporter_sees_only_through_the_person_they_support() -> None:
    # Passing someone else as `supported` lends the supporter nothing.
    assert may_view_venture(SUPPORTER_OF_OUTSIDER, venture(S.DRAFT), supported=COPRODUCER) == (
        Denied(
            "not-concerned",
            "Only the venture's workstream, its reviewers, the Board and admins may see it.",
        )
    )
    assert isinstance(may_view_pack(OUTSIDER, supported=MEMBER), Denied)
    # Without the supported person, a supporter sees only what they see themselves.
    assert isinstance(may_view_venture(SUPPORTER, venture(S.DRAFT)), Denied)
