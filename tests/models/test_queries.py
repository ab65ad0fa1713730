"""The reads commands and flows make, and the history they read from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models import queries
from models.db import make_engine, read_session, unit_of_work
from models.history import supersede
from models.migrate import upgrade
from models.tables import Answer, Ballot, Review, Venture
from tests.models.conftest import Backend
from tests.models.factories import NOW, World, add_person, add_venture, cast_vote, make_world

OPEN = ("in_review", "awaiting_board")


def answer(session: Session, world: World, item: str, value: object, by: int) -> Answer:
    current = queries.current_answer(
        session, world.venture_id, "design", "coproduction-start", item
    )
    return supersede(
        session,
        current,
        Answer(
            venture_id=world.venture_id,
            gate_id="design",
            checklist_id="coproduction-start",
            checklist_version=1,
            item_id=item,
            value=value,
            by_id=by,
        ),
    )


def test_people_are_found_by_email_whatever_its_case(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with read_session(backend.engine) as session:
        found = queries.person_by_email(session, "  Lead@Example.ORG ")
        assert found is not None
        assert found.id == world.lead.id
        assert queries.person_by_email(session, "nobody@example.org") is None


def test_venture_ids_are_short_and_sequential(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)  # made v-0001
    with unit_of_work(backend.engine) as session:
        new_id = queries.next_venture_id(session)
        add_venture(session, new_id, lead=world.lead)
    assert new_id == "v-0002"


def test_ventures_due_are_those_in_the_states_asked_with_a_deadline_passed(
    backend: Backend,
) -> None:
    world = make_world(backend.engine, members=1)
    plan = {
        "v-0101": ("awaiting_board", NOW - timedelta(days=2)),
        "v-0102": ("in_review", NOW - timedelta(days=1)),
        "v-0103": ("awaiting_board", NOW + timedelta(days=1)),  # not yet
        "v-0104": ("approved", NOW - timedelta(days=3)),  # closed
        "v-0105": ("draft", None),  # no deadline
    }
    with unit_of_work(backend.engine) as session:
        for venture_id, (state, deadline) in plan.items():
            add_venture(
                session,
                venture_id,
                lead=world.lead,
                state=state,
                deadline=deadline,
                with_ballot=False,
            )
    with read_session(backend.engine) as session:
        overdue = queries.ventures_due(session, before=NOW, states=OPEN)
        assert [v.id for v in overdue] == ["v-0101", "v-0102"]
        soon = queries.ventures_due(session, before=NOW + timedelta(days=2), states=OPEN)
        assert [v.id for v in soon] == ["v-0101", "v-0102", "v-0103"]
        assert [v.id for v in queries.ventures_due(session, before=NOW, states=OPEN, limit=1)] == [
            "v-0101"
        ]


def test_the_overdue_query_uses_the_state_deadline_index(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    statement = (
        select(Venture)
        .where(col(Venture.state).in_(list(OPEN)))
        .where(col(Venture.deadline) < NOW)
        .order_by(col(Venture.deadline))
    )
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        plan = " ".join(
            str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        )
    engine.dispose()
    assert "ix_venture_state_deadline" in plan, plan


def test_answers_keep_their_history_and_the_current_ones_are_read_by_checklist(
    backend: Backend,
) -> None:
    world = make_world(backend.engine, members=1)
    lead_id, member_id = world.lead.id, world.members[0].id
    assert lead_id is not None
    assert member_id is not None
    with unit_of_work(backend.engine) as session:
        answer(session, world, "purpose", "A day centre run with the people who use it.", lead_id)
        answer(session, world, "lived-experience-count", 3, lead_id)
    with unit_of_work(backend.engine) as session:
        answer(session, world, "lived-experience-count", 5, member_id)
    with read_session(backend.engine) as session:
        assert queries.current_answers(session, world.venture_id, "design") == {
            "coproduction-start": {
                "purpose": "A day centre run with the people who use it.",
                "lived-experience-count": 5,
            }
        }
        history = session.exec(
            select(Answer)
            .where(Answer.item_id == "lived-experience-count")
            .order_by(col(Answer.id))
        ).all()
        assert [(a.value, a.by_id, a.is_current) for a in history] == [
            (3, lead_id, False),
            (5, member_id, True),
        ]
        assert history[0].superseded_by_id == history[1].id


def test_reviews_are_current_per_reviewer_and_can_be_made_stale(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        reviewer, _ = add_person(session, "reviewer@example.org", roles=("reviewer",))
        assert reviewer.id is not None
        reviewer_id = reviewer.id
        for recommend in ("recycle", "go"):
            current = queries.current_review(session, world.venture_id, "design", reviewer_id)
            supersede(
                session,
                current,
                Review(
                    venture_id=world.venture_id,
                    gate_id="design",
                    reviewer_id=reviewer_id,
                    recommend=recommend,
                    note="Easy Read version attached" if recommend == "go" else None,
                ),
            )
    with unit_of_work(backend.engine) as session:  # an answer changed after review
        for review in queries.current_reviews(session, world.venture_id, "design"):
            review.stale = True
            session.add(review)
    with read_session(backend.engine) as session:
        [review] = queries.current_reviews(session, world.venture_id, "design")
        assert (review.recommend, review.stale) == ("go", True)


def test_the_latest_ballot_and_its_current_votes(backend: Backend) -> None:
    world = make_world(backend.engine, members=3)
    with read_session(backend.engine) as session:
        latest = queries.latest_ballot(session, world.venture_id, "design")
        assert latest is not None
        assert latest.number == 1
        assert queries.latest_ballot(session, world.venture_id, "delivery") is None
    with unit_of_work(backend.engine) as session:
        cast_vote(session, world, world.members[0], "more-time")
        cast_vote(session, world, world.members[1], "approve")
        cast_vote(session, world, world.members[0], "approve", reason="thought about it")
        session.add(Ballot(venture_id=world.venture_id, gate_id="design", number=2, deadline=NOW))
    with read_session(backend.engine) as session:
        latest = queries.latest_ballot(session, world.venture_id, "design")
        assert latest is not None
        assert latest.number == 2
        votes = queries.current_votes(session, world.venture_id, "design", 1)
        assert sorted((v.member_id, v.choice) for v in votes) == sorted(
            [(world.members[0].id, "approve"), (world.members[1].id, "approve")]
        )
        assert queries.current_votes(session, world.venture_id, "design", 2) == []


def test_a_row_cannot_supersede_itself(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        vote = cast_vote(session, world, world.members[0], "approve")
        with pytest.raises(ValueError, match="itself"):
            supersede(session, vote, vote)
