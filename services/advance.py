"""Advance a venture as far as the rules allow: load, plan (pure), apply, repeat.

Each round is one unit of work: the snapshot is read, `governance.advance` plans
the effects, and they are applied together with one audit entry and the outbox
messages they cause. A crash anywhere rolls the round back whole; running again
plans the same round again, so any number of runs, in any order, give one
outcome. The CLI calls this after recording a person's action (in its `direct`
mode); the `advance-venture` Prefect flow runs the same rounds (`advance_round`), one
task each, and the sweep asks `needs_advance` which ventures to run it for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine
from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from checklists.library import Library
from checklists.spec import ChecklistDefinition, GateDefinition, earlier_key
from governance import advance as plan
from governance.ballots import Member
from governance.conditions import conditions_checklist
from governance.decisions import ClosedBy, Decision, Outcome, Tally
from governance.lifecycle import VentureState
from governance.permissions import Role, may_review
from governance.reasons import Reason
from governance.rules import DecisionRule
from governance.standing import recused
from models import audit, definitions, queries
from models import tables as t
from models.db import read_session, unit_of_work, utcnow
from notifications.tell import tell
from services.free_text import free_refs
from services.local_time import local_day
from services.people import (
    actor_for,
    programme_rules,
    venture_facts,
    workstream_people,
)
from services.rule_values import interest_value, review_value, vote_value
from services.titles import venture_ref
from services.working_calendar import board_calendar

MAX_ROUNDS = 12  # a plan never needs more than a few; a loop would be a bug


@dataclass
class AdvanceReport:
    venture_id: str
    rounds: list[list[dict[str, Any]]] = field(default_factory=list)  # effects, per round
    state: str = ""
    gate_id: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.rounds)

    def effects(self, name: str) -> list[dict[str, Any]]:
        return [e for round_ in self.rounds for e in round_ if e["effect"] == name]


@dataclass(frozen=True)
class Head:
    """Where a venture stands: its state and gate, and the last audit entry about it.

    A round of advancing starts from a head; a round that commits moves it (the
    round's own audit entry), so a round that did not commit is the only one a
    re-run can meet again. `key` names the round in the flows.
    """

    venture_id: str
    state: str
    gate_id: str
    audit_seq: int  # 0: nothing audited about it yet

    @property
    def key(self) -> str:
        return f"{self.venture_id}-{self.state}-{self.gate_id}-{self.audit_seq}"


@dataclass(frozen=True)
class Round:
    """What one round did: its effects (none: the venture had settled) and where it is now."""

    effects: list[dict[str, Any]]
    state: str
    gate_id: str
    audit_seq: int = 0  # the round's own audit entry (a round that changed nothing: 0)
    settled: bool = True  # nothing more to do after it (no need of another round)


def venture_head(engine: Engine, venture_id: str) -> Head:
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        seq = session.exec(
            select(func.max(t.AuditEntry.seq)).where(t.AuditEntry.venture_id == venture_id)
        ).one()
        return Head(venture_id, venture.state, venture.gate_id, int(seq or 0))


def advance_round(
    engine: Engine, venture_id: str, library: Library, *, now: dt.datetime | None = None
) -> Round:
    """One round in one unit of work: plan from the stored state, apply, audit, enqueue.

    A crash anywhere in it rolls the whole round back.
    """
    with unit_of_work(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        at = now or utcnow()
        people = People(session)
        snap = load_snapshot(session, venture, library, at, people=people)
        effects = plan.plan_advance(snap)
        if not effects:
            return Round([], venture.state, venture.gate_id)
        entry = apply_effects(session, venture, snap, effects, library, at, people=people)
        # Plan again from what this round leaves (read in the same transaction): a
        # venture that has settled needs no further round, nor its transaction.
        after = load_snapshot(session, venture, library, at, people=people)
        settled = not plan.plan_advance(after)
        described = [_describe(e) for e in effects]
        return Round(described, venture.state, venture.gate_id, entry.seq, settled)


def needs_advance(
    engine: Engine, venture_id: str, library: Library, *, now: dt.datetime | None = None
) -> bool:
    """Whether advancing would change anything now (read only: nothing is written)."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            return False
        snap = load_snapshot(session, venture, library, now or utcnow())
        return bool(plan.plan_advance(snap))


def settled_report(
    engine: Engine, venture_id: str, library: Library, *, now: dt.datetime | None = None
) -> AdvanceReport | None:
    """What advancing would report if it had nothing to do now (read only), else None.

    Lets a command skip handing a venture to Prefect when the rules have nothing to do
    (most answers to a draft): no event, no flow run. A deadline that passes later is
    found by the hourly sweep, as for any venture.
    """
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise KeyError(f"no venture '{venture_id}'")
        snap = load_snapshot(session, venture, library, now or utcnow())
        if plan.plan_advance(snap):
            return None
        return AdvanceReport(venture_id, state=venture.state, gate_id=venture.gate_id)


def advance_venture(
    engine: Engine, venture_id: str, library: Library, *, now: dt.datetime | None = None
) -> AdvanceReport:
    report = AdvanceReport(venture_id)
    for _ in range(MAX_ROUNDS):
        done = advance_round(engine, venture_id, library, now=now)
        report.state, report.gate_id = done.state, done.gate_id
        if done.effects:
            report.rounds.append(done.effects)
        if done.settled:
            return report
    raise RuntimeError(f"venture {venture_id} did not settle after {MAX_ROUNDS} rounds")


# --- reading -----------------------------------------------------------------------------

# Decoded definitions by content hash (`models.definitions`): an id and version do not
# name one definition (the Board's conditions are a checklist made for each approval, a
# venture's copy carries its earlier answers), the content does, in any database this
# process reads. A definition is immutable once stored, so an entry never goes stale;
# decoding and checking a definition was most of a checklist page's time.
_CHECKLIST_CACHE: dict[str, ChecklistDefinition] = {}
_CHECKLIST_KEPT = 1024


def stored_checklists(session: Session, hashes: Sequence[str]) -> tuple[ChecklistDefinition, ...]:
    """The checklist definitions stored under these content hashes, in their order:
    from this process's cache, the others read in one query and decoded once."""
    found = {h: c for h in hashes if (c := _CHECKLIST_CACHE.get(h)) is not None}
    missing = [h for h in hashes if h not in found]
    if missing:
        stored = definitions.bodies(session, missing)
        for sha256 in missing:
            body = stored.get(sha256)
            if body is None:
                raise RuntimeError(f"checklist definition {sha256} is not stored")
            found[sha256] = ChecklistDefinition.model_validate(body)
        if len(_CHECKLIST_CACHE) + len(stored) > _CHECKLIST_KEPT:
            _CHECKLIST_CACHE.clear()
        _CHECKLIST_CACHE.update((h, found[h]) for h in stored)
    return tuple(found[h] for h in hashes)


def pinned_checklists(session: Session, gate_run: t.GateRun) -> tuple[ChecklistDefinition, ...]:
    """The checklist versions the gate run started with, as they were pinned."""
    return stored_checklists(session, [pin["sha256"] for pin in gate_run.checklists])


# The content hashes of gate runs' pins by the pins' stored text: a few distinct texts
# per release of the definitions (more where ventures carry earlier answers), each
# parsed once in this process.
_PIN_HASHES: dict[str, tuple[str, ...]] = {}
_PIN_HASHES_KEPT = 4096


def pinned_from_text(session: Session, text: str) -> tuple[ChecklistDefinition, ...]:
    """The checklists of a gate run's stored pins (`gate_run.checklists` as its JSON
    text, as the pages read it without the ORM)."""
    hashes = _PIN_HASHES.get(text)
    if hashes is None:
        hashes = tuple(pin["sha256"] for pin in json.loads(text))
        if len(_PIN_HASHES) >= _PIN_HASHES_KEPT:
            _PIN_HASHES.clear()
        _PIN_HASHES[text] = hashes
    return stored_checklists(session, hashes)


def standing_sign_offs(session: Session, venture: t.Venture) -> list[t.SignOff]:
    """The sign-offs of the venture's current gate that no changed answer has voided."""
    return list(
        session.exec(
            select(t.SignOff)
            .where(t.SignOff.venture_id == venture.id)
            .where(t.SignOff.gate_id == venture.gate_id)
            .where(col(t.SignOff.voided_at).is_(None))
            .order_by(col(t.SignOff.at), col(t.SignOff.id))
        )
    )


def sign_offs_required(session: Session, venture: t.Venture, library: Library) -> int:
    """How many sign-offs the venture's current gate asks for before review (0: none)."""
    gate = pinned_gate(library, current_gate_run(session, venture))
    return gate.sign_off.lived_experience if gate.sign_off is not None else 0


def pinned_gate(library: Library, gate_run: t.GateRun) -> GateDefinition:
    return gate_definition(library, gate_run.gate_id, gate_run.gate_version)


def gate_definition(library: Library, gate_id: str, version: int) -> GateDefinition:
    """The gate a run started on (`pinned_gate`, from the run's gate id and version)."""
    try:
        return library.gate(gate_id, version)
    except KeyError:
        # The version it started on is no longer shipped: its successor still names
        # the reviewers and the next gate; the checklists and rule stay pinned.
        return library.gate(gate_id)


def current_gate_run(session: Session, venture: t.Venture) -> t.GateRun:
    gate_run = session.get(t.GateRun, (venture.id, venture.gate_id))
    if gate_run is None:
        raise RuntimeError(f"venture {venture.id} has no run of gate {venture.gate_id}")
    return gate_run


_PERSON_ROLE = queries.table(t.PersonRole)
_CHAIR = Role.CHAIR.value
_BOARD_ROLES = core_select(_PERSON_ROLE.c.person_id, _PERSON_ROLE.c.role).where(
    _PERSON_ROLE.c.role.in_([Role.BOARD_MEMBER.value, _CHAIR])
)


_PERSON = queries.PERSON
_PEOPLE = core_select(_PERSON.c.id, _PERSON.c.email, _PERSON.c.active, _PERSON.c.lived_experience)


class People:
    """Everyone, as one unit of work reads them: each query made once, when first needed.

    Applying a round's effects changes no person, role or workstream membership, so
    what is read here holds for the round's snapshots and its messages alike. A
    snapshot needs only each person's email and the Board (`emails`, `board_members`:
    a statement built once, short rows); the people as ORM objects (`by_id`, `board`)
    are loaded only when a round has messages to queue. Holding those rows also keeps
    them in the session's identity map (which lets go of a row nothing refers to), so
    `session.get` of a person finds them there.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[int, Any] | None = None
        self._emails: dict[int, str] = {}
        self._by_id: dict[int, t.Person] | None = None
        self._board: list[tuple[int, bool]] | None = None
        self._workstreams: dict[str, list[t.Person]] = {}

    def _people(self) -> dict[int, Any]:
        if self._rows is None:
            self._session.flush()
            self._rows = {row.id: row for row in queries.rows(self._session, _PEOPLE)}
            self._emails = {person_id: row.email for person_id, row in self._rows.items()}
        return self._rows

    @property
    def emails(self) -> dict[int, str]:
        """Every person's email by id."""
        self._people()
        return self._emails

    @property
    def by_id(self) -> dict[int, t.Person]:
        """Every person, as ORM objects (read once, when first asked for)."""
        if self._by_id is None:
            people = self._session.exec(select(t.Person))
            self._by_id = {p.id: p for p in people if p.id is not None}
        return self._by_id

    def _board_ids(self) -> list[tuple[int, bool]]:
        """The Board's active members by id, each with whether they chair it, by email
        (from the people already read and their Board roles: a read of a few short
        rows, where `board_people` loads every member again through the ORM)."""
        if self._board is None:
            self._session.flush()
            rows = self._people()
            chairs: dict[int, bool] = {}
            for row in queries.rows(self._session, _BOARD_ROLES):
                chairs[row.person_id] = chairs.get(row.person_id, False) or row.role == _CHAIR
            members = [
                (person_id, chair)
                for person_id, chair in chairs.items()
                if person_id in rows and rows[person_id].active
            ]
            self._board = sorted(members, key=lambda member: rows[member[0]].email)
        return self._board

    def board_members(self) -> list[tuple[Any, bool]]:
        """The Board as the rules see it: each member's row (`email`,
        `lived_experience`) and whether they chair it."""
        rows = self._people()
        return [(rows[person_id], chair) for person_id, chair in self._board_ids()]

    def board(self) -> list[tuple[t.Person, bool]]:
        """`board_people`: the Board's active members, each with whether they chair it."""
        by_id = self.by_id
        return [(by_id[person_id], chair) for person_id, chair in self._board_ids()]

    def workstream(self, workstream_id: str) -> list[t.Person]:
        """`workstream_people`: the workstream's members, by email."""
        members = self._workstreams.get(workstream_id)
        if members is None:
            members = workstream_people(self._session, workstream_id)
            self._workstreams[workstream_id] = members
        return members


def load_snapshot(
    session: Session,
    venture: t.Venture,
    library: Library,
    now: dt.datetime,
    *,
    people: People | None = None,
) -> plan.VentureSnapshot:
    # The reads are statements built once (`models.queries`), which do not flush the
    # session as the ORM's queries would: what this unit of work changed is flushed
    # first, so that the snapshot after a round's effects sees them.
    session.flush()
    ids = {"venture_id": venture.id, "gate_id": venture.gate_id}
    gate_run = queries.first(session, queries.GATE_RUN, **ids)
    if gate_run is None:
        raise RuntimeError(f"venture {venture.id} has no run of gate {venture.gate_id}")
    people = people or People(session)
    emails = people.emails
    lead = emails[venture.lead_id]
    assigned = queries.rows(session, queries.ASSIGNED_REVIEWERS, **ids)
    reviews = tuple(
        review_value(row, emails) for row in queries.rows(session, queries.CURRENT_REVIEWS, **ids)
    )
    interests = tuple(
        interest_value(row, emails)
        for row in queries.rows(session, queries.INTERESTS, venture_id=venture.id)
    )
    members = tuple(
        Member(p.email, lived_experience=p.lived_experience, is_chair=chair)
        for p, chair in people.board_members()
    )
    board = board_calendar(session, now)
    gate = pinned_gate(library, gate_run)
    return plan.VentureSnapshot(
        venture_id=venture.id,
        lead_id=lead,
        state=VentureState(venture.state),
        gate=gate,
        checklists=stored_checklists(session, [pin["sha256"] for pin in gate_run.checklists]),
        answers=queries.current_answers(session, venture.id, venture.gate_id),
        rule=DecisionRule.model_validate(gate_run.decision_rule_snapshot),
        members=members,
        now=now,
        today=local_day(now),
        sign_offs_required=gate.sign_off.lived_experience if gate.sign_off is not None else 0,
        sign_offs_given=queries.standing_sign_off_count(session, venture.id, venture.gate_id),
        submitted_at=gate_run.submitted_at,
        reviews_required=1,
        reviewers_assigned=frozenset(emails[row.reviewer_id] for row in assigned),
        reviews=reviews,
        interests=interests,
        ballot=_ballot(session, venture, emails),
        calendar=board.calendar,
        meetings=board.meetings,
        papers_working_days=board.papers_working_days,
    )


def _ballot(session: Session, venture: t.Venture, emails: dict[int, str]) -> plan.Ballot | None:
    ids = {"venture_id": venture.id, "gate_id": venture.gate_id}
    row = queries.first(session, queries.LATEST_BALLOT, **ids)
    if row is None:
        return None
    votes = tuple(
        vote_value(v, emails)
        for v in queries.rows(session, queries.CURRENT_VOTES, ballot=row.number, **ids)
    )
    decision_row = queries.first(session, queries.BALLOT_DECISION, ballot=row.number, **ids)
    return plan.Ballot(
        number=row.number,
        deadline=row.deadline,
        votes=votes,
        closed_by_chair=row.closed_by_chair,
        more_time_granted=frozenset(emails[i] for i in row.more_time_granted),
        decision=_decision(decision_row) if decision_row else None,
    )


def _decision(row: t.Decision) -> Decision:
    return Decision(
        outcome=Outcome(row.outcome),
        tally=Tally(**row.tally),
        reasons=tuple(Reason.from_json(r) for r in row.reasons),
        counted_votes=(),
        conditions=tuple(row.conditions),
        decided_at=row.at,
        closed_by=cast(ClosedBy, row.closed_by),
        casting_vote_used=row.casting_vote_used,
    )


# --- applying ----------------------------------------------------------------------------


def apply_effects(
    session: Session,
    venture: t.Venture,
    snap: plan.VentureSnapshot,
    effects: Iterable[plan.Effect],
    library: Library,
    now: dt.datetime,
    *,
    people: People | None = None,
) -> t.AuditEntry:
    effects = tuple(effects)
    before = (venture.state, venture.gate_id)
    entry = audit.append(
        session,
        t.SYSTEM_ACTOR,
        "venture.advanced",
        venture.id,
        {
            "from": {"state": before[0], "gate": before[1]},
            "effects": [_describe(e) for e in effects],
        },
        at=now,
    )
    ballot_number = snap.ballot.number if snap.ballot else None
    # What this round's messages can tell people, gathered as the effects apply.
    told: dict[str, Any] = {"gate": _gate_words(library, venture.gate_id)}
    decided: tuple[str, ...] = ()  # the conditions of a decision made in this round
    for effect in effects:
        if isinstance(effect, plan.Transition):
            venture.state = effect.to.value
            if effect.to in (VentureState.REJECTED, VentureState.WITHDRAWN):
                venture.closed_at = now
            told["reasons"] = [r.as_json() for r in effect.reasons]
            told["gaps"] = [_gap_words(snap, g) for g in effect.gaps]
        elif isinstance(effect, plan.AssignReviewers):
            _assign_reviewers(session, venture, snap, effect, now)
        elif isinstance(effect, plan.OpenBallot):
            ballot_number = effect.number
            session.add(
                t.Ballot(
                    venture_id=venture.id,
                    gate_id=venture.gate_id,
                    number=effect.number,
                    opened_at=now,
                    deadline=effect.deadline,
                )
            )
            venture.deadline = effect.deadline
            session.add(_deadline(venture, effect.number, effect.deadline, False, "", now))
            told["ballot"] = {"number": effect.number, "deadline": effect.deadline.isoformat()}
        elif isinstance(effect, plan.ExtendBallot):
            _extend_ballot(session, venture, effect, now)
            told["ballot"] = {"number": effect.number, "deadline": effect.deadline.isoformat()}
            told["reasons"] = [r.as_json() for r in effect.reasons]
            told["more_time_granted"] = list(effect.more_time_granted)
        elif isinstance(effect, plan.RecordDecision):
            _record_decision(session, venture, effect, now)
            decided = effect.decision.conditions
            # Each condition as written, with its language and, once given, the other
            # (services.free_text): the audit entry keeps the texts as recorded.
            refs = free_refs(session, venture.id)
            told["decision"] = _describe(effect) | {
                "conditions": [refs.ref(c) for c in effect.decision.conditions]
            }
        elif isinstance(effect, plan.OpenNextGate):
            gate_run = current_gate_run(session, venture)
            gate_run.closed_at = now
            session.add(gate_run)
            rules = programme_rules(session)
            # The programme names every gate's rule; should a newer programme have
            # dropped it, the venture keeps the rule it has rather than stopping.
            rules.setdefault(library.gate(effect.gate_id).decision_rule, snap.rule)
            carried = conditions_checklist(decided, venture.gate_id) if decided else None
            open_gate(session, venture, library, effect.gate_id, rules, now, carried)
            told["next_gate"] = _gate_words(library, effect.gate_id)
        elif isinstance(effect, plan.Notify):
            people = people or People(session)
            _notify(session, venture, snap, effect, entry, ballot_number, told, people)
    venture.updated_at = now
    if VentureState(venture.state) in (
        VentureState.APPROVED,
        VentureState.APPROVED_WITH_CONDITIONS,
    ):
        venture.closed_at = now  # the last gate is passed
    session.add(venture)
    session.flush()
    return entry


def _with_earlier_answers(
    session: Session, venture_id: str, checklist: ChecklistDefinition
) -> ChecklistDefinition:
    """The checklist with the answers its conditions test at earlier gates (as they
    stand now: a gate passed is closed, its answers final), to pin with it."""
    wanted = {
        ref
        for item in checklist.items()
        if item.show_if is not None
        for ref in item.show_if.earlier_items()
    }
    if not wanted:
        return checklist
    found: dict[str, Any] = {}
    for gate_id in sorted({g for g, _, _ in wanted}):
        given = queries.current_answers(session, venture_id, gate_id)
        for gate, checklist_id, item_id in wanted:
            if gate == gate_id and item_id in given.get(checklist_id, {}):
                found[earlier_key(gate, checklist_id, item_id)] = given[checklist_id][item_id]
    return checklist.model_copy(update={"earlier_answers": found})


def open_gate(
    session: Session,
    venture: t.Venture,
    library: Library,
    gate_id: str,
    rules: dict[str, DecisionRule],
    now: dt.datetime,
    conditions: ChecklistDefinition | None = None,
) -> t.GateRun:
    """Pin the gate's latest definitions and its decision rule; the venture is in draft.

    A venture stays on what is pinned here for the whole gate, whatever later
    versions of the checklists or the programme's rules say. `conditions`: the
    checklist of the Board's conditions carried forward from the gate before
    (governance.conditions), pinned after the gate's own.
    """
    gate = library.gate(gate_id)
    checklists = [
        _with_earlier_answers(session, venture.id, library.checklist(c)) for c in gate.checklists
    ]
    if conditions is not None:
        checklists.append(conditions)
    rule = rules.get(gate.decision_rule)
    if rule is None:
        raise KeyError(f"decision rule '{gate.decision_rule}' is not in the programme")
    gate_run = t.GateRun(
        venture_id=venture.id,
        gate_id=gate.id,
        gate_version=gate.version,
        # Each definition stored once, in this unit of work; the gate run names them.
        checklists=[
            definitions.pin(session, c.model_dump(mode="json", by_alias=True, exclude_none=True))
            for c in checklists
        ],
        decision_rule=rule.name,
        decision_rule_snapshot=rule.model_dump(mode="json"),
        opened_at=now,
    )
    session.add(gate_run)
    venture.gate_id = gate.id
    venture.state = VentureState.DRAFT.value
    venture.deadline = None
    venture.closed_at = None
    session.add(venture)
    session.flush()
    return gate_run


def _assign_reviewers(
    session: Session,
    venture: t.Venture,
    snap: plan.VentureSnapshot,
    effect: plan.AssignReviewers,
    now: dt.datetime,
) -> None:
    facts = venture_facts(session, venture, state=VentureState.IN_REVIEW)
    existing = set(
        session.exec(
            select(t.ReviewerAssignment.reviewer_id)
            .where(t.ReviewerAssignment.venture_id == venture.id)
            .where(t.ReviewerAssignment.gate_id == venture.gate_id)
        ).all()
    )
    roles = {Role(r) for r in effect.roles if r in Role.__members__.values()}
    for person in session.exec(select(t.Person).where(col(t.Person.active))):
        actor = actor_for(session, person)
        if not roles & actor.roles or person.id in existing:
            continue
        if may_review(actor, facts) and person.id is not None:
            session.add(
                t.ReviewerAssignment(
                    venture_id=venture.id, gate_id=venture.gate_id, reviewer_id=person.id, at=now
                )
            )
    session.flush()


def _deadline(
    venture: t.Venture,
    ballot: int,
    until: dt.datetime,
    extension: bool,
    reason: str,
    now: dt.datetime,
) -> t.Deadline:
    return t.Deadline(
        venture_id=venture.id,
        gate_id=venture.gate_id,
        kind="vote",
        ballot=ballot,
        until=until,
        is_extension=extension,
        by_id=None,
        reason=reason or None,
        at=now,
    )


def _extend_ballot(
    session: Session, venture: t.Venture, effect: plan.ExtendBallot, now: dt.datetime
) -> None:
    row = session.get(t.Ballot, (venture.id, venture.gate_id, effect.number))
    if row is None:
        raise RuntimeError(f"no ballot {effect.number} to extend")
    ids = {p.email: p.id for p in session.exec(select(t.Person))}
    granted = [ids[e] for e in effect.more_time_granted if ids.get(e) is not None]
    row.deadline = effect.deadline
    row.closed_by_chair = False
    row.closed_by_id = None
    row.closed_at = None
    row.more_time_granted = sorted({*row.more_time_granted, *(g for g in granted if g)})
    session.add(row)
    venture.deadline = effect.deadline
    reason = " ".join(r.text for r in effect.reasons)
    session.add(_deadline(venture, effect.number, effect.deadline, True, reason, now))


def _record_decision(
    session: Session, venture: t.Venture, effect: plan.RecordDecision, now: dt.datetime
) -> None:
    decision = effect.decision
    session.add(
        t.Decision(
            venture_id=venture.id,
            gate_id=effect.gate_id,
            ballot=effect.ballot,
            outcome=decision.outcome.value,
            rule=decision.tally.rule,
            reasons=[r.as_json() for r in decision.reasons],
            tally=dataclasses.asdict(decision.tally),
            conditions=list(decision.conditions),
            closed_by=decision.closed_by,
            casting_vote_used=decision.casting_vote_used,
            at=now,
        )
    )
    row = session.get(t.Ballot, (venture.id, effect.gate_id, effect.ballot))
    if row is not None and row.closed_at is None:
        row.closed_at = now
        session.add(row)
    venture.deadline = None
    session.flush()


def audience_people(
    session: Session,
    venture: t.Venture,
    snap: plan.VentureSnapshot,
    audience: plan.Audience,
    known: People | None = None,
) -> list[t.Person]:
    """Who an effect's message goes to, each once."""
    known = known or People(session)
    people: dict[int, t.Person] = {}
    lead = known.by_id.get(venture.lead_id)
    everyone = audience is plan.Audience.EVERYONE
    lead_too = audience in (plan.Audience.LEAD, plan.Audience.WORKSTREAM) or everyone
    if lead_too and lead is not None and lead.id is not None:
        people[lead.id] = lead
    wanted = everyone
    if audience in (plan.Audience.WORKSTREAM, plan.Audience.CO_PRODUCERS) or wanted:
        for person in known.workstream(venture.workstream_id):
            if person.id is not None:
                people[person.id] = person
    if audience is plan.Audience.CO_PRODUCERS and lead is not None:
        people.pop(lead.id or 0, None)  # the venture's lead hears it as the lead
    if audience is plan.Audience.REVIEWERS or wanted:
        for assignment in session.exec(
            select(t.ReviewerAssignment)
            .where(t.ReviewerAssignment.venture_id == venture.id)
            .where(t.ReviewerAssignment.gate_id == venture.gate_id)
        ):
            reviewer = known.by_id.get(assignment.reviewer_id)
            if reviewer is not None and reviewer.id is not None:
                people[reviewer.id] = reviewer
    if audience is plan.Audience.BOARD or wanted:
        leaving = recused(snap.interests, snap.lead_id)
        for person, _ in known.board():
            if person.email not in leaving and person.id is not None:
                people[person.id] = person
    return [p for p in people.values() if p.active]


def _notify(
    session: Session,
    venture: t.Venture,
    snap: plan.VentureSnapshot,
    effect: plan.Notify,
    entry: t.AuditEntry,
    ballot: int | None,
    told: dict[str, Any],
    people: People,
) -> None:
    """Queue the message for everyone in the audience, on each of their channels.

    The payload carries what the templates need (rendered when the message is sent,
    in the person's language and format); a message to a group is marked so, and
    goes out in Welsh and English together.
    """
    payload: dict[str, Any] = {
        "event": effect.event.value,
        "venture": venture_ref(session, venture),
        "state": venture.state,
        "audience": effect.audience.value,
        "group": _is_group_message(effect),
        "audit_seq": entry.seq,
        "audit_head": entry.hash,
        **told,
    }
    tell(
        session,
        audience_people(session, venture, snap, effect.audience, people),
        f"venture.{effect.event.value}",
        payload,
        # Keyed by the audit entry of the unit of work that causes it: queued once,
        # however often that is retried.
        key=f"audit:{entry.seq}",
        venture_id=venture.id,
        gate_id=venture.gate_id,
        ballot=ballot,
    )


# Asking one person to act (review this, here are your papers to vote on) is that
# person's own message, in their language and format; news to a group (a decision,
# a return to the workstream) goes out in Welsh and English together.
_PERSONAL_EVENTS = frozenset({plan.Event.REVIEW_REQUESTED, plan.Event.BOARD_PAPERS})


def _is_group_message(effect: plan.Notify) -> bool:
    if effect.audience is plan.Audience.LEAD:
        return False
    return effect.event not in _PERSONAL_EVENTS


def _gate_words(library: Library, gate_id: str) -> dict[str, Any]:
    try:
        gate = library.gate(gate_id)
    except KeyError:
        return {"id": gate_id}
    return {
        "id": gate.id,
        "title": {"en": gate.title.en, "cy": gate.title.cy},
        "easy_read": {"en": gate.easy_read.en, "cy": gate.easy_read.cy},
    }


def _gap_words(snap: plan.VentureSnapshot, gap: Any) -> dict[str, Any]:
    """A missing or invalid item, with its question in both languages and Easy Read."""
    words: dict[str, Any] = {
        "checklist": gap.checklist_id,
        "item": gap.item_id,
        "problem": gap.problem,
        "reason": {"en": gap.reason.en, "cy": gap.reason.cy},
        "audience": gap.audience,
    }
    if gap.easy_read is not None:
        words["easy_read_reason"] = {"en": gap.easy_read.en, "cy": gap.easy_read.cy}
    for checklist in snap.checklists:
        if checklist.id == gap.checklist_id:
            item = checklist.item(gap.item_id)
            words["question"] = {"en": item.question.en, "cy": item.question.cy}
            words["easy_read"] = {"en": item.easy_read.en, "cy": item.easy_read.cy}
    return words


def _describe(effect: plan.Effect) -> dict[str, Any]:
    """A plain-JSON account of an effect, for the audit log."""
    described: dict[str, Any] = {"effect": type(effect).__name__}
    if isinstance(effect, plan.Transition):
        described |= {
            "action": effect.action.value,
            "to": effect.to.value,
            "reasons": [r.as_json() for r in effect.reasons],
            "gaps": [
                {
                    "checklist": g.checklist_id,
                    "item": g.item_id,
                    "problem": g.problem,
                    "reason": {"en": g.reason.en, "cy": g.reason.cy},
                    **(
                        {"easy_read_reason": {"en": g.easy_read.en, "cy": g.easy_read.cy}}
                        if g.easy_read is not None
                        else {}
                    ),
                }
                for g in effect.gaps
            ],
        }
    elif isinstance(effect, plan.AssignReviewers):
        described |= {"roles": list(effect.roles)}
    elif isinstance(effect, plan.Notify):
        described |= {"event": effect.event.value, "audience": effect.audience.value}
    elif isinstance(effect, plan.OpenBallot):
        described |= {"number": effect.number, "deadline": effect.deadline.isoformat()}
    elif isinstance(effect, plan.ExtendBallot):
        described |= {
            "number": effect.number,
            "deadline": effect.deadline.isoformat(),
            "more_time_granted": list(effect.more_time_granted),
            "reasons": [r.as_json() for r in effect.reasons],
        }
    elif isinstance(effect, plan.RecordDecision):
        d = effect.decision
        described |= {
            "gate": effect.gate_id,
            "ballot": effect.ballot,
            "outcome": d.outcome.value,
            "tally": dataclasses.asdict(d.tally),
            "reasons": [r.as_json() for r in d.reasons],
            "conditions": list(d.conditions),
            "closed_by": d.closed_by,
            "casting_vote_used": d.casting_vote_used,
        }
    elif isinstance(effect, plan.OpenNextGate):
        described |= {"gate": effect.gate_id}
    return described
