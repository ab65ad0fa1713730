"""The advance's reads built once (for the year benchmark's hot path) read what the
ORM's queries read: the Board from the people already loaded, and a gate run's current
answers, pending rows included, on both databases."""

from __future__ import annotations

from sqlmodel import select

from models import queries
from models import tables as t
from models.db import read_session, unit_of_work
from services.advance import People
from services.commands import Cyd, answer, start_venture
from services.people import board_people
from tests.services.test_commands import LEAD


def _board(rows: list[tuple[t.Person, bool]]) -> list[tuple[str, bool]]:
    return [(person.email, chair) for person, chair in rows]


def test_the_board_is_board_people(cyd: Cyd) -> None:
    with read_session(cyd.engine) as session:
        expected = _board(board_people(session))
        assert _board(People(session).board()) == expected
    assert ("megan.lloyd@example.org", True) in expected
    assert len(expected) == 6
    with read_session(cyd.engine) as session:
        chair = queries.person_by_email(session, "megan.lloyd@example.org")
        assert chair is not None
        roles = session.exec(select(t.PersonRole.role).where(t.PersonRole.person_id == chair.id))
        assert {"chair", "board-member"} <= set(roles)  # both: one row in the Board
    # A member who left: as `board_people` has it, not there.
    with unit_of_work(cyd.engine) as session:
        left = queries.person_by_email(session, "aled.evans@example.org")
        assert left is not None
        left.active = False
        session.add(left)
    with read_session(cyd.engine) as session:
        expected = _board(board_people(session))
        assert _board(People(session).board()) == expected
        # The same objects as the session's own.
        people = People(session)
        for person, _ in people.board():
            assert people.by_id[person.id] is person
    assert "aled.evans@example.org" not in dict(expected)
    assert dict(expected)["megan.lloyd@example.org"] is True


def test_current_answers_count_pending_rows(cyd: Cyd) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    summary = "A café run with the people who use it. " * 2
    answer(cyd, venture_id, "venture-summary", summary, by=LEAD)
    with unit_of_work(cyd.engine) as session:
        stored = queries.current_answers(session, venture_id, "design")
        assert stored == {"coproduction-start": {"venture-summary": summary}}
        current = session.exec(
            select(t.Answer).where(t.Answer.venture_id == venture_id).where(t.Answer.is_current)
        ).one()
        current.is_current = False
        session.add(current)
        session.add(
            t.Answer(
                venture_id=venture_id,
                gate_id="design",
                checklist_id="coproduction-start",
                checklist_version=current.checklist_version,
                item_id="venture-summary",
                value="Changed, not yet flushed.",
                by_id=current.by_id,
                at=current.at,
            )
        )
        changed = queries.current_answers(session, venture_id, "design")
        assert changed == {"coproduction-start": {"venture-summary": "Changed, not yet flushed."}}
