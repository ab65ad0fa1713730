"""Assisted actions on both databases: what a clerk records counts only once the person
confirms it; a declined one never counts; every refusal is audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import audit, queries
from models import tables as t
from models.db import read_session, unit_of_work
from services.assisted import (
    clerk_desk,
    confirm,
    decline,
    my_pending,
    pending_action,
    record_answer_for,
    record_vote_for,
)
from services.commands import (
    CommandError,
    Cyd,
    NotFound,
    PermissionDenied,
    close_vote,
    start_venture,
    vote,
)
from services.history import audit_trail
from services.next_actions import next_actions
from tests.services.test_commands import CHAIR, CO_PRODUCER, LEAD, SUPPORTER, count, to_board

ADMIN = "admin@example.org"  # an admin may act as the clerk
CLERK = "owen.walker@example.org"  # a reviewer, given the clerk role below
VOTERS = ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org")


def _make_clerk(cyd: Cyd, email: str = CLERK) -> None:
    with unit_of_work(cyd.engine) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        assert person.id is not None
        session.add(t.PersonRole(person_id=person.id, role="clerk"))


def _votes_of(cyd: Cyd, venture_id: str, email: str) -> int:
    with read_session(cyd.engine) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        return count(
            session, t.Vote, t.Vote.venture_id == venture_id, t.Vote.member_id == person.id
        )


def _denials(cyd: Cyd, action: str) -> list[t.Denial]:
    with read_session(cyd.engine) as session:
        return list(session.exec(select(t.Denial).where(t.Denial.action == action)).all())


def _others_vote(cyd: Cyd, venture_id: str) -> None:
    for member in VOTERS:
        vote(cyd, venture_id, member=member, choice="approve")


def test_a_recorded_vote_counts_only_once_confirmed(cyd: Cyd) -> None:
    _make_clerk(cyd)
    venture_id = to_board(cyd)
    recorded = record_vote_for(cyd, venture_id, by=CLERK, member=CHAIR, choice="reject")
    pending_id = recorded.details["id"]
    assert _votes_of(cyd, venture_id, CHAIR) == 0  # not a vote yet

    # The member is told, in their own language and format, with the link to confirm.
    with read_session(cyd.engine) as session:
        [message] = session.exec(
            select(t.OutboxMessage).where(t.OutboxMessage.event == "venture.confirm-recorded")
        ).all()
        assert message.payload["link"].endswith(f"/confirm/{pending_id}")
        assert message.payload["recorded_by"] == {"name": "Owen Walker"}
        person = session.get(t.Person, message.person_id)
        assert person is not None
        assert person.email == CHAIR
    # ... and sees it first on "What I need to do".
    actions = next_actions(cyd.engine, cyd.library, CHAIR, cyd.clock())
    confirming = [a for a in actions if a.kind == "confirm"]
    assert [(a.venture_id, a.params["pending"], a.params["what"]) for a in confirming] == [
        (venture_id, pending_id, "vote")
    ]
    assert "vote" in {a.kind for a in actions}  # still owed: nothing counted yet
    # A supporter is given no copy of it: the confirmation is the member's own.
    assert "confirm" not in {
        a.kind for a in next_actions(cyd.engine, cyd.library, SUPPORTER, cyd.clock())
    }
    assert [p.id for p in my_pending(cyd.engine, CHAIR)] == [pending_id]

    confirmed = confirm(cyd, pending_id, by=CHAIR)
    assert _votes_of(cyd, venture_id, CHAIR) == 1
    assert confirmed.message == "vote recorded: reject"
    assert my_pending(cyd.engine, CHAIR) == []
    with read_session(cyd.engine) as session:
        entry = audit.last_entry(session)
        assert entry is not None
        # One entry, the member's vote, naming the clerk who recorded it.
        assert (entry.action, entry.actor) == ("vote.recorded", CHAIR)
        assert entry.payload["recorded_by"] == CLERK
        assert entry.payload["assisted"] == pending_id
        assert audit.verify(session).ok
    codes = [e.code for e in audit_trail(cyd.engine, venture_id)]
    assert "assisted-recorded" in codes
    assert "assisted-confirmed" in codes
    # Confirmed once: a second click changes nothing.
    with pytest.raises(CommandError) as again:
        confirm(cyd, pending_id, by=CHAIR)
    assert again.value.code == "assisted-not-pending"
    assert _votes_of(cyd, venture_id, CHAIR) == 1

    _others_vote(cyd, venture_id)
    decided = close_vote(cyd, venture_id, by=CHAIR)
    assert decided.advanced is not None
    [decision] = decided.advanced.effects("RecordDecision")
    assert decision["tally"]["reject"] == 1  # the confirmed vote counts
    assert decision["tally"]["approve"] == 3


def test_a_pending_vote_is_not_counted_for_quorum_or_tally(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    record_vote_for(cyd, venture_id, by=ADMIN, member=CHAIR, choice="reject")
    _others_vote(cyd, venture_id)
    closed = close_vote(cyd, venture_id, by=CHAIR)
    assert closed.advanced is not None
    assert closed.advanced.effects("RecordDecision") == []  # no decision without it
    [extended] = closed.advanced.effects("ExtendBallot")
    why = {r["code"]: r["params"] for r in extended["reasons"]}
    assert why["counts"]["voted"] == 3  # the three members, not the chair's pending vote
    assert why["counts"]["reject"] == 0
    assert why["quorum-not-met"] == {"voted": 3, "needed": 4}
    assert "chair-did-not-vote" in why
    assert _votes_of(cyd, venture_id, CHAIR) == 0


def test_a_declined_vote_never_counts(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    pending_id = record_vote_for(cyd, venture_id, by=ADMIN, member=CHAIR, choice="approve").details[
        "id"
    ]
    decline(cyd, pending_id, by=CHAIR)
    assert _votes_of(cyd, venture_id, CHAIR) == 0
    with pytest.raises(CommandError) as late:
        confirm(cyd, pending_id, by=CHAIR)
    assert late.value.code == "assisted-not-pending"
    assert _votes_of(cyd, venture_id, CHAIR) == 0
    assert "confirm" not in {
        a.kind for a in next_actions(cyd.engine, cyd.library, CHAIR, cyd.clock())
    }
    codes = [e.code for e in audit_trail(cyd.engine, venture_id)]
    assert "assisted-declined" in codes
    assert pending_action(cyd, pending_id, by=CHAIR).status == "declined"


def test_recording_again_replaces_what_waits(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    first = record_vote_for(cyd, venture_id, by=ADMIN, member=CHAIR, choice="approve")
    second = record_vote_for(cyd, venture_id, by=ADMIN, member=CHAIR, choice="hold")
    assert [p.id for p in my_pending(cyd.engine, CHAIR)] == [second.details["id"]]
    with pytest.raises(CommandError) as old:
        confirm(cyd, first.details["id"], by=CHAIR)
    assert (old.value.code, old.value.params["status"]) == ("assisted-not-pending", "replaced")


def test_a_recorded_answer_counts_only_once_confirmed(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    text = "A café run together with the people who use day services, every weekday."
    pending_id = record_answer_for(
        cyd, venture_id, by=ADMIN, person=CO_PRODUCER, item_ref="venture-summary", value=text
    ).details["id"]
    with read_session(cyd.engine) as session:
        assert count(session, t.Answer, t.Answer.venture_id == venture_id) == 0
    actions = next_actions(cyd.engine, cyd.library, CO_PRODUCER, cyd.clock())
    assert "confirm" in {a.kind for a in actions}

    confirm(cyd, pending_id, by=CO_PRODUCER)
    with read_session(cyd.engine) as session:
        [row] = session.exec(select(t.Answer).where(t.Answer.venture_id == venture_id)).all()
        assert row.value == text
        by = session.get(t.Person, row.by_id)
        assert by is not None
        assert by.email == CO_PRODUCER  # the person's own answer
        entry = audit.last_entry(session)
        assert entry is not None
        assert (entry.action, entry.payload["recorded_by"]) == ("answer.recorded", ADMIN)


def test_an_invalid_answer_is_not_recorded(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    with pytest.raises(CommandError):
        record_answer_for(
            cyd, venture_id, by=ADMIN, person=CO_PRODUCER, item_ref="venture-summary", value=""
        )
    with read_session(cyd.engine) as session:
        assert count(session, t.AssistedAction) == 0


@pytest.mark.parametrize(
    ("by", "member", "code"),
    [
        (CO_PRODUCER, CHAIR, "not-clerk"),  # not a clerk
        (CHAIR, "aled.evans@example.org", "not-clerk"),  # the chair is no clerk
        (ADMIN, LEAD, "own-venture"),  # the lead never votes on their own venture
        (ADMIN, CO_PRODUCER, "not-on-board"),  # nor does anyone off the Board
        (ADMIN, SUPPORTER, "supporter"),  # nor a supporter
    ],
)
def test_refusals_to_record_a_vote_are_audited(cyd: Cyd, by: str, member: str, code: str) -> None:
    venture_id = to_board(cyd)
    with pytest.raises(PermissionDenied) as refused:
        record_vote_for(cyd, venture_id, by=by, member=member, choice="approve")
    assert refused.value.code == code
    [denial] = _denials(cyd, "assisted.record")
    assert (denial.actor, denial.details["code"], denial.venture_id) == (by, code, venture_id)
    with read_session(cyd.engine) as session:
        assert count(session, t.AssistedAction) == 0
        entry = audit.last_entry(session)
        assert entry is not None
        assert (entry.action, entry.payload["code"]) == ("denied", code)


def test_a_clerk_never_records_for_themselves(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    with unit_of_work(cyd.engine) as session:  # a Board member who is also the clerk
        person = queries.person_by_email(session, "aled.evans@example.org")
        assert person is not None
        assert person.id is not None
        session.add(t.PersonRole(person_id=person.id, role="clerk"))
    with pytest.raises(PermissionDenied) as refused:
        record_vote_for(
            cyd,
            venture_id,
            by="aled.evans@example.org",
            member="aled.evans@example.org",
            choice="approve",
        )
    assert refused.value.code == "clerk-own-record"


def test_an_answer_only_for_someone_who_may_answer(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    with pytest.raises(PermissionDenied) as refused:
        record_answer_for(
            cyd, venture_id, by=ADMIN, person=CHAIR, item_ref="venture-summary", value="x" * 80
        )
    assert refused.value.code == "not-in-workstream"
    assert [d.details["code"] for d in _denials(cyd, "assisted.record")] == ["not-in-workstream"]


def test_only_the_person_confirms_declines_or_sees_it(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    pending_id = record_vote_for(cyd, venture_id, by=ADMIN, member=CHAIR, choice="approve").details[
        "id"
    ]
    for attempt, action in (
        (lambda: confirm(cyd, pending_id, by=SUPPORTER), "assisted.confirm"),
        (lambda: confirm(cyd, pending_id, by=ADMIN), "assisted.confirm"),
        (lambda: decline(cyd, pending_id, by=SUPPORTER), "assisted.decline"),
        (lambda: pending_action(cyd, pending_id, by=LEAD), "assisted.view"),
    ):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.code == "not-yours-to-confirm"
        assert _denials(cyd, action)
    assert _votes_of(cyd, venture_id, CHAIR) == 0
    with pytest.raises(NotFound):
        confirm(cyd, pending_id + 1000, by=CHAIR)
    with pytest.raises(PermissionDenied):
        clerk_desk(cyd, venture_id, by=CHAIR)
    assert [d.details["code"] for d in _denials(cyd, "assisted.desk")] == ["not-clerk"]


def test_the_clerks_desk_offers_only_who_may_act(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    desk = clerk_desk(cyd, venture_id, by=ADMIN)
    voters = {p.email for p in desk.voters}
    assert CHAIR in voters
    assert LEAD not in voters  # the lead never votes on their own venture
    assert SUPPORTER not in voters
    # Anyone of the workstream may still answer (that makes the votes given stale).
    answerers = {p.email for p in desk.answerers}
    assert {LEAD, CO_PRODUCER} <= answerers
    assert CHAIR not in answerers
    assert desk.items


def test_a_vote_recorded_for_a_ballot_now_decided_cannot_be_confirmed(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    aled = "aled.evans@example.org"
    pending_id = record_vote_for(cyd, venture_id, by=ADMIN, member=aled, choice="reject").details[
        "id"
    ]
    for member in (
        CHAIR,
        "sian.roberts@example.org",
        "priya.shah@example.org",
        "david.hughes@example.org",
    ):
        vote(cyd, venture_id, member=member, choice="approve")
    decided = close_vote(cyd, venture_id, by=CHAIR)
    assert decided.advanced is not None
    assert decided.advanced.effects("RecordDecision")
    with pytest.raises(CommandError):
        confirm(cyd, pending_id, by=aled)
    with read_session(cyd.engine) as session:
        row = session.get(t.AssistedAction, pending_id)
        assert row is not None
        assert row.status == "pending"  # nothing changed: the refusal rolled back
    assert _votes_of(cyd, venture_id, aled) == 0
    assert my_pending(cyd.engine, aled) == []  # and it is no longer listed
