"""A venture's checklists as its pages show them: the definitions it is answering, its
current answers with who gave each and when, and why it was last returned.

    venture_checklists(engine, library, venture_id) -> VentureChecklists

One read of a few indexed rows (the venture, its gate run, its current answers with
their people, and its latest submission or return from the audit log): never a
snapshot of the whole programme, so a task list or a question page stays cheap.
Permissions are not asked here: a page asks `services.permitted` first.

`returned` is the latest return for changes, while it still stands: from the
`venture.advanced` entry that moved the venture to "returned" (its reasons, with
their codes and parameters so a page words them in Welsh and Easy Read, and its gaps
with their reasons in English and Welsh), unless the venture was submitted again
after it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from checklists.library import Library
from checklists.messages import Reason as ItemReason
from checklists.spec import ChecklistDefinition, GateDefinition
from governance.completeness import ChecklistGap
from governance.lifecycle import Action, VentureState
from governance.reasons import Reason
from models import tables as t
from models.db import read_session
from services.advance import current_gate_run, pinned_checklists, pinned_gate
from services.commands import NotFound

ADVANCED = "venture.advanced"
SUBMITTED = "venture.submitted"


@dataclass(frozen=True)
class GivenAnswer:
    """The current answer to an item: its value, who gave it and when."""

    value: Any
    by: str  # email
    by_name: str
    # The language its writer reads in (their setting), or None if never asked: the
    # pages mark free text with it when it is not the page's.
    by_language: str | None
    at: dt.datetime
    # How many answers the item has had, this one included: more than one, and it
    # has a history of changes (`services.history.answer_history`) worth showing.
    answers_given: int = 1


@dataclass(frozen=True)
class Returned:
    """Why the venture was returned for changes: the rules' reasons and the gaps."""

    at: dt.datetime
    reasons: tuple[Reason, ...]
    gaps: tuple[ChecklistGap, ...]


@dataclass(frozen=True)
class VentureChecklists:
    venture_id: str
    title: str
    state: str
    workstream_id: str
    lead: str  # email
    lead_name: str
    deadline: dt.datetime | None
    gate: GateDefinition
    checklists: tuple[ChecklistDefinition, ...]  # as pinned when the gate opened
    # checklist id -> item id -> the current answer
    answers: Mapping[str, Mapping[str, GivenAnswer]] = field(default_factory=dict)
    returned: Returned | None = None

    def values(self, checklist_id: str) -> dict[str, Any]:
        """The current answers' values of one checklist, as `evaluate` takes them."""
        return {k: a.value for k, a in self.answers.get(checklist_id, {}).items()}

    def checklist(self, checklist_id: str) -> ChecklistDefinition:
        for checklist in self.checklists:
            if checklist.id == checklist_id:
                return checklist
        raise KeyError(checklist_id)


def venture_checklists(engine: Engine, library: Library, venture_id: str) -> VentureChecklists:
    """The venture's checklists and answers at its current gate. NotFound if no venture."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        gate_run = current_gate_run(session, venture)
        lead = session.get(t.Person, venture.lead_id)
        # Every answer of the gate run, superseded ones too (to count them): the current
        # one of each item is kept, with who gave it.
        rows = session.execute(
            sa_select(
                col(t.Answer.checklist_id),
                col(t.Answer.item_id),
                col(t.Answer.value),
                col(t.Answer.at),
                col(t.Answer.is_current),
                col(t.Person.email),
                col(t.Person.name),
                col(t.Person.language),
                col(t.Person.language_asked_on),
            )
            .join(t.Person, col(t.Person.id) == col(t.Answer.by_id))
            .where(col(t.Answer.venture_id) == venture.id)
            .where(col(t.Answer.gate_id) == venture.gate_id)
        ).all()
        counts = Counter((row.checklist_id, row.item_id) for row in rows)
        answers: dict[str, dict[str, GivenAnswer]] = {}
        for row in rows:
            if not row.is_current:
                continue
            answers.setdefault(row.checklist_id, {})[row.item_id] = GivenAnswer(
                value=row.value,
                by=row.email,
                by_name=row.name,
                by_language=row.language if row.language_asked_on is not None else None,
                at=row.at,
                answers_given=counts[(row.checklist_id, row.item_id)],
            )
        returned = (
            _latest_return(session, venture.id)
            if venture.state in (VentureState.RETURNED.value, VentureState.DRAFT.value)
            else None
        )
        return VentureChecklists(
            venture_id=venture.id,
            title=venture.title,
            state=venture.state,
            workstream_id=venture.workstream_id,
            lead=lead.email if lead is not None else "",
            lead_name=lead.name if lead is not None else "",
            deadline=venture.deadline,
            gate=pinned_gate(library, gate_run),
            checklists=pinned_checklists(gate_run),
            answers=answers,
            returned=returned,
        )


def _latest_return(session: Session, venture_id: str) -> Returned | None:
    """The latest return for changes, unless a submission came after it."""
    entries = session.exec(
        select(t.AuditEntry)
        .where(t.AuditEntry.venture_id == venture_id)
        .where(col(t.AuditEntry.action).in_((ADVANCED, SUBMITTED)))
        .order_by(col(t.AuditEntry.seq).desc())
    )
    for entry in entries:
        if entry.action == SUBMITTED:
            return None
        for effect in reversed(entry.payload.get("effects", [])):
            if (
                effect.get("effect") == "Transition"
                and effect.get("action") == Action.RETURN_FOR_CHANGES.value
            ):
                return Returned(
                    at=entry.at,
                    reasons=tuple(Reason.from_json(r) for r in effect.get("reasons", [])),
                    gaps=tuple(_gap(g) for g in effect.get("gaps", [])),
                )
    return None


def _gap(data: Mapping[str, Any]) -> ChecklistGap:
    words = data.get("reason") or {}
    easy = data.get("easy_read_reason")
    problem = data.get("problem")
    return ChecklistGap(
        checklist_id=str(data.get("checklist", "")),
        item_id=str(data.get("item", "")),
        problem="invalid"
        if problem == "invalid"
        else "not-met"
        if problem == "not-met"
        else "missing",
        reason=ItemReason(str(words.get("en", "")), str(words.get("cy", ""))),
        easy_read=ItemReason(str(easy.get("en", "")), str(easy.get("cy", ""))) if easy else None,
    )
