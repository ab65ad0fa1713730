"""A lead's and a Board's whole path through the recorded commands, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from checklists.loader import Library, load_library
from models import audit, outbox, queries
from models import tables as t
from models.db import read_session
from services.advance import advance_venture
from services.commands import (
    Cyd,
    InvalidAnswer,
    PermissionDenied,
    advance_open,
    answer,
    close_vote,
    declare_interest,
    extend,
    record_review,
    resume,
    start_venture,
    submit,
    vote,
    withdraw,
)
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

ROOT = Path(__file__).resolve().parents[2]
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
CHAIR = "megan.lloyd@example.org"
SUPPORTER = "tom.price@example.org"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
SUMMARY = "A community café run together with the people who use day services"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)  # every action at its own moment
        return self.now


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    path = ROOT / "examples" / "programme.yaml"
    programme = load_programme(path, library=library)
    import_programme(engine, programme, path.read_text(encoding="utf-8"), "admin@example.org")
    return Cyd(engine, library, clock=Clock())


def _session(cyd: Cyd) -> Any:
    return read_session(cyd.engine)


def past_the_vote(cyd: Cyd, venture_id: str) -> dt.datetime:
    """Move the clock just past the open vote's deadline (17:00 local on a working day,
    however many calendar days that is), and give the deadline."""
    assert isinstance(cyd.clock, Clock)
    with _session(cyd) as session:
        venture = session.get(t.Venture, venture_id)
        ballot = queries.latest_ballot(session, venture_id, venture.gate_id)
        deadline = ballot.deadline
    if deadline.tzinfo is None:  # stored as UTC
        deadline = deadline.replace(tzinfo=dt.UTC)
    cyd.clock.now = max(cyd.clock.now, deadline + dt.timedelta(minutes=1))
    return deadline


def fill_checklist(cyd: Cyd, venture_id: str, by: str) -> None:
    """Answer every shown must-meet item validly (answers may show further items)."""
    answer_missing(cyd, venture_id, [by])


def count(session: Session, model: Any, *where: Any) -> int:
    statement = select(func.count()).select_from(model)
    for clause in where:
        statement = statement.where(clause)
    return int(session.exec(statement).one())


def to_board(cyd: Cyd) -> str:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    fill_checklist(cyd, venture_id, CO_PRODUCER)
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go", note="Well co-produced.")
    return venture_id


def test_the_whole_path_from_start_to_the_next_gate(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer(
        cyd, venture_id, "venture-summary", "A café run with the people who use it. " * 2, by=LEAD
    )
    returned = submit(cyd, venture_id, by=LEAD)
    assert returned.advanced is not None
    assert returned.advanced.state == "returned"
    gaps = returned.advanced.effects("Transition")[0]["gaps"]
    assert gaps
    assert all(g["reason"]["en"] and g["reason"]["cy"] for g in gaps)
    assert "venture-summary" not in {g["item"] for g in gaps}

    fill_checklist(cyd, venture_id, CO_PRODUCER)  # answering reopens the returned venture
    with _session(cyd) as session:
        assert session.get(t.Venture, venture_id).state == "draft"
    reviewed = submit(cyd, venture_id, by=LEAD)
    assert reviewed.advanced is not None
    assert reviewed.advanced.state == "in_review"
    with _session(cyd) as session:
        assigned = session.exec(select(t.ReviewerAssignment.reviewer_id)).all()
        emails = {session.get(t.Person, i).email for i in assigned}
    assert emails == set(REVIEWERS)

    record_review(cyd, venture_id, by=REVIEWERS[0], recommend="go")
    at_board = record_review(cyd, venture_id, by=REVIEWERS[1], recommend="recycle", note="Pay?")
    assert at_board.advanced is not None
    assert at_board.advanced.state == "awaiting_board"

    declare_interest(cyd, venture_id, member="david.hughes@example.org", interest="Runs a café")
    vote(cyd, venture_id, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    vote(cyd, venture_id, member="aled.evans@example.org", choice="approve")
    vote(cyd, venture_id, member="sian.roberts@example.org", choice="more-time")
    vote(
        cyd,
        venture_id,
        member="priya.shah@example.org",
        choice="approve-with-conditions",
        reason="Pay people from the first day.",
    )
    extended = close_vote(cyd, venture_id, by=CHAIR)
    assert extended.advanced is not None
    assert extended.advanced.state == "awaiting_board"
    assert extended.advanced.effects("ExtendBallot")[0]["more_time_granted"] == [
        "sian.roberts@example.org"
    ]

    vote(cyd, venture_id, member="sian.roberts@example.org", choice="approve")
    decided = close_vote(cyd, venture_id, by=CHAIR)
    assert decided.advanced is not None
    assert (decided.advanced.state, decided.advanced.gate_id) == ("draft", "delivery")
    [decision] = decided.advanced.effects("RecordDecision")
    assert decision["outcome"] == "approved_with_conditions"
    assert decision["conditions"] == ["Pay people from the first day."]
    assert decision["tally"]["recused"] == 2  # the declared member and the lead
    # ... who leave it for different reasons: one declaration, and the lead.
    why = {r["code"]: r for r in decision["reasons"]}
    assert "; 1 member declared an interest and counts" in why["eligible"]["text"]
    assert why["eligible"]["params"]["declared"] == 1
    assert "lead-does-not-vote" in why
    assert decision["tally"]["approve"] == 3

    with _session(cyd) as session:
        assert count(session, t.Decision, t.Decision.venture_id == venture_id) == 1
        run = session.get(t.GateRun, (venture_id, "delivery"))
        assert run is not None
        # The gate's own checklist, and the Board's condition carried forward.
        assert [c["id"] for c in run.checklists] == ["delivery-review", "board-conditions"]
        assert audit.verify(session).ok
        keys = session.exec(select(t.OutboxMessage.idempotency_key)).all()
        assert len(keys) == len(set(keys)) > 0
        events = set(session.exec(select(t.OutboxMessage.event)).all())
    assert {"venture.returned", "venture.review-requested", "venture.decision"} <= events
    # Advancing again changes nothing: the decision is recorded once.
    again = advance_venture(cyd.engine, venture_id, cyd.library, now=cyd.clock())
    assert not again.changed


def test_a_refusal_is_recorded_and_changes_nothing(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    with _session(cyd) as session:
        entries_before = count(session, t.AuditEntry)
    with pytest.raises(PermissionDenied, match="never votes on their own venture"):
        vote(cyd, venture_id, member=LEAD, choice="approve")
    with pytest.raises(PermissionDenied, match="supporter never votes"):
        vote(cyd, venture_id, member=SUPPORTER, choice="approve")
    with pytest.raises(PermissionDenied, match="Only the chair"):
        close_vote(cyd, venture_id, by="aled.evans@example.org")
    with _session(cyd) as session:
        assert count(session, t.Vote) == 0
        denials = session.exec(select(t.Denial).order_by(col(t.Denial.id))).all()
        assert [d.action for d in denials] == ["board.vote", "board.vote", "board.close"]
        assert count(session, t.AuditEntry) == entries_before + 3
        assert session.get(t.Venture, venture_id).state == "awaiting_board"


def test_an_invalid_answer_is_refused_in_both_languages_and_nothing_is_stored(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Walking group", lead=LEAD
    ).venture_id
    with _session(cyd) as session:
        before = count(session, t.AuditEntry)
    with pytest.raises(InvalidAnswer) as refused:
        answer(cyd, venture_id, "lived-experience-count", "-3", by=LEAD)
    assert refused.value.en.startswith("Give a number of 0 or more")
    assert refused.value.cy.startswith("Rhowch rif")
    with _session(cyd) as session:
        assert count(session, t.Answer) == 0
        assert count(session, t.AuditEntry) == before


def test_a_changed_answer_makes_reviews_and_votes_stale(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    vote(cyd, venture_id, member="aled.evans@example.org", choice="approve")
    changed = answer(
        cyd,
        venture_id,
        "venture-summary",
        "A new plan for the café, told plainly for everyone who uses it.",
        by=LEAD,
    )
    assert changed.advanced is not None
    assert changed.advanced.state == "in_review"
    with _session(cyd) as session:
        assert all(r.stale for r in session.exec(select(t.Review)).all())
        assert all(v.stale for v in session.exec(select(t.Vote)).all())
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go")
    with _session(cyd) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture.state == "awaiting_board"
        assert queries.latest_ballot(session, venture_id, "design").number == 2


def test_the_vote_closes_at_its_deadline_through_the_sweep(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    for member in ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org"):
        vote(cyd, venture_id, member=member, choice="reject")
    vote(cyd, venture_id, member=CHAIR, choice="approve")
    assert not [r for r in advance_open(cyd) if r.changed]  # not yet: the vote is open
    cyd.clock.now += dt.timedelta(days=15)
    # 14 working days: past two calendar weeks, the vote is still open.
    assert not [r for r in advance_open(cyd) if r.changed]
    deadline = past_the_vote(cyd, venture_id)
    assert deadline.astimezone(ZoneInfo("Europe/London")).time() == dt.time(17, 0)
    [report] = [r.report for r in advance_open(cyd) if r.changed and r.report]
    assert report.state == "rejected"
    with _session(cyd) as session:
        assert session.get(t.Venture, venture_id).closed_at is not None


def test_extending_an_open_vote_moves_its_deadline(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    with _session(cyd) as session:
        deadline = queries.latest_ballot(session, venture_id, "design").deadline
    until = (deadline + dt.timedelta(days=10)).date()
    extend(cyd, venture_id, until=until, by=LEAD, reason="Papers in Easy Read came late.")
    with _session(cyd) as session:
        ballot = queries.latest_ballot(session, venture_id, "design")
        assert ballot.deadline.date() == until
        assert count(session, t.Deadline, col(t.Deadline.is_extension)) == 1
        told = session.exec(
            select(t.Person.email)
            .join(t.OutboxMessage, col(t.OutboxMessage.person_id) == col(t.Person.id))
            .where(t.OutboxMessage.event == "venture.vote-extended")
        ).all()
    # Each Board member who votes on it, and the lead, once each (one channel each).
    assert sorted(told) == sorted(
        [
            LEAD,
            CHAIR,
            "aled.evans@example.org",
            "sian.roberts@example.org",
            "david.hughes@example.org",
            "priya.shah@example.org",
        ]
    )


def test_a_crash_half_way_through_advancing_leaves_nothing_and_a_rerun_finishes(
    cyd: Cyd, monkeypatch: pytest.MonkeyPatch
) -> None:
    venture_id = to_board(cyd)
    for member in (
        "aled.evans@example.org",
        "sian.roberts@example.org",
        "priya.shah@example.org",
        CHAIR,
    ):
        vote(cyd, venture_id, member=member, choice="approve")
    cyd.advance_after = False
    close_vote(cyd, venture_id, by=CHAIR)
    real_enqueue = outbox.enqueue_many
    calls = {"n": 0}

    def crash_on_second(*args: Any, **kwargs: Any) -> Any:
        # The decision's messages are queued (in the transaction), the next gate's not.
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(outbox, "enqueue_many", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        advance_venture(cyd.engine, venture_id, cyd.library, now=cyd.clock())
    with _session(cyd) as session:
        assert count(session, t.Decision) == 0
        assert session.get(t.Venture, venture_id).state == "awaiting_board"
        assert audit.verify(session).ok
    monkeypatch.setattr(outbox, "enqueue_many", real_enqueue)
    first = advance_venture(cyd.engine, venture_id, cyd.library, now=cyd.clock())
    second = advance_venture(cyd.engine, venture_id, cyd.library, now=cyd.clock())
    assert first.changed
    assert not second.changed
    assert first.effects("RecordDecision")[0]["outcome"] == "approved"
    with _session(cyd) as session:
        assert count(session, t.Decision) == 1
        keys = session.exec(select(t.OutboxMessage.idempotency_key)).all()
        assert len(keys) == len(set(keys))
        assert audit.verify(session).ok


def test_hold_then_resume_opens_a_new_vote_and_withdraw_is_final(cyd: Cyd) -> None:
    venture_id = to_board(cyd)
    for member in ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org"):
        vote(cyd, venture_id, member=member, choice="hold")
    vote(cyd, venture_id, member=CHAIR, choice="hold")
    held = close_vote(cyd, venture_id, by=CHAIR)
    assert held.advanced is not None
    assert held.advanced.state == "on_hold"
    with pytest.raises(PermissionDenied, match="Only the chair or an admin"):
        resume(cyd, venture_id, by=LEAD)
    resumed = resume(cyd, venture_id, by=CHAIR)
    assert resumed.advanced is not None
    assert resumed.advanced.state == "awaiting_board"
    with _session(cyd) as session:
        assert queries.latest_ballot(session, venture_id, "design").number == 2
    withdraw(cyd, venture_id, by=LEAD, reason="The café site fell through.")
    with _session(cyd) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture.state == "withdrawn"
        assert venture.closed_at is not None
    with pytest.raises(PermissionDenied, match="final"):
        answer(cyd, venture_id, "venture-summary", "Another try " * 6, by=LEAD)
