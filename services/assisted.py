"""Assisted actions: a clerk records what a person said at a meeting, the person confirms.

A clerk (role `clerk`, or an admin) records a vote or an answer on a person's behalf
(`record_vote_for`, `record_answer_for`). It is stored as an `AssistedAction`, not as a
Vote or an Answer, so nothing counts it: not the quorum, not the tally, not the
checklist's completeness. The person is told (in their language and format, with a
link to `/confirm/{id}`) and sees it on "What I need to do". When they confirm it
(`confirm`), it is recorded through the very command they would use themselves
(`services.commands.vote` / `answer`), which asks their rules again, marks the
recorded action confirmed in the same unit of work, and names the clerk in its audit
entry; from then on it counts like their own. They may say it is not right
(`decline`): it never counts.

Who may do each, and why not, is `governance.permissions` (`may_record_vote_for`,
`may_record_answer_for`, `may_confirm`, `may_clerk`); each refusal is recorded in the
audit log (`services.commands.record_denial`) before `PermissionDenied` is raised,
including a person who opens a page that is not theirs (`pending_action`,
`clerk_desk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, or_
from sqlmodel import Session, col, select

from checklists.spec import Item, Text
from governance.ballots import Choice
from governance.lifecycle import VentureState
from governance.next_actions import Recorded
from governance.permissions import (
    may_answer,
    may_answer_item,
    may_clerk,
    may_confirm,
    may_record_answer_for,
    may_record_vote_for,
    may_vote,
)
from models import audit, queries
from models import tables as t
from models.db import read_session
from notifications.tell import tell
from services.advance import current_gate_run, pinned_checklists
from services.commands import (
    CommandError,
    Cyd,
    NotFound,
    Outcome,
    _check,
    _command,
    _person,
    _valid,
    _venture,
    answer,
    find_item,
    vote,
)
from services.local_time import local_day
from services.people import actor_for, board_people, venture_facts, workstream_people
from services.rule_values import venture_interests
from services.sign_in import pages_url
from services.titles import venture_ref

RECORDED = "assisted.recorded"
DECLINED = "assisted.declined"
MESSAGE_EVENT = "venture.confirm-recorded"  # notifications/templates/*/*/confirm-recorded.j2
CONFIRM_PATH = "/confirm/"
OPEN_STATES = frozenset(
    s.value
    for s in (
        VentureState.DRAFT,
        VentureState.RETURNED,
        VentureState.RECYCLED,
        VentureState.IN_REVIEW,
        VentureState.AWAITING_BOARD,
        VentureState.ON_HOLD,
    )
)


@dataclass(frozen=True)
class Pending:
    """A vote or an answer a clerk recorded for a person, as the pages show it."""

    id: int
    kind: str  # "vote" or "answer"
    status: str  # models.tables.ASSISTED_STATUSES
    venture_id: str
    venture_title: str
    title_language: str  # the language it was written in (services.overview says why)
    gate_id: str
    person: str  # email of whom it is for
    person_name: str
    recorded_by: str  # the clerk's email
    recorded_by_name: str
    recorded_at: dt.datetime
    decided_at: dt.datetime | None
    ballot: int | None
    choice: str | None
    reason: str | None  # a vote's conditions
    checklist_id: str | None
    item_id: str | None
    value: Any
    # An answer's question, as the checklist pinned for its gate asks it (standard and
    # Easy Read, each in English and Welsh): the person reads the question, not its id.
    question: Text | None = None
    question_easy_read: Text | None = None
    title_other: str | None = None  # the venture's title in the other language, if given


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class ClerkDesk:
    """What the clerk's pages offer for one venture: whom a vote may be recorded for,
    whom an answer may be, and the items that may be answered ('checklist/item')."""

    venture_id: str
    venture_title: str
    title_language: str
    state: str
    voters: tuple[Person, ...]
    title_other: str | None
    answerers: tuple[Person, ...]
    items: tuple[tuple[str, str, str], ...]  # (ref, question en, question cy)


# --- recording -------------------------------------------------------------------------------


def record_vote_for(
    cyd: Cyd,
    venture_id: str,
    *,
    by: str,
    member: str,
    choice: str,
    reason: str | None = None,
) -> Outcome:
    """Record `member`'s vote, as they said it at a meeting, for them to confirm."""
    try:
        chosen = Choice(choice)
    except ValueError:
        options = ", ".join(c.value for c in Choice)
        raise CommandError("choice-unknown", options=options) from None
    reason = " ".join(reason.split()) if reason else None
    if chosen is Choice.APPROVE_WITH_CONDITIONS and not reason:
        raise CommandError("conditions-missing")
    now = cyd.clock()
    with _command(cyd, "assisted.record", by, venture_id) as session:
        venture = _venture(session, venture_id)
        clerk = _person(session, by)
        person = _person(session, member)
        facts = venture_facts(session, venture)
        interests = venture_interests(session, venture.id)
        _check(
            may_record_vote_for(
                actor_for(session, clerk), actor_for(session, person), facts, interests
            )
        )
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        if ballot is None or queries.ballot_decided(session, ballot):
            raise CommandError("no-open-vote")
        row = t.AssistedAction(
            venture_id=venture.id,
            gate_id=venture.gate_id,
            kind="vote",
            for_id=_id(person),
            recorded_by_id=_id(clerk),
            ballot=ballot.number,
            choice=chosen.value,
            reason=reason,
            recorded_at=now,
        )
        details = {"ballot": ballot.number, "choice": chosen.value, "reason": reason}
        pending_id = _store(session, row, venture, clerk, person, details, now)
    return Outcome(
        venture_id, f"vote recorded for {member}, to confirm", details={"id": pending_id}
    )


def record_answer_for(
    cyd: Cyd, venture_id: str, *, by: str, person: str, item_ref: str, value: Any
) -> Outcome:
    """Record `person`'s answer to an item, as they said it at a meeting, to confirm.
    The answer is checked as the item checks it now, so that a confirmation records it."""
    now = cyd.clock()
    with _command(cyd, "assisted.record", by, venture_id) as session:
        venture = _venture(session, venture_id)
        clerk = _person(session, by)
        them = _person(session, person)
        facts = venture_facts(session, venture)
        _check(may_record_answer_for(actor_for(session, clerk), actor_for(session, them), facts))
        pinned = pinned_checklists(session, current_gate_run(session, venture))
        checklist_id, item = find_item(pinned, item_ref)
        # Only what the person may answer themselves: not the lead's own items.
        _check(may_answer_item(actor_for(session, them), facts, item.audience))
        typed = _valid(item, value, local_day(now))
        row = t.AssistedAction(
            venture_id=venture.id,
            gate_id=venture.gate_id,
            kind="answer",
            for_id=_id(them),
            recorded_by_id=_id(clerk),
            checklist_id=checklist_id,
            item_id=item.id,
            value=typed,
            recorded_at=now,
        )
        details = {"checklist": checklist_id, "item": item.id, "value": typed}
        pending_id = _store(session, row, venture, clerk, them, details, now)
    return Outcome(
        venture_id, f"answer recorded for {person}, to confirm", details={"id": pending_id}
    )


def _store(
    session: Session,
    row: t.AssistedAction,
    venture: t.Venture,
    clerk: t.Person,
    person: t.Person,
    details: dict[str, Any],
    now: dt.datetime,
) -> int:
    """Store it (an earlier one still waiting, for the same vote or item, is replaced:
    the person confirms what was said last), audit it, and tell the person."""
    earlier = select(t.AssistedAction).where(
        t.AssistedAction.for_id == row.for_id,
        t.AssistedAction.venture_id == row.venture_id,
        t.AssistedAction.kind == row.kind,
        t.AssistedAction.status == "pending",
    )
    if row.kind == "answer":
        earlier = earlier.where(
            t.AssistedAction.checklist_id == row.checklist_id,
            t.AssistedAction.item_id == row.item_id,
        )
    replaced = []
    for old in session.exec(earlier):
        old.status, old.decided_at = "replaced", now
        session.add(old)
        replaced.append(old.id)
    session.add(row)
    session.flush()
    assert row.id is not None
    entry = audit.append(
        session,
        clerk.email,
        RECORDED,
        venture.id,
        {
            "id": row.id,
            "kind": row.kind,
            "person": person.email,
            "gate": venture.gate_id,
            "replaced": replaced,
            **details,
        },
        at=now,
    )
    tell(
        session,
        [person],
        MESSAGE_EVENT,
        {
            "event": "confirm-recorded",
            "venture": venture_ref(session, venture),
            "state": venture.state,
            "group": False,
            "audit_seq": entry.seq,
            "audit_head": entry.hash,
            "what": row.kind,
            "recorded_by": {"name": clerk.name},
            "link": confirm_url(row.id),
        },
        key=f"audit:{entry.seq}",
        venture_id=venture.id,
        gate_id=venture.gate_id,
    )
    return row.id


def confirm_url(pending_id: int) -> str:
    """Where the person confirms it: through sign-in, if they are not signed in."""
    return f"{pages_url()}{CONFIRM_PATH}{pending_id}"


# --- confirming and declining ---------------------------------------------------------------


def confirm(cyd: Cyd, pending_id: int, *, by: str) -> Outcome:
    """The person confirms what was recorded for them: it is recorded as their own vote
    or answer, through the same command (`services.commands`), naming the clerk."""
    with _command(cyd, "assisted.confirm", by, None) as session:
        row = _mine(session, pending_id, by)
        venture_id, kind = row.venture_id, row.kind
        choice, reason, ref, value = (
            row.choice,
            row.reason,
            f"{row.checklist_id}/{row.item_id}",
            row.value,
        )
    if kind == "vote":
        assert choice is not None
        return vote(cyd, venture_id, member=by, choice=choice, reason=reason, assisted=pending_id)
    return answer(cyd, venture_id, ref, value, by=by, assisted=pending_id)


def decline(cyd: Cyd, pending_id: int, *, by: str) -> Outcome:
    """The person says what was recorded is not right: it never counts."""
    now = cyd.clock()
    with _command(cyd, "assisted.decline", by, None) as session:
        row = _mine(session, pending_id, by)
        if row.status != "pending":
            raise CommandError("assisted-not-pending", status=row.status)
        row.status, row.decided_at = "declined", now
        session.add(row)
        clerk = session.get(t.Person, row.recorded_by_id)
        audit.append(
            session,
            _email_of(session, row.for_id),
            DECLINED,
            row.venture_id,
            {"id": row.id, "kind": row.kind, "recorded_by": clerk.email if clerk else ""},
            at=now,
        )
        venture_id = row.venture_id
    return Outcome(venture_id, "declined: it does not count", details={"id": pending_id})


def _mine(session: Session, pending_id: int, by: str) -> t.AssistedAction:
    """The recorded action, if it is `by`'s: NotFound if there is none; a refusal (to be
    audited) if it is someone else's."""
    row = session.get(t.AssistedAction, pending_id)
    if row is None:
        raise NotFound("assisted-not-found", id=pending_id)
    person = _person(session, by)
    _check(may_confirm(actor_for(session, person), _email_of(session, row.for_id)))
    return row


# --- reading ---------------------------------------------------------------------------------


def pending_action(cyd: Cyd, pending_id: int, *, by: str) -> Pending:
    """One recorded action, for the person it is for (whatever its status, so that the
    page can say it was confirmed). Someone else's: refused, and the refusal audited."""
    with _command(cyd, "assisted.view", by, None) as session:
        row = _mine(session, pending_id, by)
        return _shown(session, [row])[0]
    raise AssertionError("unreachable: a refusal raises")  # pragma: no cover


def recorded_by_me(cyd: Cyd, pending_id: int, *, by: str) -> Pending:
    """One recorded action, for the clerk who recorded it (their receipt). Anyone else:
    refused, and the refusal audited."""
    with _command(cyd, "assisted.view", by, None) as session:
        row = session.get(t.AssistedAction, pending_id)
        if row is None:
            raise NotFound("assisted-not-found", id=pending_id)
        clerk = _person(session, by)
        _check(may_clerk(actor_for(session, clerk)))
        if row.recorded_by_id != clerk.id:
            _check(may_confirm(actor_for(session, clerk), _email_of(session, row.for_id)))
        return _shown(session, [row])[0]
    raise AssertionError("unreachable: a refusal raises")  # pragma: no cover


def my_pending(engine: Engine, person_email: str) -> list[Pending]:
    """What clerks recorded for the person and waits for them, on open ventures, oldest
    first."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, person_email)
        if person is None or person.id is None:
            raise NotFound("person-not-found", email=person_email)
        rows = session.exec(
            select(t.AssistedAction)
            .join(t.Venture, col(t.Venture.id) == col(t.AssistedAction.venture_id))
            .where(t.AssistedAction.for_id == person.id)
            .where(t.AssistedAction.status == "pending")
            .where(_still_open())
            .order_by(col(t.AssistedAction.recorded_at), col(t.AssistedAction.id))
        ).all()
        return _shown(session, list(rows))


def to_confirm_facts(session: Session, person_id: int) -> list[Recorded]:
    """What the person has to confirm, as the next-action rules read it
    (`governance.next_actions.to_confirm`)."""
    rows = session.exec(
        select(t.AssistedAction, t.Venture, t.Person.name)
        .join(t.Venture, col(t.Venture.id) == col(t.AssistedAction.venture_id))
        .join(t.Person, col(t.Person.id) == col(t.AssistedAction.recorded_by_id))
        .where(t.AssistedAction.for_id == person_id)
        .where(t.AssistedAction.status == "pending")
        .where(_still_open())
    ).all()
    email = _email_of(session, person_id)
    found = []
    for row, venture, clerk_name in rows:
        deadline = venture.deadline
        if row.kind == "vote":
            ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
            deadline = ballot.deadline if ballot is not None else deadline
        assert row.id is not None
        found.append(Recorded(row.id, email, venture.id, row.kind, clerk_name, deadline))
    return found


def _still_open() -> ColumnElement[bool]:
    """What could still be confirmed: recorded at the venture's current gate, an answer
    while the venture is open, a vote while the Board votes on it (a vote recorded for
    a ballot since decided waits for nothing: its confirmation would be refused)."""
    return and_(
        col(t.AssistedAction.gate_id) == col(t.Venture.gate_id),
        col(t.Venture.state).in_(sorted(OPEN_STATES)),
        or_(
            col(t.AssistedAction.kind) == "answer",
            col(t.Venture.state) == VentureState.AWAITING_BOARD.value,
        ),
    )


def _shown(session: Session, rows: list[t.AssistedAction]) -> list[Pending]:
    people = {
        p.id: p
        for p in session.exec(
            select(t.Person).where(
                col(t.Person.id).in_({r.for_id for r in rows} | {r.recorded_by_id for r in rows})
            )
        )
    }
    shown = []
    for row in rows:
        venture = session.get(t.Venture, row.venture_id)
        assert venture is not None
        assert row.id is not None
        person, clerk = people[row.for_id], people[row.recorded_by_id]
        item = _item_of(session, row)
        shown.append(
            Pending(
                id=row.id,
                kind=row.kind,
                status=row.status,
                venture_id=venture.id,
                venture_title=venture.title,
                title_language=venture.title_lang,
                title_other=venture.title_other,
                gate_id=row.gate_id,
                person=person.email,
                person_name=person.name,
                recorded_by=clerk.email,
                recorded_by_name=clerk.name,
                recorded_at=row.recorded_at,
                decided_at=row.decided_at,
                ballot=row.ballot,
                choice=row.choice,
                reason=row.reason,
                checklist_id=row.checklist_id,
                item_id=row.item_id,
                value=row.value,
                question=item.question if item is not None else None,
                question_easy_read=item.easy_read if item is not None else None,
            )
        )
    return shown


def _item_of(session: Session, row: t.AssistedAction) -> Item | None:
    """The item an answer was recorded for, from the checklists pinned when its gate
    started (the gate may have moved on since: the question is still the one asked)."""
    if row.kind != "answer" or row.checklist_id is None or row.item_id is None:
        return None
    gate_run = session.get(t.GateRun, (row.venture_id, row.gate_id))
    if gate_run is None:
        return None
    try:
        return find_item(pinned_checklists(session, gate_run), f"{row.checklist_id}/{row.item_id}")[
            1
        ]
    except CommandError:  # not in the pinned checklists: the page shows the id instead
        return None


def clerk_desk(cyd: Cyd, venture_id: str, *, by: str) -> ClerkDesk:
    """What the clerk may record for on a venture (see `ClerkDesk`). Someone who is not
    a clerk or an admin is refused, and the refusal audited."""
    with _command(cyd, "assisted.desk", by, venture_id) as session:
        clerk = _person(session, by)
        clerk_actor = actor_for(session, clerk)
        _check(may_clerk(clerk_actor))
        venture = _venture(session, venture_id)
        facts = venture_facts(session, venture)
        interests = venture_interests(session, venture.id)
        voters = tuple(
            Person(p.email, p.name)
            for p, _chair in board_people(session)
            if p.email != clerk.email and may_vote(actor_for(session, p), facts, interests)
        )
        lead = session.get(t.Person, venture.lead_id)
        party = {p.email: p for p in workstream_people(session, venture.workstream_id)}
        if lead is not None:
            party[lead.email] = lead
        answerers = tuple(
            Person(p.email, p.name)
            for email, p in sorted(party.items())
            if p.active and email != clerk.email and may_answer(actor_for(session, p), facts)
        )
        items: tuple[tuple[str, str, str], ...] = ()
        if answerers:
            pinned = pinned_checklists(session, current_gate_run(session, venture))
            items = tuple(
                (f"{c.id}/{i.id}", i.question.en, i.question.cy) for c in pinned for i in c.items()
            )
        return ClerkDesk(
            venture_id=venture.id,
            venture_title=venture.title,
            title_language=venture.title_lang,
            title_other=venture.title_other,
            state=venture.state,
            voters=voters,
            answerers=answerers,
            items=items,
        )
    raise AssertionError("unreachable: a refusal raises")  # pragma: no cover


# --- helpers ---------------------------------------------------------------------------------


def _id(person: t.Person) -> int:
    assert person.id is not None
    return person.id


def _email_of(session: Session, person_id: int) -> str:
    person = session.get(t.Person, person_id)
    return person.email if person is not None else ""
