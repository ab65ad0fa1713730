"""What people do, recorded: start, answer, submit, extend, review, declare, vote, close.

Every command checks who is acting and whether the rules allow it (in the domain,
not only in the pages or the CLI), then records the action in one unit of work:
the state change, its audit entry and any outbox rows together, or nothing. A
refusal is recorded too (a `Denial` row and an audit entry, in a unit of work of
its own) and raised as `PermissionDenied`.

After a person's action is recorded, the venture is advanced as far as the rules
allow (`services.advance`, or through Prefect when `Cyd.advance` says so), in units of
work of its own: should that stop half way, the next advance (another command, a
flow, the sweep) picks it up, because advancing is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checklists.answers import AnswerTextError, parse_answer_text
from checklists.evaluate import check_answer
from checklists.library import Library
from checklists.spec import ChecklistDefinition, Item
from governance.ballots import Choice, Interest
from governance.lifecycle import Action, Refused, VentureState, transition
from governance.permissions import (
    Denied,
    Permission,
    may_answer,
    may_close_vote,
    may_declare,
    may_extend,
    may_reopen,
    may_resume,
    may_review,
    may_start_venture,
    may_submit,
    may_support,
    may_vote,
    may_withdraw,
)
from governance.reviews import Recommendation
from models import audit, queries
from models import tables as t
from models.db import read_session, unit_of_work, utcnow
from models.history import supersede
from notifications.tell import tell
from services.advance import (
    AdvanceReport,
    advance_venture,
    current_gate_run,
    open_gate,
    pinned_checklists,
)
from services.people import (
    actor_for,
    board_people,
    programme_rules,
    venture_facts,
    workstream_people,
)


class CommandError(Exception):
    """A person's mistake or a refusal: one clear sentence, nothing stored."""


class NotFound(CommandError):
    pass


class PermissionDenied(CommandError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class InvalidAnswer(CommandError):
    def __init__(self, item_id: str, en: str, cy: str) -> None:
        super().__init__(f"[{item_id}] {en} / {cy}")
        self.item_id, self.en, self.cy = item_id, en, cy


# Advances a venture after a person's action was recorded (see `Cyd.advance`).
Advancer = Callable[["Cyd", str], AdvanceReport | None]


@dataclass
class Cyd:
    """What every command needs: the database, the definitions, and the clock."""

    engine: Engine
    library: Library
    clock: Callable[[], dt.datetime] = utcnow
    # Set False to record actions without advancing (tests of the sweep, the flows).
    advance_after: bool = True
    # How a recorded action advances its venture. None: here and now, through
    # `services.advance`. The CLI may hand it to Prefect instead (`flows.trigger`): run
    # the `advance_venture` flow, or emit an event a deployment trigger answers; a
    # hook that hands it on returns None (nothing is known of the outcome yet).
    advance: Advancer | None = None


@dataclass
class Outcome:
    venture_id: str
    message: str
    advanced: AdvanceReport | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"venture": self.venture_id, "message": self.message}
        data |= self.details
        if self.advanced is not None:
            data["state"] = self.advanced.state
            data["gate"] = self.advanced.gate_id
            data["advanced"] = self.advanced.rounds
        return data


class _Refusal(Exception):
    def __init__(self, denied: Denied) -> None:
        self.denied = denied


# --- plumbing ----------------------------------------------------------------------------


def _person(session: Session, email: str) -> t.Person:
    person = queries.person_by_email(session, email)
    if person is None or not person.active:
        raise NotFound(f"no person with email '{email}' in the programme")
    return person


def _venture(session: Session, venture_id: str) -> t.Venture:
    venture = session.get(t.Venture, venture_id)
    if venture is None:
        raise NotFound(f"no venture '{venture_id}'")
    return venture


def _check(permission: Permission) -> None:
    if isinstance(permission, Denied):
        raise _Refusal(permission)


@contextmanager
def _command(cyd: Cyd, action: str, actor: str, venture_id: str | None) -> Iterator[Session]:
    """One unit of work for a person's action; a refusal is rolled back, then recorded."""
    try:
        with unit_of_work(cyd.engine) as session:
            yield session
    except _Refusal as refusal:
        _record_denial(cyd, action, actor, venture_id, refusal.denied)


def _record_denial(
    cyd: Cyd, action: str, actor: str, venture_id: str | None, denied: Denied
) -> NoReturn:
    now = cyd.clock()
    with unit_of_work(cyd.engine) as session:
        known = venture_id if venture_id and session.get(t.Venture, venture_id) else None
        session.add(
            t.Denial(
                at=now,
                actor=actor,
                action=action,
                venture_id=known,
                reason=denied.reason,
                details={"code": denied.code},
            )
        )
        audit.append(
            session,
            actor,
            "denied",
            known,
            {"action": action, "code": denied.code, "reason": denied.reason},
            at=now,
        )
    raise PermissionDenied(denied.code, denied.reason)


def _advance(cyd: Cyd, venture_id: str) -> AdvanceReport | None:
    if not cyd.advance_after:
        return None
    if cyd.advance is not None:
        return cyd.advance(cyd, venture_id)
    return advance_venture(cyd.engine, venture_id, cyd.library, now=cyd.clock())


def _move(venture: t.Venture, action: Action) -> VentureState:
    target = transition(VentureState(venture.state), action)
    if isinstance(target, Refused):
        raise CommandError(target.reason)
    venture.state = target.value
    return target


# --- commands ----------------------------------------------------------------------------


def start_venture(
    cyd: Cyd, *, workstream: str, title: str, lead: str, gate: str | None = None
) -> Outcome:
    title = " ".join(title.split())
    if not title:
        raise CommandError("a venture needs a title")
    now = cyd.clock()
    with _command(cyd, "venture.start", lead, None) as session:
        person = _person(session, lead)
        stream = session.get(t.Workstream, workstream)
        if stream is None:
            raise NotFound(f"no workstream '{workstream}'")
        actor = actor_for(session, person)
        members = [p.email for p in workstream_people(session, workstream)]
        _check(may_start_venture(actor, members))
        rules = programme_rules(session)
        gate_id = gate or _first_gate(session, cyd.library)
        try:
            cyd.library.gate(gate_id)
        except KeyError as exc:
            raise NotFound(str(exc.args[0])) from None
        assert person.id is not None
        venture = t.Venture(
            id=queries.next_venture_id(session),
            workstream_id=workstream,
            title=title,
            lead_id=person.id,
            state=VentureState.DRAFT.value,
            gate_id=gate_id,
            created_at=now,
            updated_at=now,
        )
        session.add(venture)
        session.flush()
        try:
            gate_run = open_gate(session, venture, cyd.library, gate_id, rules, now)
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        audit.append(
            session,
            person.email,
            "venture.started",
            venture.id,
            {
                "workstream": workstream,
                "title": title,
                "lead": person.email,
                "gate": gate_id,
                "gate_version": gate_run.gate_version,
                "checklists": [
                    {"id": c["id"], "version": c["version"]} for c in gate_run.checklists
                ],
                "decision_rule": gate_run.decision_rule_snapshot,
            },
            at=now,
        )
        venture_id = venture.id
    return Outcome(
        venture_id, f"started {venture_id} at gate {gate_id}", details={"id": venture_id}
    )


def _first_gate(session: Session, library: Library) -> str:
    from services.programme_import import current_programme

    gates = current_programme(session).gates
    return gates[0] if gates else library.gate_chain()[0].id


def find_item(checklists: tuple[ChecklistDefinition, ...], ref: str) -> tuple[str, Item]:
    """An item by id, or by 'checklist-id/item-id' when two checklists share an id."""
    wanted_checklist, _, item_id = ref.rpartition("/")
    found = [
        (c.id, item)
        for c in checklists
        if not wanted_checklist or c.id == wanted_checklist
        for item in c.items()
        if item.id == item_id
    ]
    if not found:
        names = ", ".join(c.id for c in checklists)
        raise NotFound(f"no item '{ref}' in this gate's checklist ({names})")
    if len(found) > 1:
        raise CommandError(f"item '{ref}' is in several checklists: write CHECKLIST/{item_id}")
    return found[0]


def answer(cyd: Cyd, venture_id: str, item_ref: str, value: Any, *, by: str) -> Outcome:
    """Record an answer (text as typed, or an already-typed value); history is kept."""
    now = cyd.clock()
    with _command(cyd, "venture.answer", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        actor = actor_for(session, person)
        facts = venture_facts(session, venture)
        _check(may_answer(actor, facts))
        gate_run = current_gate_run(session, venture)
        checklist_id, item = find_item(pinned_checklists(gate_run), item_ref)
        if isinstance(value, str):
            try:
                value = parse_answer_text(item, value)
            except AnswerTextError as exc:
                raise InvalidAnswer(item.id, exc.reason.en, exc.reason.cy) from None
        reason = check_answer(item, value)
        if reason is not None:
            raise InvalidAnswer(item.id, reason.en, reason.cy)
        current = queries.current_answer(
            session, venture.id, venture.gate_id, checklist_id, item.id
        )
        if current is not None and current.value == value:
            return Outcome(venture.id, f"{item.id}: unchanged", details={"item": item.id})
        state = VentureState(venture.state)
        if state in (VentureState.RETURNED, VentureState.RECYCLED):
            _check(may_reopen(actor, facts))
            _move(venture, Action.REOPEN)  # editing a returned venture reopens it
        stale = _mark_stale(session, venture, now) if state in _REVIEWED else {}
        assert person.id is not None
        version = next(p["version"] for p in gate_run.checklists if p["id"] == checklist_id)
        supersede(
            session,
            current,
            t.Answer(
                venture_id=venture.id,
                gate_id=venture.gate_id,
                checklist_id=checklist_id,
                checklist_version=version,
                item_id=item.id,
                value=value,
                by_id=person.id,
                at=now,
            ),
        )
        venture.updated_at = now
        session.add(venture)
        audit.append(
            session,
            person.email,
            "answer.recorded",
            venture.id,
            {
                "gate": venture.gate_id,
                "checklist": checklist_id,
                "item": item.id,
                "value": value,
                "previous": current.value if current is not None else None,
                "reopened": state is not VentureState(venture.state),
                "stale": stale,
            },
            at=now,
        )
    return Outcome(
        venture_id, f"{item.id}: recorded", _advance(cyd, venture_id), {"item": item.id, **stale}
    )


_REVIEWED = (VentureState.IN_REVIEW, VentureState.AWAITING_BOARD)


def _mark_stale(session: Session, venture: t.Venture, now: dt.datetime) -> dict[str, list[int]]:
    """An answer changed after review: earlier recommendations and votes must be given again."""
    reviews = [
        r for r in queries.current_reviews(session, venture.id, venture.gate_id) if not r.stale
    ]
    ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
    # A decided ballot's votes are part of its decision's record: they stay as counted.
    votes = (
        [
            v
            for v in queries.current_votes(session, venture.id, venture.gate_id, ballot.number)
            if not v.stale
        ]
        if ballot is not None and not _decided(session, ballot)
        else []
    )
    rows: list[t.Review | t.Vote] = [*reviews, *votes]
    for row in rows:
        if row.at <= now:
            row.stale = True
            session.add(row)
    return {
        "stale_reviews": [r.id for r in reviews if r.stale and r.id is not None],
        "stale_votes": [v.id for v in votes if v.stale and v.id is not None],
    }


def submit(cyd: Cyd, venture_id: str, *, by: str) -> Outcome:
    now = cyd.clock()
    with _command(cyd, "venture.submit", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_submit(actor_for(session, person), venture_facts(session, venture)))
        _move(venture, Action.SUBMIT)
        gate_run = current_gate_run(session, venture)
        gate_run.submitted_at = now
        venture.updated_at = now
        session.add_all([venture, gate_run])
        audit.append(
            session,
            person.email,
            "venture.submitted",
            venture.id,
            {"gate": venture.gate_id},
            at=now,
        )
    report = _advance(cyd, venture_id)
    return Outcome(venture_id, "submitted", report)


def extend(cyd: Cyd, venture_id: str, *, until: dt.date, by: str, reason: str) -> Outcome:
    """More time: the open vote's deadline if there is one, else the venture's."""
    reason = " ".join(reason.split())
    if not reason:
        raise CommandError("say why more time is given (--reason)")
    now = cyd.clock()
    # The end of that day in UTC: people give a date, not a moment.
    new_deadline = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
    if new_deadline <= now:
        raise CommandError(f"{until.isoformat()} is not in the future")
    with _command(cyd, "venture.extend", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_extend(actor_for(session, person), venture_facts(session, venture)))
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        open_ballot = ballot is not None and ballot.closed_at is None
        current = ballot.deadline if ballot is not None and open_ballot else venture.deadline
        if current is not None and new_deadline <= current:
            raise CommandError(
                f"the deadline is already {current.date().isoformat()}; give a later date"
            )
        if ballot is not None and open_ballot:
            ballot.deadline = new_deadline
            session.add(ballot)
        venture.deadline = new_deadline
        venture.updated_at = now
        session.add(venture)
        session.add(
            t.Deadline(
                venture_id=venture.id,
                gate_id=venture.gate_id,
                kind="vote" if open_ballot else "answers",
                ballot=ballot.number if ballot is not None and open_ballot else None,
                until=new_deadline,
                is_extension=True,
                by_id=person.id,
                reason=reason,
                at=now,
            )
        )
        entry = audit.append(
            session,
            person.email,
            "deadline.extended",
            venture.id,
            {"until": new_deadline.isoformat(), "reason": reason, "vote": open_ballot},
            at=now,
        )
        if ballot is not None and open_ballot:
            _tell_board_of_extension(session, venture, ballot, person, reason, entry)
    return Outcome(
        venture_id, f"deadline extended to {until.isoformat()}", _advance(cyd, venture_id)
    )


def _tell_board_of_extension(
    session: Session,
    venture: t.Venture,
    ballot: t.Ballot,
    by: t.Person,
    reason: str,
    entry: t.AuditEntry,
) -> None:
    """The vote runs on: the Board members who vote on it, and the lead, are told."""
    lead = session.get(t.Person, venture.lead_id)
    recused = {
        i.member_id
        for i in session.exec(select(t.Interest).where(t.Interest.venture_id == venture.id))
    }
    people = [
        p for p, _ in board_people(session) if p.id not in recused and p.id != venture.lead_id
    ]
    tell(
        session,
        [*people, *([lead] if lead is not None else [])],
        "venture.vote-extended",
        {
            "event": "vote-extended",
            "venture": {"id": venture.id, "title": venture.title, "gate": venture.gate_id},
            "state": venture.state,
            "group": True,
            "audit_seq": entry.seq,
            "ballot": {"number": ballot.number, "deadline": ballot.deadline.isoformat()},
            "extended_by": {"name": by.name},
            "reasons": [{"code": "deadline-extended", "text": reason}],
        },
        key=f"audit:{entry.seq}",
        venture_id=venture.id,
        gate_id=venture.gate_id,
        ballot=ballot.number,
    )


def record_review(
    cyd: Cyd, venture_id: str, *, by: str, recommend: str, note: str | None = None
) -> Outcome:
    try:
        recommendation = Recommendation(recommend)
    except ValueError:
        raise CommandError("recommend 'go' or 'recycle'") from None
    now = cyd.clock()
    with _command(cyd, "review.record", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_review(actor_for(session, person), venture_facts(session, venture)))
        assert person.id is not None
        current = queries.current_review(session, venture.id, venture.gate_id, person.id)
        supersede(
            session,
            current,
            t.Review(
                venture_id=venture.id,
                gate_id=venture.gate_id,
                reviewer_id=person.id,
                recommend=recommendation.value,
                note=note,
                at=now,
            ),
        )
        audit.append(
            session,
            person.email,
            "review.recorded",
            venture.id,
            {"gate": venture.gate_id, "recommend": recommendation.value, "note": note},
            at=now,
        )
    return Outcome(venture_id, f"recommended {recommendation.value}", _advance(cyd, venture_id))


def declare_interest(cyd: Cyd, venture_id: str, *, member: str, interest: str) -> Outcome:
    interest = " ".join(interest.split())
    if not interest:
        raise CommandError("describe the interest (--interest)")
    now = cyd.clock()
    with _command(cyd, "board.declare", member, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, member)
        _check(may_declare(actor_for(session, person)))
        assert person.id is not None
        session.add(t.Interest(venture_id=venture.id, member_id=person.id, text=interest, at=now))
        audit.append(
            session, person.email, "interest.declared", venture.id, {"interest": interest}, at=now
        )
    return Outcome(
        venture_id, "interest declared: the member leaves this decision", _advance(cyd, venture_id)
    )


def vote(
    cyd: Cyd,
    venture_id: str,
    *,
    member: str,
    choice: str,
    reason: str | None = None,
    supported_by: str | None = None,
) -> Outcome:
    try:
        chosen = Choice(choice)
    except ValueError:
        options = ", ".join(c.value for c in Choice)
        raise CommandError(f"choose one of: {options}") from None
    if chosen is Choice.APPROVE_WITH_CONDITIONS and not (reason and reason.strip()):
        raise CommandError("approve-with-conditions needs the conditions (--reason)")
    now = cyd.clock()
    with _command(cyd, "board.vote", member, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, member)
        actor = actor_for(session, person)
        interests = [
            Interest(_email(session, i.member_id), i.text)
            for i in session.exec(select(t.Interest).where(t.Interest.venture_id == venture.id))
        ]
        _check(may_vote(actor, venture_facts(session, venture), interests))
        supporter_id = None
        if supported_by:
            supporter = _person(session, supported_by)
            _check(may_support(actor_for(session, supporter), actor))
            supporter_id = supporter.id
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        if ballot is None or _decided(session, ballot):
            raise CommandError("there is no open vote on this venture")
        assert person.id is not None
        current = queries.current_vote(
            session, venture.id, venture.gate_id, ballot.number, person.id
        )
        supersede(
            session,
            current,
            t.Vote(
                venture_id=venture.id,
                gate_id=venture.gate_id,
                ballot=ballot.number,
                member_id=person.id,
                choice=chosen.value,
                reason=reason,
                supported_by_id=supporter_id,
                at=now,
            ),
        )
        audit.append(
            session,
            person.email,
            "vote.recorded",
            venture.id,
            {
                "gate": venture.gate_id,
                "ballot": ballot.number,
                "choice": chosen.value,
                "reason": reason,
                "supported_by": supported_by.lower() if supported_by else None,
            },
            at=now,
        )
    return Outcome(venture_id, f"vote recorded: {chosen.value}", _advance(cyd, venture_id))


def _email(session: Session, person_id: int) -> str:
    person = session.get(t.Person, person_id)
    return person.email if person else ""


def _decided(session: Session, ballot: t.Ballot) -> bool:
    return (
        session.exec(
            select(t.Decision.id)
            .where(t.Decision.venture_id == ballot.venture_id)
            .where(t.Decision.gate_id == ballot.gate_id)
            .where(t.Decision.ballot == ballot.number)
        ).first()
        is not None
    )


def close_vote(cyd: Cyd, venture_id: str, *, by: str) -> Outcome:
    now = cyd.clock()
    with _command(cyd, "board.close", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_close_vote(actor_for(session, person), venture_facts(session, venture)))
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        if ballot is None or _decided(session, ballot):
            raise CommandError("there is no open vote on this venture")
        ballot.closed_by_chair = True
        ballot.closed_by_id = person.id
        ballot.closed_at = now
        session.add(ballot)
        audit.append(
            session,
            person.email,
            "vote.closed",
            venture.id,
            {"gate": venture.gate_id, "ballot": ballot.number},
            at=now,
        )
    return Outcome(venture_id, "vote closed by the chair", _advance(cyd, venture_id))


def withdraw(cyd: Cyd, venture_id: str, *, by: str, reason: str) -> Outcome:
    """The lead (or an admin) stops the venture; final."""
    reason = " ".join(reason.split())
    if not reason:
        raise CommandError("say why the venture is withdrawn (--reason)")
    now = cyd.clock()
    with _command(cyd, "venture.withdraw", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_withdraw(actor_for(session, person), venture_facts(session, venture)))
        _move(venture, Action.WITHDRAW)
        venture.closed_at = now
        venture.deadline = None
        venture.updated_at = now
        session.add(venture)
        audit.append(
            session, person.email, "venture.withdrawn", venture.id, {"reason": reason}, at=now
        )
    return Outcome(venture_id, "withdrawn", _advance(cyd, venture_id))


def resume(cyd: Cyd, venture_id: str, *, by: str) -> Outcome:
    """The chair (or an admin) takes a venture off hold: the Board votes again."""
    now = cyd.clock()
    with _command(cyd, "board.resume", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_resume(actor_for(session, person), venture_facts(session, venture)))
        _move(venture, Action.RESUME)
        venture.updated_at = now
        session.add(venture)
        audit.append(session, person.email, "venture.resumed", venture.id, {}, at=now)
    return Outcome(venture_id, "taken off hold: a new vote opens", _advance(cyd, venture_id))


def advance_open(cyd: Cyd, *, limit: int | None = None) -> list[AdvanceReport]:
    """The sweep: advance every venture that is not waiting only for a person."""
    waiting = (VentureState.SUBMITTED, VentureState.IN_REVIEW, VentureState.AWAITING_BOARD)
    with read_session(cyd.engine) as session:
        ids = list(
            session.exec(
                select(t.Venture.id)
                .where(col(t.Venture.state).in_([s.value for s in waiting]))
                .order_by(col(t.Venture.id))
                .limit(limit)
            ).all()
        )
    return [advance_venture(cyd.engine, i, cyd.library, now=cyd.clock()) for i in ids]
