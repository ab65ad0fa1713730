"""One way to advance: every caller gets the same typed answer, on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from checklists.library import Library
from services.advancing import (
    Advanced,
    How,
    Why,
    advance_directly,
    advance_waiting,
    waiting_ventures,
)
from services.commands import Cyd, advance_open, answer, start_venture, submit
from tests.services.test_commands import CO_PRODUCER, LEAD, SUMMARY, fill_checklist


def _started(cyd: Cyd, title: str = "Community café") -> str:
    return start_venture(cyd, workstream="day-opportunities", title=title, lead=LEAD).venture_id


def test_a_command_says_how_its_venture_was_advanced(cyd: Cyd) -> None:
    venture_id = _started(cyd)
    answered = answer(cyd, venture_id, "venture-summary", SUMMARY, by=LEAD)
    # An answer to a draft: the rules have nothing to do.
    assert answered.advance is not None
    assert (answered.advance.how, answered.advance.why) == (How.NOTHING, Why.SETTLED)
    assert answered.advanced is not None
    assert answered.advanced.state == "draft"
    submitted = submit(cyd, venture_id, by=LEAD)
    assert submitted.advance is not None
    assert (submitted.advance.how, submitted.advance.why) == (How.HERE, Why.DIRECT)
    assert submitted.advance.changed
    assert submitted.advanced is not None
    assert submitted.advanced.state == "returned"  # most items are still unanswered
    assert not submitted.handed
    assert "advance" not in submitted.as_json()


def test_recording_without_advancing_says_so(cyd: Cyd) -> None:
    cyd.advance_after = False
    venture_id = _started(cyd)
    fill_checklist(cyd, venture_id, CO_PRODUCER)
    outcome = submit(cyd, venture_id, by=LEAD)
    assert outcome.advance is None
    assert outcome.advanced is None
    assert waiting_ventures(cyd.engine, cyd.library, cyd.clock()) == [venture_id]


def test_a_chosen_advancer_is_used_by_commands_and_by_advancing_the_waiting(
    cyd: Cyd, engine: Engine
) -> None:
    asked: list[str] = []

    def hand_over(
        engine: Engine, definitions: Library, venture_id: str, now: dt.datetime
    ) -> Advanced:
        asked.append(venture_id)
        return Advanced(venture_id, How.HANDED, Why.EVENT_SENT)

    first, second = _started(cyd), _started(cyd, "Allotment")
    for venture_id in (first, second):
        fill_checklist(cyd, venture_id, CO_PRODUCER)
    cyd.advancer = hand_over
    outcome = submit(cyd, first, by=LEAD)
    assert outcome.handed
    assert outcome.as_json()["advance"] == "prefect-event"
    assert outcome.advanced is None  # a worker advances it: this process knows no state
    assert asked == [first]
    # Nothing was advanced here, so the first waits; the sweep's selection sees it.
    cyd.advance_after = False
    submit(cyd, second, by=LEAD)
    assert waiting_ventures(engine, cyd.library, cyd.clock()) == [first, second]
    handed = advance_open(cyd)
    assert [(a.venture_id, a.how) for a in handed] == [(first, How.HANDED), (second, How.HANDED)]
    # Advanced here, both move on to review; after that nothing is due.
    done = advance_waiting(engine, cyd.library, cyd.clock(), advance_directly)
    assert [(a.how, a.report.state if a.report else None) for a in done] == [
        (How.HERE, "in_review"),
        (How.HERE, "in_review"),
    ]
    assert waiting_ventures(engine, cyd.library, cyd.clock()) == []
    # `cyd venture advance` with nothing named checks every waiting venture (in review,
    # here): each is settled until a reviewer acts.
    cyd.advancer = advance_directly
    assert [(a.how, a.why) for a in advance_open(cyd)] == [(How.NOTHING, Why.SETTLED)] * 2


def test_an_action_that_leaves_a_venture_where_the_rules_cannot_move_it_runs_no_advance(
    cyd: Cyd,
) -> None:
    """An answer to a draft: the rules prove nothing can change (`may_advance`), so the
    advancer is not called (no unit of work, no event); an answer to a venture in
    review may return it, so it is."""
    asked: list[str] = []

    def counting(
        engine: Engine, definitions: Library, venture_id: str, now: dt.datetime
    ) -> Advanced:
        asked.append(venture_id)
        return advance_directly(engine, definitions, venture_id, now)

    cyd.advancer = counting
    venture_id = _started(cyd)
    answered = answer(cyd, venture_id, "venture-summary", SUMMARY, by=LEAD)
    assert asked == []
    assert answered.advance is not None
    assert (answered.advance.how, answered.advance.why) == (How.NOTHING, Why.SETTLED)
    assert answered.advanced is not None
    assert (answered.advanced.state, answered.advanced.gate_id) == ("draft", "design")
    assert not answered.advanced.changed
    fill_checklist(cyd, venture_id, CO_PRODUCER)
    assert asked == []
    submitted = submit(cyd, venture_id, by=LEAD)
    assert asked == [venture_id]
    assert submitted.advanced is not None
    assert submitted.advanced.state == "in_review"
    changed = answer(cyd, venture_id, "venture-summary", SUMMARY + " Again.", by=LEAD)
    assert asked == [venture_id, venture_id]
    assert changed.advance is not None
    assert changed.advance.how is How.NOTHING
