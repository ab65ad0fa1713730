"""Withdrawing a declaration of interest made by mistake: only one's own, only before
the vote closes; the member takes part again; withdrawal and refusals are audited.
On SQLite and PostgreSQL (the services suite's `engine`)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from models import tables as t
from models.audit import verify
from models.db import read_session
from services.commands import (
    CommandError,
    Cyd,
    PermissionDenied,
    close_vote,
    declare_interest,
    vote,
    withdraw_interest,
)
from services.history import audit_trail
from services.permitted import what_may_i_do
from tests.services.test_commands import CHAIR, to_board

DAVID = "david.hughes@example.org"
SIAN = "sian.roberts@example.org"


def _interests(cyd: Cyd, venture_id: str) -> list[str]:
    with read_session(cyd.engine) as session:
        rows = session.exec(
            select(t.Person.email)
            .join(t.Interest, col(t.Interest.member_id) == col(t.Person.id))
            .where(t.Interest.venture_id == venture_id)
        ).all()
    return sorted(rows)


def _may(cyd: Cyd, email: str, venture_id: str, action: str) -> bool:
    permitted = what_may_i_do(cyd.engine, cyd.library, email, venture_id, cyd.clock())
    return {p.action: p for p in permitted}[action].allowed


def test_a_member_withdraws_a_mistaken_declaration_and_votes_again(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    declare_interest(cyd, venture_id, member=DAVID, interest="Runs a café nearby")
    assert _interests(cyd, venture_id) == [DAVID]
    assert not _may(cyd, DAVID, venture_id, "vote")
    assert _may(cyd, DAVID, venture_id, "withdraw-interest")
    with pytest.raises(PermissionDenied) as refused:
        vote(cyd, venture_id, member=DAVID, choice="approve")
    assert refused.value.code == "declared-interest"

    outcome = withdraw_interest(cyd, venture_id, member=DAVID, reason="  The wrong  café ")
    assert "takes part" in outcome.message
    assert _interests(cyd, venture_id) == []
    assert _may(cyd, DAVID, venture_id, "vote")
    assert not _may(cyd, DAVID, venture_id, "withdraw-interest")
    vote(cyd, venture_id, member=DAVID, choice="approve")

    with read_session(cyd.engine) as session:
        entry = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "interest.withdrawn")
        ).one()
    assert entry.actor == DAVID
    assert entry.payload == {"interests": ["Runs a café nearby"], "reason": "The wrong café"}
    with read_session(cyd.engine) as session:
        assert verify(session).ok
    events = [e.code for e in audit_trail(cyd.engine, venture_id)]
    assert events.index("interest-declared") < events.index("interest-withdrawn")
    withdrawn = next(
        e for e in audit_trail(cyd.engine, venture_id) if e.code == "interest-withdrawn"
    )
    assert "David Hughes" in withdrawn.words("en")
    assert "David Hughes" in withdrawn.words("cy", easy_read=True)


def test_only_ones_own_declaration_and_the_refusal_is_audited(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    declare_interest(cyd, venture_id, member=DAVID, interest="Runs a café nearby")
    with pytest.raises(PermissionDenied) as refused:
        withdraw_interest(cyd, venture_id, member=SIAN)
    assert refused.value.code == "no-interest-declared"
    assert "nothing to withdraw" in str(refused.value)
    assert _interests(cyd, venture_id) == [DAVID]  # David's stands
    with read_session(cyd.engine) as session:
        denial = session.exec(select(t.Denial)).one()
        assert (denial.actor, denial.action) == (SIAN, "board.withdraw-interest")
        assert denial.details["code"] == "no-interest-declared"
        assert (
            session.exec(select(t.AuditEntry).where(t.AuditEntry.action == "denied"))
            .one()
            .payload["action"]
            == "board.withdraw-interest"
        )


def test_not_after_the_vote_closes(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    declare_interest(cyd, venture_id, member=DAVID, interest="Runs a café nearby")
    for member in ("aled.evans@example.org", SIAN, "priya.shah@example.org", CHAIR):
        vote(cyd, venture_id, member=member, choice="approve")
    close_vote(cyd, venture_id, by=CHAIR)
    assert not _may(cyd, DAVID, venture_id, "withdraw-interest")
    with pytest.raises(PermissionDenied) as refused:
        withdraw_interest(cyd, venture_id, member=DAVID)
    assert refused.value.code == "vote-already-closed"
    assert _interests(cyd, venture_id) == [DAVID]


def test_an_unknown_venture_or_person_is_not_found(cyd: Cyd) -> None:
    with pytest.raises(CommandError) as missing:
        withdraw_interest(cyd, "v-9999", member=DAVID)
    assert missing.value.code == "venture-not-found"
