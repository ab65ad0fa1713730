"""The chair's view (the count so far, quorum, what closing now would do), the decision
record (reasons, tally, who closed, the audit head) and a venture's audit trail
(filters, the chain's check, who may see it, no channel URL)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from governance.catalogue import text
from models import audit
from models import tables as t
from models.db import read_session, unit_of_work
from notifications.render import Recipient, render_message
from services.chair import after_closing, chair_view
from services.commands import (
    Cyd,
    NotFound,
    PermissionDenied,
    close_vote,
    declare_interest,
    vote,
)
from services.decision_record import decision_record
from services.venture_audit import KINDS, venture_audit
from tests.services.test_commands import CHAIR, LEAD, SUPPORTER, to_board

ALED = "aled.evans@example.org"  # lived experience
SIAN = "sian.roberts@example.org"
DAVID = "david.hughes@example.org"
PRIYA = "priya.shah@example.org"  # lived experience
OUTSIDER = "visitor@example.org"  # in the programme, in no part of the venture


@pytest.fixture(autouse=True)
def _outsider(cyd: Cyd) -> None:
    with unit_of_work(cyd.engine) as session:
        session.add(t.Person(email=OUTSIDER, name="Visitor"))


def test_the_chair_sees_the_count_and_whether_each_quorum_is_met(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    view = chair_view(cyd.engine, cyd.library, CHAIR, venture_id, cyd.clock())
    assert view.close.allowed
    assert not view.resume.allowed
    assert view.extend.allowed
    assert view.vote is not None
    assert view.vote.tally.voted == 0
    assert not view.vote.quorum_met
    assert view.vote.quorum.code == "quorum-not-met"
    assert view.vote.if_closed == "no-quorum"

    vote(cyd, venture_id, member=SIAN, choice="approve")
    vote(cyd, venture_id, member=DAVID, choice="approve")
    view = chair_view(cyd.engine, cyd.library, CHAIR, venture_id, cyd.clock())
    assert view.vote is not None
    assert view.vote.tally.voted == 2
    # Neither voter has lived experience: the board rule asks for one who has.
    assert view.vote.lived_experience is not None
    assert not view.vote.lived_experience_met
    assert view.vote.if_closed == "no-quorum"

    # The design gate's rule: 4 take part, 2 of them with lived experience.
    vote(cyd, venture_id, member=ALED, choice="approve")
    vote(cyd, venture_id, member=PRIYA, choice="more-time")
    view = chair_view(cyd.engine, cyd.library, CHAIR, venture_id, cyd.clock())
    assert view.vote is not None
    assert not view.vote.quorum_met
    assert not view.vote.lived_experience_met
    assert view.vote.quorum.params == {"voted": 3, "needed": 4}
    vote(cyd, venture_id, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    view = chair_view(cyd.engine, cyd.library, CHAIR, venture_id, cyd.clock())
    assert view.vote is not None
    assert view.vote.quorum_met
    assert view.vote.lived_experience_met
    # Priya asked for more time: closing now gives it to her, the vote runs on.
    assert view.vote.if_closed == "more-time"
    assert "more-time" in {r.code for r in view.vote.reasons}


def test_a_non_chair_is_refused_and_the_refusal_is_recorded(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    with pytest.raises(PermissionDenied) as refused:
        chair_view(cyd.engine, cyd.library, ALED, venture_id, cyd.clock())
    assert refused.value.code == "not-chair"
    with read_session(cyd.engine) as session:
        denial = session.exec(select(t.Denial).where(t.Denial.actor == ALED)).one()
    assert (denial.action, denial.venture_id) == ("board.close", venture_id)
    with pytest.raises(NotFound):
        chair_view(cyd.engine, cyd.library, CHAIR, "v-none", cyd.clock())


def _decide(cyd: Cyd) -> str:
    venture_id = to_board(cyd)
    declare_interest(cyd, venture_id, member=DAVID, interest="Runs a café")
    vote(cyd, venture_id, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    vote(cyd, venture_id, member=ALED, choice="approve")
    vote(cyd, venture_id, member=SIAN, choice="approve")
    vote(
        cyd,
        venture_id,
        member=PRIYA,
        choice="approve-with-conditions",
        reason="Pay people from the first day.",
    )
    close_vote(cyd, venture_id, by=CHAIR)
    return venture_id


def test_the_decision_record_has_every_reason_the_tally_who_closed_and_the_head(
    cyd: Cyd,
) -> None:
    venture_id = _decide(cyd)
    closed = after_closing(cyd.engine, venture_id)
    assert closed.outcome == "approved_with_conditions"
    assert closed.deadline is None

    record = decision_record(cyd.engine, OUTSIDER, venture_id)  # anyone in the programme
    [decision] = record.decisions
    assert decision.outcome == "approved_with_conditions"
    assert decision.conditions == ("Pay people from the first day.",)
    assert decision.closed_by == "chair"
    assert decision.closed_by_name == "Megan Lloyd"
    assert decision.tally is not None
    assert decision.tally.approve == 3
    codes = [r.code for r in decision.reasons]
    assert {"closed-by-chair", "quorum-met", "carried-with-conditions"} <= set(codes)
    for r in decision.reasons:  # every reason in Welsh Easy Read too
        assert text(r.code, "cy", r.params, True)
    with read_session(cyd.engine) as session:
        entry = session.get(t.AuditEntry, decision.audit_seq)
        assert entry is not None
        assert entry.hash == decision.audit_head
        assert any(e.get("effect") == "RecordDecision" for e in entry.payload["effects"])
        # The head copied into the minutes is one the log's check still finds.
        assert audit.verify(session, expected_head=decision.audit_head).ok

    with pytest.raises(NotFound):
        decision_record(cyd.engine, "nobody@example.org", venture_id)


def test_the_audit_trail_is_newest_first_filtered_and_checked(cyd: Cyd) -> None:
    venture_id = _decide(cyd)
    with pytest.raises(PermissionDenied):
        close_vote(cyd, venture_id, by=ALED)
    trail = venture_audit(cyd.engine, LEAD, venture_id)
    assert trail.chain.ok
    assert trail.total == len(trail.events)
    assert [e.seq for e in trail.events] == sorted((e.seq for e in trail.events), reverse=True)
    assert set(trail.kinds) <= KINDS.keys()
    assert "refusal" in trail.kinds

    alone = venture_audit(cyd.engine, LEAD, venture_id, person=ALED)
    assert alone.events
    assert {e.actor for e in alone.events} == {ALED}
    refusals = venture_audit(cyd.engine, LEAD, venture_id, kind="refusal")
    [refusal] = refusals.events
    assert refusal.actor == ALED
    assert "refused" in refusal.words("en")
    votes = venture_audit(cyd.engine, LEAD, venture_id, person=ALED, kind="board")
    assert [e.code for e in votes.events] == ["vote-recorded"]


def test_the_audit_trail_is_for_those_concerned_and_shows_no_channel_url(cyd: Cyd) -> None:
    venture_id = _decide(cyd)
    channel_url = "mailtos://user:hunter22secret@mail.example.org"  # made up
    with unit_of_work(cyd.engine) as session:
        audit.append(session, LEAD, "venture.withdrawn", venture_id, {"reason": channel_url})
        person = session.exec(select(t.Person).where(t.Person.email == LEAD)).one()
        session.add(t.Channel(person_id=person.id, url=channel_url))
    trail = venture_audit(cyd.engine, CHAIR, venture_id)
    said = " ".join(
        e.words(lang, er) for e in trail.events for lang in ("en", "cy") for er in (0, 1)
    )
    assert "hunter22secret" not in said
    assert channel_url not in said
    assert trail.chain.ok
    with pytest.raises(PermissionDenied):
        venture_audit(cyd.engine, OUTSIDER, venture_id)


def test_the_decision_message_carries_the_head_the_record_shows(cyd: Cyd) -> None:
    """Every copy of the decision message names the audit head at the decision, the
    same as the decision record: whoever files the message holds a head to check."""
    venture_id = _decide(cyd)
    [decision] = decision_record(cyd.engine, OUTSIDER, venture_id).decisions
    with read_session(cyd.engine) as session:
        messages = session.exec(
            select(t.OutboxMessage)
            .where(t.OutboxMessage.venture_id == venture_id)
            .where(t.OutboxMessage.event == "venture.decision")
        ).all()
    assert messages
    assert {m.payload["audit_head"] for m in messages} == {decision.audit_head}
    assert {m.payload["audit_seq"] for m in messages} == {decision.audit_seq}
    reader = Recipient("Aled Evans", ALED, "en")
    for lang in ("en", "cy"):
        for easy_read in (False, True):
            shown = render_message(
                "venture.decision",
                person=reader,
                payload=messages[0].payload,
                language=lang,
                easy_read=easy_read,
                bilingual=False,
            )
            assert str(decision.audit_head) in shown.text
            assert str(decision.audit_head) in shown.html
