"""Who must act on a venture, by when and why: the pure rules, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from checklists.loader import load_library
from checklists.spec import ChecklistDefinition
from governance import next_actions as na
from governance.ballots import Choice, Interest, Vote
from governance.catalogue import catalogue
from governance.lifecycle import VentureState as S
from governance.next_actions import (
    CODES,
    ActionFacts,
    Kind,
    Owed,
    open_items,
    owed,
    with_supporters,
)
from governance.programme import ReminderPolicy
from governance.reminders import DeadlineSet, OpenBallot, ReminderSnapshot
from governance.reviews import Recommendation, Review

UTC = dt.UTC
POLICY = ReminderPolicy()  # review_days 14
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEAD, CHAIR, M1, M2, CP = "lead@x", "chair@x", "m1@x", "m2@x", "cp@x"
R1, R2 = "r1@x", "r2@x"
BOARD = (CHAIR, M1, M2, LEAD)
SOON = NOW + dt.timedelta(days=5)
PAST = NOW - dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def checklist() -> ChecklistDefinition:
    return load_library().checklist("coproduction-start")


def snap(state: S, **kw: object) -> ReminderSnapshot:
    base: dict[str, object] = {
        "venture_id": "v1",
        "gate_id": "design",
        "state": state,
        "lead": LEAD,
        "chair": CHAIR,
        "board": BOARD,
    }
    return ReminderSnapshot(**(base | kw))  # type: ignore[arg-type]


def vote(member: str, choice: Choice, *, stale: bool = False) -> Vote:
    return Vote(f"{member}-{choice}", member, choice, NOW - dt.timedelta(days=1), stale=stale)


def review(reviewer: str, *, stale: bool = False) -> Review:
    return Review(reviewer, reviewer, Recommendation.GO, NOW - dt.timedelta(days=1), stale=stale)


def seen(found: tuple[Owed, ...]) -> list[tuple[str, str, str, bool]]:
    return [(o.person, o.kind.value, o.reason, o.deadline is not None) for o in found]


def facts(s: ReminderSnapshot, **kw: object) -> ActionFacts:
    return ActionFacts(s, **kw)  # type: ignore[arg-type]


CASES: list[tuple[str, ActionFacts, list[tuple[str, str, str, bool]]]] = [
    (
        "a complete draft: the lead submits, undated",
        facts(snap(S.DRAFT), workstream=frozenset({LEAD, CP})),
        [(LEAD, "submit", "ready-to-submit", False)],
    ),
    (
        "a complete draft given more time: dated",
        facts(
            snap(S.DRAFT, deadlines=(DeadlineSet("answers", SOON, NOW),)),
            workstream=frozenset({LEAD}),
        ),
        [(LEAD, "submit", "ready-to-submit", True)],
    ),
    (
        "returned: the lead fixes it",
        facts(snap(S.RETURNED), workstream=frozenset({LEAD, CP})),
        [(LEAD, "fix", "returned-for-changes", False)],
    ),
    (
        "recycled by the Board: the lead fixes it",
        facts(snap(S.RECYCLED)),
        [(LEAD, "fix", "recycled-by-board", False)],
    ),
    ("submitted: the rules act, nobody else", facts(snap(S.SUBMITTED)), []),
    (
        "in review: each assigned reviewer, by the review's deadline",
        facts(snap(S.IN_REVIEW, submitted_at=NOW, reviewers_assigned=frozenset({R1, R2}))),
        [(R1, "review", "review-requested", True), (R2, "review", "review-requested", True)],
    ),
    (
        "in review again: a stale recommendation is given again, a current one is done",
        facts(
            snap(
                S.IN_REVIEW,
                submitted_at=NOW - dt.timedelta(days=2),
                reviewers_assigned=frozenset({R1, R2}),
                reviews=(review(R1, stale=True), review(R2)),
            )
        ),
        [(R1, "review", "review-again", True)],
    ),
    (
        "awaiting the Board: members declare and vote; the lead and the recused do not",
        facts(
            snap(
                S.AWAITING_BOARD,
                ballot=OpenBallot(1, SOON, (vote(CHAIR, Choice.APPROVE),)),
                interests=(Interest(M2, "runs a café"),),
            )
        ),
        [(M1, "declare", "declare-before-voting", True), (M1, "vote", "vote-due", True)],
    ),
    (
        "a stale vote and a member given more time vote again, with nothing to declare",
        facts(
            snap(
                S.AWAITING_BOARD,
                ballot=OpenBallot(
                    1,
                    SOON,
                    (
                        vote(CHAIR, Choice.APPROVE),
                        vote(M1, Choice.APPROVE, stale=True),
                        vote(M2, Choice.MORE_TIME),
                    ),
                    more_time_granted=frozenset({M2}),
                ),
            )
        ),
        [(M1, "vote", "vote-again", True), (M2, "vote", "more-time-given", True)],
    ),
    (
        "everyone has voted (more time counts until it is given): the chair closes",
        facts(
            snap(
                S.AWAITING_BOARD,
                ballot=OpenBallot(
                    1,
                    SOON,
                    (
                        vote(CHAIR, Choice.APPROVE),
                        vote(M1, Choice.REJECT),
                        vote(M2, Choice.MORE_TIME),
                    ),
                ),
            )
        ),
        [(CHAIR, "close-vote", "everyone-has-voted", True)],
    ),
    (
        "the deadline has passed: the chair closes, members still may vote",
        facts(snap(S.AWAITING_BOARD, ballot=OpenBallot(1, PAST, (vote(CHAIR, Choice.APPROVE),)))),
        [
            (M1, "declare", "declare-before-voting", True),
            (M1, "vote", "vote-due", True),
            (M2, "declare", "declare-before-voting", True),
            (M2, "vote", "vote-due", True),
            (CHAIR, "close-vote", "vote-deadline-passed", True),
        ],
    ),
    (
        "the chair never closes the vote on a venture they lead",
        facts(
            snap(
                S.AWAITING_BOARD,
                lead=CHAIR,
                ballot=OpenBallot(1, PAST, (vote(M1, Choice.APPROVE), vote(M2, Choice.APPROVE))),
            )
        ),
        [(LEAD, "declare", "declare-before-voting", True), (LEAD, "vote", "vote-due", True)],
    ),
    (
        "on hold: the chair takes it off hold, undated",
        facts(snap(S.ON_HOLD)),
        [(CHAIR, "resume", "venture-on-hold", False)],
    ),
    ("on hold with no chair: nobody", facts(snap(S.ON_HOLD, chair=None)), []),
    ("approved: nothing to do", facts(snap(S.APPROVED)), []),
]


@pytest.mark.parametrize(("found", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_who_must_act(found: ActionFacts, want: list[tuple[str, str, str, bool]]) -> None:
    assert seen(owed(found, POLICY, NOW)) == want


def test_every_kind_and_reason_is_a_code_with_texts() -> None:
    """CODES holds every kind and every reason constant, and each is worded in the
    catalogue as a next action; each reason the cases give is one of them."""
    constants = {v for k, v in vars(na).items() if k.isupper() and isinstance(v, str)}
    assert constants | set(Kind) == CODES
    entries = catalogue().entries
    assert {code: entries[code].kind for code in CODES} == dict.fromkeys(CODES, "action")
    given = {o.reason for case in CASES for o in owed(case[1], POLICY, NOW)}
    assert given <= CODES
    assert len(given) >= 10


def test_a_draft_with_items_open(checklist: ChecklistDefinition) -> None:
    s = snap(S.DRAFT)
    found = owed(facts(s, workstream=frozenset({LEAD, CP}), checklists=(checklist,)), POLICY, NOW)
    items = open_items((checklist,), {})
    assert items.required
    assert all(i.startswith("coproduction-start/") for i in items.all)
    assert seen(found) == [
        (LEAD, "answer", "items-to-answer", False),
        (CP, "answer", "items-to-answer", False),
    ]
    assert found[0].params == {
        "missing": len(items.required),
        "open": len(items.all),
        "items": list(items.all),
    }
    # Nothing open for the members when every shown item has an answer; the lead submits.
    assert not open_items((), {}).all


def test_the_review_deadline_is_the_reminder_rules_one() -> None:
    submitted = NOW - dt.timedelta(days=1)
    s = snap(S.IN_REVIEW, submitted_at=submitted, reviewers_assigned=frozenset({R1}))
    [found] = owed(facts(s), POLICY, NOW)
    # Submitted Mon 30 November: 14 working days on is Fri 18 December, 17:00 (GMT).
    assert found.deadline == dt.datetime(2026, 12, 18, 17, 0, tzinfo=UTC)


def test_supporters_get_copies_on_behalf_of_the_person() -> None:
    s = snap(S.AWAITING_BOARD, ballot=OpenBallot(1, SOON))
    found = owed(facts(s), POLICY, NOW)
    helped = with_supporters(found, {("sup@x", M1), ("self@x", "self@x"), ("sup2@x", "gone@x")})
    copies = [o for o in helped if o.on_behalf_of is not None]
    assert [(o.person, o.kind, o.on_behalf_of) for o in copies] == [
        ("sup@x", Kind.DECLARE, M1),
        ("sup@x", Kind.VOTE, M1),
    ]
    assert all(o.deadline == SOON for o in copies)
    # A copy is not copied again, to whoever supports the supporter.
    assert with_supporters(helped, {("sup-of-sup@x", "sup@x")}) == helped


def test_sorted_soonest_first_undated_last() -> None:
    later = Owed(LEAD, Kind.VOTE, "v2", SOON, "vote-due")
    sooner = Owed(LEAD, Kind.REVIEW, "v3", NOW, "review-requested")
    undated = Owed(LEAD, Kind.SUBMIT, "v1", None, "ready-to-submit")
    declare = Owed(LEAD, Kind.DECLARE, "v2", SOON, "declare-before-voting")
    ordered = sorted([undated, later, sooner, declare], key=Owed.sort_key)
    assert ordered == [sooner, declare, later, undated]
