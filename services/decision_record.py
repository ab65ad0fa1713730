"""A venture's decision record: for each gate the Board decided, the outcome, every
reason the rules gave (codes and parameters, to be written from the catalogue in
English, Welsh and Easy Read), the tally, the conditions, who closed the vote, and the
audit head at that moment (the hash of the audit entry that recorded the decision) to
copy into the minutes: `cyd audit verify --head HASH` later proves the log still holds it.

    decision_record(engine, email, venture_id) -> DecisionRecord

Public to everyone in the programme (any active person), as the Board's decisions
are: the record holds what was decided and why, not who voted how.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.decisions import Tally
from governance.reasons import Reason
from models import queries
from models import tables as t
from models.db import read_session
from services.commands import NotFound
from services.free_text import free_refs
from services.history import ADVANCED, Secrets

RECORD_DECISION = "RecordDecision"  # the advancing's effect that records a decision
_TALLY_FIELDS = frozenset(f.name for f in dataclasses.fields(Tally))


@dataclass(frozen=True)
class RecordedDecision:
    gate_id: str
    ballot: int
    outcome: str  # governance.decisions.Outcome value (a venture state)
    rule: str
    reasons: tuple[Reason, ...]
    tally: Tally | None  # None only for a tally stored in a shape this code cannot read
    conditions: tuple[str, ...]
    closed_by: str  # "chair" or "deadline"
    closed_by_name: str | None  # the chair who closed it (closed_by "chair")
    casting_vote_used: bool
    at: dt.datetime
    audit_seq: int | None  # the audit entry that recorded the decision
    audit_head: str | None  # its hash: the head of the audit log at that moment
    # Each condition as a page shows it: {free, lang, other} once asked to be
    # translated (services.free_text), else the text as recorded.
    shown_conditions: tuple[Any, ...] = ()


@dataclass(frozen=True)
class DecisionRecord:
    venture_id: str
    title: str
    state: str
    decisions: tuple[RecordedDecision, ...]  # oldest first
    title_lang: str = "en"  # the language the title was written in (services.titles)
    title_other: str | None = None  # the title in the other language, once given


def decision_record(engine: Engine, email: str, venture_id: str) -> DecisionRecord:
    """The venture's decisions (see the module). NotFound for an unknown venture, or for
    a reader who is not (or no longer) in the programme."""
    with read_session(engine) as session:
        reader = queries.person_by_email(session, email)
        if reader is None or not reader.active:
            raise NotFound("person-not-found", email=email)
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        rows = session.exec(
            select(t.Decision)
            .where(t.Decision.venture_id == venture.id)
            .order_by(col(t.Decision.at), col(t.Decision.id))
        ).all()
        entries = _recording_entries(session, venture.id) if rows else {}
        closers = _closers(session, venture.id)
        secrets = Secrets.of_programme(session)
        refs = free_refs(session, venture.id)
        decisions = []
        for row in rows:
            entry = entries.get((row.gate_id, row.ballot))
            decisions.append(
                RecordedDecision(
                    gate_id=row.gate_id,
                    ballot=row.ballot,
                    outcome=row.outcome,
                    rule=row.rule,
                    reasons=tuple(Reason.from_json(secrets.scrub(r)) for r in row.reasons),
                    tally=_tally(row.tally),
                    conditions=tuple(secrets.scrub(c) for c in row.conditions),
                    closed_by=row.closed_by,
                    closed_by_name=(
                        closers.get((row.gate_id, row.ballot)) if row.closed_by == "chair" else None
                    ),
                    casting_vote_used=row.casting_vote_used,
                    at=row.at,
                    audit_seq=entry.seq if entry is not None else None,
                    audit_head=entry.hash if entry is not None else None,
                    shown_conditions=tuple(_scrubbed(secrets, refs.ref(c)) for c in row.conditions),
                )
            )
        return DecisionRecord(
            venture.id,
            venture.title,
            venture.state,
            tuple(decisions),
            title_lang=venture.title_lang,
            title_other=venture.title_other,
        )


def _recording_entries(session: Session, venture_id: str) -> dict[tuple[str, int], t.AuditEntry]:
    """The audit entry that recorded each decision, by (gate, ballot): the round of
    advancing whose effects hold its RecordDecision."""
    found: dict[tuple[str, int], t.AuditEntry] = {}
    for entry in session.exec(
        select(t.AuditEntry)
        .where(t.AuditEntry.venture_id == venture_id)
        .where(t.AuditEntry.action == ADVANCED)
        .order_by(col(t.AuditEntry.seq))
    ):
        for effect in entry.payload.get("effects", []):
            if isinstance(effect, dict) and effect.get("effect") == RECORD_DECISION:
                key = (str(effect.get("gate")), int(effect.get("ballot") or 0))
                found.setdefault(key, entry)  # recorded once: the first is the one
    return found


def _closers(session: Session, venture_id: str) -> dict[tuple[str, int], str]:
    """The name of the chair who closed each ballot they closed."""
    rows = session.exec(
        select(t.Ballot.gate_id, t.Ballot.number, t.Person.name)
        .join(t.Person, col(t.Person.id) == col(t.Ballot.closed_by_id))
        .where(t.Ballot.venture_id == venture_id)
    ).all()
    return {(gate, number): name for gate, number, name in rows}


def _tally(stored: dict[str, Any]) -> Tally | None:
    try:
        return Tally(**{k: v for k, v in stored.items() if k in _TALLY_FIELDS})
    except TypeError:  # a field missing: a tally written before it was kept
        return None


def _scrubbed(secrets: Secrets, ref: Any) -> Any:
    """A condition (or its ref) with any secret in it scrubbed, in each language."""
    if isinstance(ref, dict):
        return {k: secrets.scrub(v) if k in ("free", "other") else v for k, v in ref.items()}
    return secrets.scrub(ref)
