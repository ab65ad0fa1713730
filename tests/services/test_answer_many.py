"""Several answers at once (a page of the checklist): all or nothing, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from models import audit
from models import tables as t
from models.db import read_session
from services.commands import (
    Cyd,
    InvalidAnswers,
    PermissionDenied,
    answer,
    answer_many,
    start_venture,
    submit,
)
from services.replay import compare, replay
from tests.services.test_commands import CO_PRODUCER, LEAD, SUMMARY, fill_checklist
from tests.services.test_replay import imported, target  # noqa: F401  (a fixture)

PAGE = {
    "venture-summary": SUMMARY,
    "lived-experience-count": "4",
    "welsh-and-english-together": "yes",
    "formats-offered": "easy-read, welsh",
}


def _started(cyd: Cyd) -> str:
    return start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def _answers(engine: Engine, venture_id: str) -> dict[str, object]:
    with read_session(engine) as session:
        rows = session.exec(
            select(t.Answer)
            .where(t.Answer.venture_id == venture_id)
            .where(col(t.Answer.is_current))
        ).all()
        return {a.item_id: a.value for a in rows}


def _log(engine: Engine, venture_id: str) -> list[t.AuditEntry]:
    with read_session(engine) as session:
        return [e for e in audit.entries(session) if e.venture_id == venture_id]


def test_a_page_of_answers_is_recorded_together_one_entry_per_answer(cyd: Cyd) -> None:
    venture_id = _started(cyd)
    outcome = answer_many(cyd, venture_id, PAGE, by=LEAD)
    assert outcome.details["items"] == dict.fromkeys(PAGE, "recorded")
    assert _answers(cyd.engine, venture_id) == {
        "venture-summary": SUMMARY,
        "lived-experience-count": 4,
        "welsh-and-english-together": True,
        "formats-offered": ["easy-read", "welsh"],
    }
    entries = [e for e in _log(cyd.engine, venture_id) if e.action == "answer.recorded"]
    assert [e.payload["item"] for e in entries] == list(PAGE)
    assert {e.actor for e in entries} == {LEAD}
    assert len({e.at for e in entries}) == 1  # one moment: one unit of work
    # Given again with one change: only that one is recorded (and audited).
    again = answer_many(cyd, venture_id, {**PAGE, "lived-experience-count": 5}, by=LEAD)
    assert again.details["items"]["lived-experience-count"] == "recorded"
    assert [v for k, v in again.details["items"].items() if k != "lived-experience-count"] == [
        "unchanged"
    ] * 3
    assert len([e for e in _log(cyd.engine, venture_id) if e.action == "answer.recorded"]) == 5
    # Nothing changed at all: nothing recorded, nothing advanced.
    idle = answer_many(cyd, venture_id, {"venture-summary": SUMMARY}, by=LEAD)
    assert idle.advance is None
    assert idle.details["items"] == {"venture-summary": "unchanged"}


def test_every_invalid_answer_is_reported_and_nothing_is_stored(cyd: Cyd) -> None:
    venture_id = _started(cyd)
    before = len(_log(cyd.engine, venture_id))
    bad = {**PAGE, "lived-experience-count": "-3", "venture-summary": "Too short."}
    with pytest.raises(InvalidAnswers) as refused:
        answer_many(cyd, venture_id, bad, by=LEAD)
    problems = {p.item_id: p for p in refused.value.problems}
    assert sorted(problems) == ["lived-experience-count", "venture-summary"]
    for problem in problems.values():
        assert problem.en
        assert problem.cy
        assert problem.en != problem.cy  # each reason in both languages
    assert _answers(cyd.engine, venture_id) == {}
    assert len(_log(cyd.engine, venture_id)) == before


def test_a_co_producers_page_with_a_lead_item_is_refused_whole(cyd: Cyd) -> None:
    venture_id = _started(cyd)
    # venture-summary is anyone's; lived-experience-count is the lead's to answer.
    with pytest.raises(PermissionDenied) as refused:
        answer_many(cyd, venture_id, PAGE, by=CO_PRODUCER)
    assert refused.value.code == "item-for-lead"
    assert _answers(cyd.engine, venture_id) == {}
    mine = answer_many(cyd, venture_id, {"venture-summary": SUMMARY}, by=CO_PRODUCER)
    assert mine.details["items"] == {"venture-summary": "recorded"}


def test_someone_outside_the_workstream_may_answer_nothing(cyd: Cyd) -> None:
    venture_id = _started(cyd)
    with pytest.raises(PermissionDenied):
        answer_many(cyd, venture_id, PAGE, by="megan.lloyd@example.org")  # the chair
    assert _answers(cyd.engine, venture_id) == {}


def test_a_page_of_answers_to_a_returned_venture_reopens_it_once(
    cyd: Cyd,
    engine: Engine,
    target: Engine,  # noqa: F811
) -> None:
    venture_id = _started(cyd)
    answer(cyd, venture_id, "venture-summary", SUMMARY, by=LEAD)
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]
    outcome = answer_many(cyd, venture_id, PAGE, by=LEAD)
    assert outcome.advanced is not None
    assert outcome.advanced.state == "draft"
    recorded = [e for e in _log(cyd.engine, venture_id) if e.action == "answer.recorded"]
    # The first answer reopened it; the others were given to a draft.
    assert [e.payload["reopened"] for e in recorded[-3:]] == [True, False, False]
    fill_checklist(cyd, venture_id, CO_PRODUCER)
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]
    # The log replays to the same state, answer by answer, as if given one at a time.
    result = replay(engine, target, cyd.library)
    assert result.ok, result.problems
    assert compare(engine, target) == []
