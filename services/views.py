"""Read-only accounts of ventures, for `cyd venture show|list` and later the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from checklists.evaluate import evaluate
from checklists.library import Library
from governance.decisions import Pending, decide
from governance.lifecycle import VentureState
from models import queries
from models import tables as t
from services.advance import People, current_gate_run, load_snapshot, pinned_checklists


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe_venture(
    session: Session, venture: t.Venture, library: Library, now: dt.datetime
) -> dict[str, Any]:
    # Everyone read once: for the emails here, the lead, and the snapshot of a venture
    # at the Board (`_ballot`).
    people = People(session)
    emails: dict[int | None, str] = dict(people.emails.items())
    gate_run = current_gate_run(session, venture)
    answer_rows = session.exec(
        select(t.Answer)
        .where(t.Answer.venture_id == venture.id)
        .where(t.Answer.gate_id == venture.gate_id)
        .where(col(t.Answer.is_current))
        .order_by(col(t.Answer.at), col(t.Answer.id))
    ).all()
    # The same rows as `queries.current_answers` (one current answer per item, a unique
    # index says so), read once for both the evaluation and the list.
    answers: dict[str, dict[str, Any]] = {}
    for row in answer_rows:
        answers.setdefault(row.checklist_id, {})[row.item_id] = row.value
    checklists = []
    for checklist in pinned_checklists(session, gate_run):
        result = evaluate(checklist, answers.get(checklist.id, {}))
        checklists.append(
            {
                "id": checklist.id,
                "version": checklist.version,
                "items": len(checklist.items()),
                "shown": len(result.shown),
                "answered": len(result.answered),
                "missing_required": list(result.missing_required),
                "missing_advisory": list(result.missing_advisory),
                "invalid": {k: {"en": r.en, "cy": r.cy} for k, r in result.invalid.items()},
                "complete": result.complete,
            }
        )
    assigned = session.exec(
        select(t.ReviewerAssignment.reviewer_id)
        .where(t.ReviewerAssignment.venture_id == venture.id)
        .where(t.ReviewerAssignment.gate_id == venture.gate_id)
    ).all()
    reviews = queries.current_reviews(session, venture.id, venture.gate_id)
    interests = session.exec(select(t.Interest).where(t.Interest.venture_id == venture.id)).all()
    decisions = session.exec(
        select(t.Decision)
        .where(t.Decision.venture_id == venture.id)
        .order_by(col(t.Decision.at), col(t.Decision.id))
    ).all()
    lead = people.by_id.get(venture.lead_id)
    idea = session.exec(
        select(t.Idea).where(t.Idea.venture_id == venture.id).where(t.Idea.state == "adopted")
    ).first()
    return {
        "id": venture.id,
        "title": venture.title,
        # The credit: the idea it started from and whom it came from (a group or an
        # employer by name; a person never by name: "a local person" is said for them).
        # Its text is the venture's summary.
        "idea": (
            {"id": idea.id, "from": idea.on_behalf_of, "what": idea.what, "lang": idea.lang}
            if idea
            else None
        ),
        "workstream": venture.workstream_id,
        "lead": lead.email if lead else None,
        "state": venture.state,
        "gate": venture.gate_id,
        "gate_version": gate_run.gate_version,
        "decision_rule": gate_run.decision_rule,
        "deadline": _iso(venture.deadline),
        "created_at": _iso(venture.created_at),
        "updated_at": _iso(venture.updated_at),
        "checklists": checklists,
        "answers": [
            {
                "checklist": a.checklist_id,
                "item": a.item_id,
                "value": a.value,
                "by": emails.get(a.by_id),
                "at": _iso(a.at),
            }
            for a in answer_rows
        ],
        "reviewers": sorted(emails.get(i) or "" for i in assigned),
        "reviews": [
            {
                "reviewer": emails.get(r.reviewer_id),
                "recommend": r.recommend,
                "note": r.note,
                "at": _iso(r.at),
                "stale": r.stale,
            }
            for r in reviews
        ],
        "interests": [{"member": emails.get(i.member_id), "interest": i.text} for i in interests],
        "ballot": _ballot(session, venture, library, now, emails, people),
        "decisions": [
            {
                "gate": d.gate_id,
                "ballot": d.ballot,
                "outcome": d.outcome,
                "rule": d.rule,
                "reasons": d.reasons,
                "tally": d.tally,
                "conditions": d.conditions,
                "closed_by": d.closed_by,
                "casting_vote_used": d.casting_vote_used,
                "at": _iso(d.at),
            }
            for d in decisions
        ],
    }


def _ballot(
    session: Session,
    venture: t.Venture,
    library: Library,
    now: dt.datetime,
    emails: dict[int | None, str],
    people: People,
) -> dict[str, Any] | None:
    row = queries.latest_ballot(session, venture.id, venture.gate_id)
    if row is None:
        return None
    votes = queries.current_votes(session, venture.id, venture.gate_id, row.number)
    data: dict[str, Any] = {
        "number": row.number,
        "deadline": _iso(row.deadline),
        "closed_by_chair": row.closed_by_chair,
        "votes": [
            {
                "member": emails.get(v.member_id),
                "choice": v.choice,
                "reason": v.reason,
                "supported_by": emails.get(v.supported_by_id) if v.supported_by_id else None,
                "stale": v.stale,
                "at": _iso(v.at),
            }
            for v in votes
        ],
    }
    if VentureState(venture.state) is VentureState.AWAITING_BOARD:
        snap = load_snapshot(session, venture, library, now, people=people)
        if snap.ballot is not None and snap.ballot.decision is None:
            # The count so far, as the rule sees it (nothing is decided until it closes).
            result = decide(
                snap.rule,
                snap.members,
                snap.ballot.votes,
                snap.interests,
                closed_by_chair=False,
                now=now,
                deadline=snap.ballot.deadline,
                more_time_granted=snap.ballot.more_time_granted,
                lead=snap.lead_id,
            )
            if isinstance(result, Pending):
                data["count_so_far"] = dataclasses.asdict(result.tally)
    return data


def list_ventures(session: Session, state: str | None = None) -> list[dict[str, Any]]:
    statement = select(t.Venture).order_by(col(t.Venture.id))
    if state:
        statement = statement.where(t.Venture.state == state)
    emails = {p.id: p.email for p in session.exec(select(t.Person))}
    return [
        {
            "id": v.id,
            "title": v.title,
            "workstream": v.workstream_id,
            "lead": emails.get(v.lead_id),
            "state": v.state,
            "gate": v.gate_id,
            "deadline": _iso(v.deadline),
        }
        for v in session.exec(statement)
    ]
