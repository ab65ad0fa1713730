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
    """The interests declared in a venture (`emails`: every person's, if already read)."""
    rows = session.exec(
        select(t.Interest).where(t.Interest.venture_id == venture_id).order_by(col(t.Interest.id))
    ).all()
    if emails is None:
        ids = {r.member_id for r in rows}
        emails = {p.id: p.email for p in session.exec(select(t.Person)) if p.id in ids}
    return tuple(interest_value(r, emails) for r in rows)
