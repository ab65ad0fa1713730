"""Answering a venture's checklist with example answers: for the demo, tests and benchmarks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine

from checklists.evaluate import evaluate
from checklists.examples import example_answer
from checklists.spec import ChecklistDefinition
from models import queries
from models import tables as t
from models.db import read_session
from services.advance import current_gate_run, pinned_checklists
from services.commands import Cyd, answer, sign_off, sign_offs
from services.local_time import local_day
from services.people import workstream_people


def missing_items(
    engine: Engine, venture_id: str, today: dt.date | None = None
) -> list[tuple[ChecklistDefinition, str]]:
    """The must-meet items shown and not yet validly answered, or answered but not met,
    in the current gate (relative date tests counted from `today`, default the machine's)."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        checklists = pinned_checklists(session, current_gate_run(session, venture))
        answers = queries.current_answers(session, venture_id, venture.gate_id)
    return [
        (checklist, item_id)
        for checklist in checklists
        for item_id in evaluate(
            checklist, answers.get(checklist.id, {}), today=today
        ).unmet_required
    ]


def answer_missing(cyd: Cyd, venture_id: str, people: Sequence[str], *, rounds: int = 5) -> int:
    """Answer every missing must-meet item validly, taking turns among `people`, then
    (a draft) sign off as the gate asks (`sign_off_as_asked`). An item only the lead
    answers (`audience: lead`) is answered by the venture's lead, whoever `people` are.

    Answers can show further items, so this goes round until nothing is missing.
    Returns how many answers were given.
    """
    given = 0
    lead = _lead(cyd.engine, venture_id)
    # The day on the commands' clock (a demonstration's or a test's may not be the
    # machine's): a date that must be recent is answered with it.
    today = local_day(cyd.clock())
    for _ in range(rounds):
        missing = missing_items(cyd.engine, venture_id, today)
        if not missing:
            break
        for checklist, item_id in missing:
            item = checklist.item(item_id)
            by = people[given % len(people)] if item.for_co_producers() else lead
            answer(cyd, venture_id, f"{checklist.id}/{item_id}", example_answer(item, today), by=by)
            given += 1
    if missing_items(cyd.engine, venture_id, today):
        raise RuntimeError(f"venture {venture_id}: the checklist never became complete")
    sign_off_as_asked(cyd, venture_id)
    return given


def _lead(engine: Engine, venture_id: str) -> str:
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        lead = session.get(t.Person, venture.lead_id)
        assert lead is not None
        return lead.email


def sign_off_as_asked(cyd: Cyd, venture_id: str) -> list[str]:
    """Where the gate asks for sign-offs, have that many of the workstream's
    co-producers with lived experience (by email, first first) confirm the checklist,
    as they would once they have read it; their emails. A later change to an answer
    voids them again."""
    asked = sign_offs(cyd.engine, cyd.library, venture_id)
    if asked.enough:
        return []
    with read_session(cyd.engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        if venture.state != "draft":  # signed off only while a draft
            return []
        signed = {email for email, _, _ in asked.standing}
        people = [
            p.email
            for p in workstream_people(session, venture.workstream_id)
            if p.lived_experience and p.active and p.id != venture.lead_id and p.email not in signed
        ]
    chosen = sorted(people)[: asked.required - len(asked.standing)]
    for email in chosen:
        sign_off(cyd, venture_id, by=email)
    return chosen
