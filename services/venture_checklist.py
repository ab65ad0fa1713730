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

from sqlalchemy import Engine, String, bindparam, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from checklists.library import Library
from checklists.messages import Reason as ItemReason
from checklists.spec import ChecklistDefinition, GateDefinition
from governance.completeness import ChecklistGap
from governance.lifecycle import Action, VentureState
from governance.reasons import Reason
from models import queries
from models import tables as t
from models.db import read_session
from services.advance import gate_definition, pinned_from_text
from services.commands import NotFound
from services.free_text import ANSWER

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
    # A free-text answer's translation (services.free_text): the language it was
    # written in, as the translators were asked, and the other language's, once given.
    written_lang: str | None = None
    other: str | None = None

    def value_in(self, lang: str) -> Any:
        """The answer as a reader of `lang` reads it: a text's translation once given."""
        if self.other and self.written_lang and self.written_lang != lang:
            return self.other
        return self.value

    def language_shown(self, lang: str) -> str | None:
        """The language of the answer a page in `lang` shows, when it is not `lang`
        (None: in the page's language, or not known)."""
        written = self.written_lang or self.by_language
        if written in (None, lang) or (self.other and self.written_lang):
            return None
        return written


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
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given

    def values(self, checklist_id: str) -> dict[str, Any]:
        """The current answers' values of one checklist, as `evaluate` takes them."""
        return {k: a.value for k, a in self.answers.get(checklist_id, {}).items()}

    def checklist(self, checklist_id: str) -> ChecklistDefinition:
        for checklist in self.checklists:
            if checklist.id == checklist_id:
                return checklist
        raise KeyError(checklist_id)


# The statements of this read, built once and run without the ORM (models/queries.py
# says why: every task list and question page makes this read).
_V = queries.table(t.Venture)
_GR = queries.table(t.GateRun)
_A = queries.table(t.Answer)
_P = queries.PERSON
_AE = queries.table(t.AuditEntry)
_VENTURE = sa_select(_V).where(_V.c.id == bindparam("venture"))
# The gate run's pins as stored text: decoded once per distinct text (`pinned_from_text`).
_GATE_RUN = sa_select(
    _GR.c.venture_id,
    _GR.c.gate_id,
    _GR.c.gate_version,
    cast(_GR.c.checklists, String).label("pins"),
).where(_GR.c.venture_id == bindparam("venture"), _GR.c.gate_id == bindparam("gate"))
# Every answer of the gate run, superseded ones too (to count them): the current one of
# each item is kept, with who gave it.
_ANSWERS = (
    sa_select(
        _A.c.checklist_id,
        _A.c.item_id,
        _A.c.value,
        _A.c.at,
        _A.c.is_current,
        _P.c.email,
        _P.c.name,
        _P.c.language,
        _P.c.language_asked_on,
    )
    .join(_P, _P.c.id == _A.c.by_id)
    .where(_A.c.venture_id == bindparam("venture"))
    .where(_A.c.gate_id == bindparam("gate"))
)
_RETURNS = (
    sa_select(_AE.c.action, _AE.c.at, _AE.c.payload)
    .where(_AE.c.venture_id == bindparam("venture"))
    .where(_AE.c.action.in_((ADVANCED, SUBMITTED)))
    .order_by(_AE.c.seq.desc())
)


def venture_checklists(engine: Engine, library: Library, venture_id: str) -> VentureChecklists:
    """The venture's checklists and answers at its current gate. NotFound if no venture."""
    with read_session(engine) as session:
        venture = queries.first(session, _VENTURE, venture=venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        gate_run = queries.first(session, _GATE_RUN, venture=venture.id, gate=venture.gate_id)
        if gate_run is None:
            raise RuntimeError(f"venture {venture.id} has no run of gate {venture.gate_id}")
        lead = queries.first(session, queries.PERSON_BY_ID, id=venture.lead_id)
        rows = queries.rows(session, _ANSWERS, venture=venture.id, gate=venture.gate_id)
        counts = Counter((row.checklist_id, row.item_id) for row in rows)
        answers: dict[str, dict[str, GivenAnswer]] = {}
        translated: dict[str, tuple[str, str | None]] = {}
        for asked in session.exec(
            select(t.Translation)
            .where(t.Translation.venture_id == venture.id)
            .where(t.Translation.subject == ANSWER)
            .order_by(col(t.Translation.id))
        ):
            translated.setdefault(asked.source_text, (asked.source_lang, asked.text))
        for row in rows:
            if not row.is_current:
                continue
            text = row.value if isinstance(row.value, str) else None
            written, other = translated.get(text, (None, None)) if text else (None, None)
            answers.setdefault(row.checklist_id, {})[row.item_id] = GivenAnswer(
                value=row.value,
                by=row.email,
                by_name=row.name,
                by_language=row.language if row.language_asked_on is not None else None,
                at=row.at,
                answers_given=counts[(row.checklist_id, row.item_id)],
                written_lang=written,
                other=other,
            )
        returned = (
            _latest_return(session, venture.id)
            if venture.state in (VentureState.RETURNED.value, VentureState.DRAFT.value)
            else None
        )
        return VentureChecklists(
            venture_id=venture.id,
            title=venture.title,
            title_lang=venture.title_lang,
            title_other=venture.title_other,
            state=venture.state,
            workstream_id=venture.workstream_id,
            lead=lead.email if lead is not None else "",
            lead_name=lead.name if lead is not None else "",
            deadline=venture.deadline,
            gate=gate_definition(library, gate_run.gate_id, gate_run.gate_version),
            checklists=pinned_from_text(session, gate_run.pins),
            answers=answers,
            returned=returned,
        )


def _latest_return(session: Session, venture_id: str) -> Returned | None:
    """The latest return for changes, unless a submission came after it."""
    for entry in queries.rows(session, _RETURNS, venture=venture_id):
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
