"""Rows as the rules see them: one mapping from the tables to `governance` values.

People are named by email in the rules (an `Actor`'s `person_id`), by row id in the
tables; `emails` maps one to the other. Every reader that hands reviews, votes or
interests to the rules (advancing, reminders, the vote command, what a person may do)
turns rows into values here, so that the rules see the same thing from each.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from governance.ballots import Choice, Interest, Vote
from governance.reviews import Recommendation, Review
from models import queries
from models import tables as t


def review_value(row: t.Review, emails: Mapping[int, str]) -> Review:
    return Review(
        id=str(row.id),
        reviewer_id=emails[row.reviewer_id],
        recommendation=Recommendation(row.recommend),
        given_at=row.at,
        note=row.note or "",
        stale=row.stale,
    )


def vote_value(row: t.Vote, emails: Mapping[int, str]) -> Vote:
    return Vote(
        id=str(row.id),
        member_id=emails[row.member_id],
        choice=Choice(row.choice),
        cast_at=row.at,
        reason=row.reason or "",
        supported_by=emails.get(row.supported_by_id) if row.supported_by_id else None,
        stale=row.stale,
    )


def interest_value(row: t.Interest, emails: Mapping[int, str]) -> Interest:
    return Interest(emails[row.member_id], row.text)


def venture_interests(
    session: Session, venture_id: str, emails: Mapping[int, str] | None = None
) -> tuple[Interest, ...]:
    """The interests declared in a venture (`emails`: every person's, if already read;
    else the declarers' are read). Statements built once (`models.queries`): the vote
    command reads them each time."""
    session.flush()
    rows = queries.rows(session, queries.INTERESTS, venture_id=venture_id)
    if emails is None:
        emails = {r.member_id: queries.email_of(session, r.member_id) or "" for r in rows}
    return tuple(interest_value(r, emails) for r in rows)


def vote_closed_since_declared(session: Session, venture: t.Venture, person_id: int | None) -> bool:
    """Whether a vote on the venture closed after `person_id` declared an interest in it
    (`may_withdraw_interest`'s `vote_closed`): the chair closed the current ballot, or
    the Board decided any ballot since the declaration. A decision made without the
    member stands as made, so the declaration it counted stays too."""
    declared = session.exec(
        select(t.Interest.at)
        .where(t.Interest.venture_id == venture.id)
        .where(t.Interest.member_id == person_id)
        .order_by(col(t.Interest.at))
    ).first()
    if declared is None:
        return False
    decided = session.exec(
        select(t.Decision.id)
        .where(t.Decision.venture_id == venture.id)
        .where(col(t.Decision.at) >= declared)
    ).first()
    if decided is not None:
        return True
    ballot = session.exec(
        select(t.Ballot)
        .where(t.Ballot.venture_id == venture.id)
        .where(t.Ballot.gate_id == venture.gate_id)
        .order_by(col(t.Ballot.number).desc())
    ).first()
    return ballot is not None and ballot.closed_at is not None
