"""What a reviewer reads before recommending: the venture's answers, the reviewer's own
current recommendation, and each changed answer's history.

    review_of(engine, library, venture_id, by, now) -> ReviewView
    REVIEW_VIEW = "review.view"   the action a refusal is audited under

Only someone the rules let review the venture reads it here: a reviewer assigned to it
(`may_view_venture`: an unassigned reviewer does not see it at all) whom `may_review`
allows, so never the venture's lead. Any other reader is refused as a command refuses:
the refusal is recorded (`record_denial`: a `Denial` row and an audit entry) and raised
as `PermissionDenied`. The one refusal that is not about who reads is the venture's
state: a reviewer assigned to it may still read it once it has left review (after
recommending, the venture may go on to the Board at once), with `open` saying why no
recommendation can be given now.

The reads are a few indexed rows: the venture's checklists and current answers
(`services.venture_checklist`), the reviewer's current review, and the history of
only those answers that were changed (one answer is said by "answered by"), in one
query (`services.history.changed_answers`: `answer_history` item by item decoded the
pinned checklists once an item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import select

from checklists.library import Library
from governance.permissions import Denied, may_review, may_view_venture
from models import queries
from models import tables as t
from models.db import read_session
from services.commands import NotFound, record_denial
from services.history import AnswerRecord, changed_answers
from services.people import actor_for, venture_facts
from services.permitted import Permitted
from services.venture_checklist import VentureChecklists, venture_checklists

REVIEW_VIEW = "review.view"
WRONG_STATE = "wrong-state"  # governance.permissions: the venture is not in review


@dataclass(frozen=True)
class MyReview:
    """The reviewer's current recommendation at this gate."""

    recommend: str  # governance.reviews.Recommendation
    note: str | None
    at: dt.datetime
    stale: bool  # an answer changed after it was given: it is needed again


@dataclass(frozen=True)
class ReviewView:
    venture: VentureChecklists
    # Whether a recommendation may be given now: allowed, or the rules' reason why not
    # (only ever the venture's state: any other refusal is raised instead).
    open: Permitted
    mine: MyReview | None
    # 'checklist/item' -> every answer the item was given, oldest first; only items
    # answered more than once.
    histories: Mapping[str, tuple[AnswerRecord, ...]] = field(default_factory=dict)
    # What is answered but not met, and the exceptions (not met, with a justification),
    # are in the checklists' progress (web.checklist_pages.Checklists(venture)): items
    # of status "not-met", and items with a `justification`.


def review_of(
    engine: Engine, library: Library, venture_id: str, by: str, now: dt.datetime
) -> ReviewView:
    """The venture as `by` reviews it. NotFound for an unknown venture or person;
    PermissionDenied (audited) for anyone the rules do not let review it."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, by)
        if person is None or not person.active or person.id is None:
            raise NotFound("person-not-found", email=by)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        actor = actor_for(session, person)
        facts = venture_facts(session, venture)
        assigned = set(
            session.exec(
                select(t.Person.email)
                .join(
                    t.ReviewerAssignment,
                    t.ReviewerAssignment.reviewer_id == t.Person.id,  # type: ignore[arg-type]
                )
                .where(t.ReviewerAssignment.venture_id == venture.id)
            )
        )
        review = queries.current_review(session, venture.id, venture.gate_id, person.id)
        mine = (
            MyReview(review.recommend, review.note, review.at, review.stale)
            if review is not None
            else None
        )
    reviewing = may_review(actor, facts)
    refused = reviewing if isinstance(reviewing, Denied) and reviewing.code != WRONG_STATE else None
    if refused is None:
        # Only the reviewers assigned to it read a venture (and the lead, who may not
        # review it, was refused above): the rule for seeing it, as its pages ask it.
        seeing = may_view_venture(actor, facts, reviewers=assigned)
        refused = seeing if isinstance(seeing, Denied) else None
    if refused is not None:
        record_denial(engine, REVIEW_VIEW, by, venture_id, refused, now)
    read = venture_checklists(engine, library, venture_id)
    return ReviewView(
        venture=read,
        open=_permitted(reviewing),
        mine=mine,
        histories={
            ref: tuple(records) for ref, records in changed_answers(engine, venture_id).items()
        },
    )


def _permitted(permission: object) -> Permitted:
    if isinstance(permission, Denied):
        return Permitted("review", False, permission.code, permission.reason, permission.params)
    return Permitted("review", True)
