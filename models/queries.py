"""Reads the commands and flows need, shaped the way the governance rules take them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Boolean, ColumnElement, Executable, Table, any_, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session, SQLModel, col, func, select

from models.tables import (
    Answer,
    Ballot,
    Decision,
    GateRun,
    Interest,
    Person,
    PersonRole,
    Review,
    ReviewerAssignment,
    SignOff,
    Venture,
    Vote,
    WorkstreamMember,
    normalize_email,
)

# --- the pages' read paths: Core statements built once --------------------------------------
#
# A query through the ORM (`session.exec(select(Model)...)`) costs about 0.2 ms of CPU
# before SQLite does anything: building the statement, its cache key, loading objects
# into the identity map. The pages make a dozen reads a request, so on their paths the
# statements are built once, at import, with bound parameters (`bindparam`; lists with
# `expanding=True`), and run on the session's own connection (`rows`): the same
# transaction, about 25 µs each. Their rows are named tuples with the columns as
# attributes (`row.id`, `row.email`), read-only, like a detached ORM object's.


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model (for statements built once)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def rows(session: Session, statement: Executable, **params: Any) -> Sequence[Any]:
    """Every row of a Core `statement` with `params`, on `session`'s connection (in its
    transaction), without the ORM. (Typed `Any`: a row is a named tuple of the columns
    selected, read as a detached ORM object would be.)"""
    return session.connection().execute(statement, params).all()


def first(session: Session, statement: Executable, **params: Any) -> Any | None:
    """The first row of a Core `statement` with `params` (see `rows`), or None."""
    return session.connection().execute(statement, params).first()


class _OneOf(ColumnElement[bool]):
    """`column IN (:name)` with a list bound at execution: see `one_of`."""

    __visit_name__ = "cyd_one_of"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012  (SQLAlchemy's own declaration)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


def one_of(column: ColumnElement[Any] | Mapped[Any], name: str = "ids") -> ColumnElement[bool]:
    """`column` is one of the list bound as `name` at execution (`rows(..., ids=[...])`).

    On PostgreSQL, `column = ANY(:name)`: one array parameter, where an expanding IN
    sends one parameter a value, and the driver converts a statement of more than 50
    parameters to the server's form again on every run (it caches only shorter ones):
    about 7 ms of CPU for a batch's look-up of 200 ids, a third of a sweep's own CPU
    at 10,000 ventures. Elsewhere, an expanding IN."""
    # (A model's attribute, `col(Model.x)`, stands for its column.)
    clause = getattr(column, "__clause_element__", None)
    return _OneOf(cast(ColumnElement[Any], clause() if clause is not None else column), name)


@compiles(_OneOf)
def _one_of_in(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    values = bindparam(element.name, expanding=True, type_=element.column.type)
    return compiler.process(element.column.in_(values), **kw)


@compiles(_OneOf, "postgresql")
def _one_of_any(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(values), **kw)


PERSON = table(Person)
PERSON_BY_EMAIL = core_select(PERSON).where(PERSON.c.email == bindparam("email"))
PERSON_BY_ID = core_select(PERSON).where(PERSON.c.id == bindparam("id"))


def person_row(session: Session, email: str) -> Any | None:
    """`person_by_email` as a row (the pages' read paths: see above)."""
    return first(session, PERSON_BY_EMAIL, email=normalize_email(email))


def person_by_email(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == normalize_email(email))).first()


def next_venture_id(session: Session) -> str:
    """'v-0001', 'v-0002', ...: short enough to type. Call it inside `unit_of_work`
    (writers are serialized there, so two commands never get the same id)."""
    count = session.exec(select(func.count()).select_from(Venture)).one()
    return f"v-{count + 1:04d}"


def ventures_due(
    session: Session,
    *,
    before: datetime,
    states: Iterable[str],
    limit: int | None = None,
) -> Sequence[Venture]:
    """Ventures in one of `states` whose deadline is before `before`, soonest first.

    The overdue-actions sweep: `before=now` finds what is overdue, `before=now + 2 days`
    what is due soon. Served by the index on (state, deadline).
    """
    statement = (
        select(Venture)
        .where(col(Venture.state).in_(list(states)))
        .where(col(Venture.deadline) < before)
        .order_by(col(Venture.deadline), col(Venture.id))
    )
    if limit is not None:
        statement = statement.limit(limit)
    return session.exec(statement).all()


ANSWER = table(Answer)
CURRENT_ANSWERS = (
    core_select(ANSWER.c.checklist_id, ANSWER.c.item_id, ANSWER.c.value)
    .where(ANSWER.c.venture_id == bindparam("venture_id"))
    .where(ANSWER.c.gate_id == bindparam("gate_id"))
    .where(ANSWER.c.is_current)
)


def current_answers(session: Session, venture_id: str, gate_id: str) -> dict[str, dict[str, Any]]:
    """The current answers of a gate run: checklist id → item id → value.

    Every advance reads them (twice when it moves the venture), so the statement is
    built once (see `rows`); the session's pending rows are flushed first, as the ORM's
    query would (an answer just recorded, or carried into the next gate, is counted).
    """
    session.flush()
    answers: dict[str, dict[str, Any]] = {}
    for row in rows(session, CURRENT_ANSWERS, venture_id=venture_id, gate_id=gate_id):
        answers.setdefault(row.checklist_id, {})[row.item_id] = row.value
    return answers


def current_answer(
    session: Session, venture_id: str, gate_id: str, checklist_id: str, item_id: str
) -> Answer | None:
    return session.exec(
        select(Answer)
        .where(Answer.venture_id == venture_id)
        .where(Answer.gate_id == gate_id)
        .where(Answer.checklist_id == checklist_id)
        .where(Answer.item_id == item_id)
        .where(col(Answer.is_current))
    ).first()


def current_reviews(session: Session, venture_id: str, gate_id: str) -> Sequence[Review]:
    """Each reviewer's current review of the gate run (stale ones included: check `stale`)."""
    return session.exec(
        select(Review)
        .where(Review.venture_id == venture_id)
        .where(Review.gate_id == gate_id)
        .where(col(Review.is_current))
        .order_by(col(Review.at), col(Review.id))
    ).all()


def latest_ballot(session: Session, venture_id: str, gate_id: str) -> Ballot | None:
    return session.exec(
        select(Ballot)
        .where(Ballot.venture_id == venture_id)
        .where(Ballot.gate_id == gate_id)
        .order_by(col(Ballot.number).desc())
        .limit(1)
    ).first()


def ballot_decided(session: Session, ballot: Ballot) -> bool:
    """Whether the Board's decision on `ballot` is recorded (then it is closed for good)."""
    return (
        session.exec(
            select(Decision.id)
            .where(Decision.venture_id == ballot.venture_id)
            .where(Decision.gate_id == ballot.gate_id)
            .where(Decision.ballot == ballot.number)
        ).first()
        is not None
    )


def current_votes(session: Session, venture_id: str, gate_id: str, ballot: int) -> Sequence[Vote]:
    """Each member's current vote in a ballot (stale ones included: check `stale`)."""
    return session.exec(
        select(Vote)
        .where(Vote.venture_id == venture_id)
        .where(Vote.gate_id == gate_id)
        .where(Vote.ballot == ballot)
        .where(col(Vote.is_current))
        .order_by(col(Vote.at), col(Vote.id))
    ).all()


def current_vote(
    session: Session, venture_id: str, gate_id: str, ballot: int, member_id: int
) -> Vote | None:
    return session.exec(
        select(Vote)
        .where(Vote.venture_id == venture_id)
        .where(Vote.gate_id == gate_id)
        .where(Vote.ballot == ballot)
        .where(Vote.member_id == member_id)
        .where(col(Vote.is_current))
    ).first()


def current_review(
    session: Session, venture_id: str, gate_id: str, reviewer_id: int
) -> Review | None:
    return session.exec(
        select(Review)
        .where(Review.venture_id == venture_id)
        .where(Review.gate_id == gate_id)
        .where(Review.reviewer_id == reviewer_id)
        .where(col(Review.is_current))
    ).first()


# --- an advance's snapshot and a command's checks: Core statements built once -----------
#
# Every advance reads the same dozen things about one gate run, and every command checks
# who its actor is and whose venture it is: through the ORM each read cost 0.3–1 ms of
# CPU (building the statement and its cache key, loading objects). Built once, as the
# pages' reads above, on the session's connection: the session's pending rows are not
# flushed by these (unlike the ORM's queries), so a caller that has changed rows in the
# same unit of work flushes first (`services.advance.load_snapshot` does).

_GATE_RUN = table(GateRun)
GATE_RUN = core_select(_GATE_RUN).where(
    (_GATE_RUN.c.venture_id == bindparam("venture_id"))
    & (_GATE_RUN.c.gate_id == bindparam("gate_id"))
)
_ASSIGNMENT = table(ReviewerAssignment)
ASSIGNED_REVIEWERS = core_select(_ASSIGNMENT.c.reviewer_id).where(
    (_ASSIGNMENT.c.venture_id == bindparam("venture_id"))
    & (_ASSIGNMENT.c.gate_id == bindparam("gate_id"))
)
_REVIEW = table(Review)
CURRENT_REVIEWS = (
    core_select(_REVIEW)
    .where(_REVIEW.c.venture_id == bindparam("venture_id"))
    .where(_REVIEW.c.gate_id == bindparam("gate_id"))
    .where(_REVIEW.c.is_current)
    .order_by(_REVIEW.c.at, _REVIEW.c.id)
)
_INTEREST = table(Interest)
INTERESTS = (
    core_select(_INTEREST)
    .where(_INTEREST.c.venture_id == bindparam("venture_id"))
    .order_by(_INTEREST.c.id)
)
_BALLOT = table(Ballot)
LATEST_BALLOT = (
    core_select(_BALLOT)
    .where(_BALLOT.c.venture_id == bindparam("venture_id"))
    .where(_BALLOT.c.gate_id == bindparam("gate_id"))
    .order_by(_BALLOT.c.number.desc())
    .limit(1)
)
_VOTE = table(Vote)
CURRENT_VOTES = (
    core_select(_VOTE)
    .where(_VOTE.c.venture_id == bindparam("venture_id"))
    .where(_VOTE.c.gate_id == bindparam("gate_id"))
    .where(_VOTE.c.ballot == bindparam("ballot"))
    .where(_VOTE.c.is_current)
    .order_by(_VOTE.c.at, _VOTE.c.id)
)
_DECISION = table(Decision)
BALLOT_DECISION = (
    core_select(_DECISION)
    .where(_DECISION.c.venture_id == bindparam("venture_id"))
    .where(_DECISION.c.gate_id == bindparam("gate_id"))
    .where(_DECISION.c.ballot == bindparam("ballot"))
)
_SIGN_OFF = table(SignOff)
STANDING_SIGN_OFFS = (
    core_select(func.count())
    .select_from(_SIGN_OFF)
    .where(_SIGN_OFF.c.venture_id == bindparam("venture_id"))
    .where(_SIGN_OFF.c.gate_id == bindparam("gate_id"))
    .where(_SIGN_OFF.c.voided_at.is_(None))
)
_PERSON_ROLE = table(PersonRole)
ROLES_OF = core_select(_PERSON_ROLE.c.role).where(_PERSON_ROLE.c.person_id == bindparam("id"))
EMAIL_OF = core_select(PERSON.c.email).where(PERSON.c.id == bindparam("id"))
_MEMBER = table(WorkstreamMember)
WORKSTREAM_EMAILS = (
    core_select(PERSON.c.email)
    .join(_MEMBER, _MEMBER.c.person_id == PERSON.c.id)
    .where(_MEMBER.c.workstream_id == bindparam("workstream_id"))
)


def standing_sign_off_count(session: Session, venture_id: str, gate_id: str) -> int:
    """How many sign-offs of the gate run no changed answer has voided."""
    params = {"venture_id": venture_id, "gate_id": gate_id}
    return int(session.connection().execute(STANDING_SIGN_OFFS, params).scalar_one())


def email_of(session: Session, person_id: int | None) -> str | None:
    """The email of the person with this id (None: no such person, or no id)."""
    if person_id is None:
        return None
    row = first(session, EMAIL_OF, id=person_id)
    return None if row is None else str(row.email)
