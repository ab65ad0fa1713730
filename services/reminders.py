"""The reminder sweep: load, apply the pure rules, record and queue, in batches.

Only the ventures whose next reminder time has come are read (`venture.next_reminder_at`,
indexed; models.due says how it is kept), `BATCH` at a time in (time, id) order: never
one statement with every id. `remind_due(engine, now, after)` does one batch in one unit
of work: it reads the batch's `ReminderSnapshot`s under the write lock, asks the rules
(so two sweeps at once, or a sweep after a crash, send nothing twice), and for each
reminder or escalation due writes a `reminder_sent` row (unique key: venture, gate,
ballot, person, action, step), an outbox message on each of the recipient's channels
(`venture.reminder` or `venture.escalation`, keyed by the same), and one
`reminders.sent` audit entry per venture for its lot; then it sets each venture's next
reminder time (`governance.reminders.next_due`). The programme, the people, their
channels and the reminders already sent are read once a batch; the rows and messages
are written once a batch. A reminder's copies to the person's supporters are queued
with it, on each supporter's channels (`venture.reminder` with `supporting`: whom it is
about), keyed by the reminder and the supporter: they go with their reminder, once, and
need no row of their own. The rules get the reminders already sent with the time each
was sent (`Sent`), for the spacing of moved deadlines. `sweep(engine, now)` runs the
batches one after another: what `cyd remind` runs from cron without Prefect, and what
the `send_reminders` flow runs, a task a batch. `remind_venture` does the same for one
venture (the audit log's replay); `plan(engine, now)` says what is due, reading only.

Messages are each person's own (their language and format); quiet hours and daily
digests are applied by the relay when the messages are sent.

Translators. A venture with a translation not yet given is read with its open
translations, and the programme's active translators and admins: the rules remind the
translators of each (and tell the admins of one overdue). A translation's
`reminder_sent` row has the venture's current gate and the translation's id as its
ballot; its audit entry names the translation by subject and language (a replay may
number the rows differently); its message carries the title as written and no title
language, so that it is neither held for the translation nor sent again with it
(`_translation_payload`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

import settings
from governance.ballots import Interest, Vote
from governance.lifecycle import VentureState
from governance.permissions import Role
from governance.programme import ReminderPolicy
from governance.reminders import (
    NO_BALLOT,
    Action,
    DeadlineSet,
    Due,
    OpenBallot,
    OpenTranslation,
    ReminderSnapshot,
    Sent,
    SentKey,
    due,
    due_all,
    next_due,
)
from governance.reviews import Review
from governance.working_days import WorkingCalendar
from models import audit, outbox, queries
from models import due as due_times
from models import tables as t
from models.db import planned_for_now, read_session, unit_of_work, utcnow
from notifications.tell import Copy, active_channels, messages_for
from services.local_time import local_day
from services.rule_values import interest_value, review_value, vote_value
from services.titles import venture_ref
from services.working_calendar import working_calendar

AUDIT_ACTION = "reminders.sent"

S = VentureState
_ANSWER_STATES = (S.DRAFT.value, S.RETURNED.value, S.RECYCLED.value)
_OTHER_STATES = (S.IN_REVIEW.value, S.AWAITING_BOARD.value)
_OPEN_STATES = (*_ANSWER_STATES, *_OTHER_STATES, S.ON_HOLD.value)


def local_zone() -> ZoneInfo:
    """The programme's local time zone (`CYD_TIMEZONE`, default Europe/London): that of
    reminder days, as of quiet hours, digests and every time a message shows."""
    return settings.current().timezone


def reminder_policy(session: Session) -> ReminderPolicy:
    """The reminder policy of the programme in force (defaults when it says nothing)."""
    from services.programme_import import current_programme

    return current_programme(session).reminders


@dataclass
class SweepReport:
    """What one sweep did."""

    now: str
    ventures: int = 0  # ventures with someone to remind now
    reminders: int = 0
    escalations: int = 0
    copies: int = 0  # copies of reminders to supporters (one per supporter)
    messages: int = 0  # outbox messages queued (one per channel)
    details: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: VentureResult) -> None:
        if other.reminders or other.escalations:
            self.ventures += 1
        self.reminders += other.reminders
        self.escalations += other.escalations
        self.copies += other.copies
        self.messages += other.messages
        self.details.extend(other.details)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class VentureResult:
    venture_id: str
    reminders: int = 0
    escalations: int = 0
    copies: int = 0
    messages: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# --- reading -------------------------------------------------------------------------------


# The statements of `load_snapshots`, built once and run without the ORM (models/queries.py
# says why: the pages' next actions read them on every request).
_V = queries.table(t.Venture)
_P = queries.PERSON
_PR = queries.table(t.PersonRole)
_GR = queries.table(t.GateRun)
_D = queries.table(t.Deadline)
_RA = queries.table(t.ReviewerAssignment)
_R = queries.table(t.Review)
_I = queries.table(t.Interest)
_B = queries.table(t.Ballot)
_DEC = queries.table(t.Decision)
_VOTE = queries.table(t.Vote)
_T = queries.table(t.Translation)
_ALL_OPEN = core_select(_V).where(_V.c.state.in_(_OPEN_STATES))
# A venture with a translation not yet given waits on the translators, whatever its state
# (governance.reminders says which states are left out).
_TRANSLATING = core_select(_T.c.venture_id).where(_T.c.done_at.is_(None))
_WAITED_ON = core_select(_V).where(
    (_V.c.state.in_(_ANSWER_STATES) & _V.c.deadline.is_not(None))
    | _V.c.state.in_(_OTHER_STATES)
    | _V.c.id.in_(_TRANSLATING)
)
_OPEN_TRANSLATIONS = core_select(_T.c.id, _T.c.venture_id, _T.c.due_at).where(
    _T.c.done_at.is_(None), queries.one_of(_T.c.venture_id)
)
_EVERYONE = core_select(_P.c.id, _P.c.email, _P.c.active, _P.c.supports_person_id)
# `services.people.board_people`, as emails: the Board's active members and their roles;
# with them (one statement) the active translators (reminded of translations) and admins
# (told of one overdue).
_BOARD_ROLES = (Role.BOARD_MEMBER.value, Role.CHAIR.value)
_STAFF_ROLES = (Role.TRANSLATOR.value, Role.ADMIN.value)
_BOARD = (
    core_select(_P.c.email, _PR.c.role)
    .join(_PR, _PR.c.person_id == _P.c.id)
    .where(_P.c.active)
    .where(_PR.c.role.in_([*_BOARD_ROLES, *_STAFF_ROLES]))
    .order_by(_P.c.email)
)
_RUNS = core_select(_GR.c.venture_id, _GR.c.gate_id, _GR.c.submitted_at).where(
    queries.one_of(_GR.c.venture_id)
)
_OF_VENTURES = {
    name: core_select(table).where(queries.one_of(table.c.venture_id))
    for name, table in (("deadline", _D), ("assigned", _RA), ("review", _R), ("ballot", _B))
}
_INTERESTS = core_select(_I).where(queries.one_of(_I.c.venture_id))
_DECIDED = core_select(_DEC.c.venture_id, _DEC.c.gate_id, _DEC.c.ballot).where(
    queries.one_of(_DEC.c.venture_id)
)
_VOTES = core_select(_VOTE).where(queries.one_of(_VOTE.c.venture_id), _VOTE.c.is_current)


def load_snapshots(
    session: Session, venture_ids: Sequence[str] | None = None, *, all_open: bool = False
) -> list[ReminderSnapshot]:
    """The snapshots of the ventures someone may be waited on for (all, or these).

    `all_open` loads every open venture: answers without a deadline, and ventures on
    hold, are nobody's reminder, but someone's next action (`services.next_actions`,
    which reads the translations waiting itself: they are not loaded then)."""
    statement = _ALL_OPEN if all_open else _WAITED_ON
    params: dict[str, Any] = {}
    if venture_ids is not None:
        statement = statement.where(queries.one_of(_V.c.id))
        params["ids"] = list(venture_ids)
    ventures = queries.rows(session, statement.order_by(_V.c.id), **params)
    if not ventures:
        return []
    ids = [v.id for v in ventures]
    gate = {v.id: v.gate_id for v in ventures}
    persons = queries.rows(session, _EVERYONE)
    emails = {p.id: p.email for p in persons if p.id is not None}
    left = {p.email for p in persons if not p.active}  # no longer in the programme
    supporters = frozenset(
        (p.email, emails[p.supports_person_id])
        for p in persons
        if p.active and p.supports_person_id is not None and p.supports_person_id in emails
    )
    board: dict[str, bool] = {}
    roles = queries.rows(session, _BOARD)
    for email, role in roles:
        if role in _BOARD_ROLES:
            board[email] = board.get(email, False) or role == Role.CHAIR.value
    members = tuple(board)
    chair = next((email for email, is_chair in board.items() if is_chair), None)
    translators = tuple(email for email, role in roles if role == Role.TRANSLATOR.value)
    admins = tuple(email for email, role in roles if role == Role.ADMIN.value)
    translations: dict[str, list[OpenTranslation]] = defaultdict(list)
    if not all_open:
        for tr in queries.rows(session, _OPEN_TRANSLATIONS, ids=ids):
            translations[tr.venture_id].append(OpenTranslation(tr.id, tr.due_at))

    def current(name: str) -> list[Any]:
        found = queries.rows(session, _OF_VENTURES[name], ids=ids)
        return [r for r in found if r.gate_id == gate[r.venture_id]]

    # Only the columns needed: a gate run row carries its pinned checklists (JSON), and
    # loading 10,000 of them whole took seconds and over a gigabyte.
    runs = queries.rows(session, _RUNS, ids=ids)
    submitted = {v: at for v, g, at in runs if g == gate[v]}
    deadlines: dict[str, list[DeadlineSet]] = defaultdict(list)
    for d in current("deadline"):
        deadlines[d.venture_id].append(DeadlineSet(d.kind, d.until, d.at, d.ballot))
    assigned: dict[str, set[str]] = defaultdict(set)
    for a in current("assigned"):
        if emails[a.reviewer_id] not in left:
            assigned[a.venture_id].add(emails[a.reviewer_id])
    reviews: dict[str, list[Review]] = defaultdict(list)
    for r in current("review"):
        if r.is_current:
            reviews[r.venture_id].append(review_value(r, emails))
    interests: dict[str, list[Interest]] = defaultdict(list)
    for i in queries.rows(session, _INTERESTS, ids=ids):
        interests[i.venture_id].append(interest_value(i, emails))
    ballots = _open_ballots(session, ids, gate, emails)
    return [
        ReminderSnapshot(
            venture_id=v.id,
            gate_id=v.gate_id,
            state=VentureState(v.state),
            lead=emails[v.lead_id],
            chair=chair,
            board=members,
            venture_deadline=v.deadline,
            deadlines=tuple(deadlines[v.id]),
            submitted_at=submitted.get(v.id),
            reviewers_assigned=frozenset(assigned[v.id]),
            reviews=tuple(reviews[v.id]),
            interests=tuple(interests[v.id]),
            ballot=ballots.get(v.id),
            supporters=supporters,
            # Around the submission: a review's deadline counts from it.
            calendar=_calendar(submitted.get(v.id)),
            translations=tuple(translations[v.id]),
            translators=translators,
            admins=admins,
        )
        for v in ventures
    ]


def _calendar(submitted: dt.datetime | None) -> WorkingCalendar:
    return working_calendar(local_day(submitted) if submitted is not None else None)


def _open_ballots(
    session: Session, ids: list[str], gate: dict[str, str], emails: dict[int, str]
) -> dict[str, OpenBallot]:
    """Each venture's latest ballot at its current gate, if it is open (undecided)."""
    latest: dict[str, Any] = {}
    for b in queries.rows(session, _OF_VENTURES["ballot"], ids=ids):
        if b.gate_id != gate[b.venture_id]:
            continue
        held = latest.get(b.venture_id)
        if held is None or held.number < b.number:
            latest[b.venture_id] = b
    if not latest:
        return {}
    decided = {tuple(d) for d in queries.rows(session, _DECIDED, ids=list(latest))}
    open_ = {
        v: b
        for v, b in latest.items()
        if (b.venture_id, b.gate_id, b.number) not in decided and not b.closed_by_chair
    }
    votes: dict[str, list[Vote]] = defaultdict(list)
    if open_:
        for v in queries.rows(session, _VOTES, ids=list(open_)):
            b = open_[v.venture_id]
            if v.gate_id == b.gate_id and v.ballot == b.number:
                votes[v.venture_id].append(vote_value(v, emails))
    return {
        venture_id: OpenBallot(
            number=b.number,
            deadline=b.deadline,
            votes=tuple(votes[venture_id]),
            more_time_granted=frozenset(emails[i] for i in b.more_time_granted if i in emails),
        )
        for venture_id, b in open_.items()
    }


def sent_records(session: Session, venture_ids: Iterable[str]) -> list[Sent]:
    """The reminders and escalations already sent about these ventures, with when."""
    ids = list(venture_ids)
    if not ids:
        return []
    emails = {p.id: p.email for p in session.exec(select(t.Person)) if p.id is not None}
    rows = session.exec(
        select(t.ReminderSent)
        .join(
            t.Venture,
            and_(
                col(t.Venture.id) == col(t.ReminderSent.venture_id),
                col(t.Venture.gate_id) == col(t.ReminderSent.gate_id),
            ),
        )
        # The ventures by key too: without it a plan may read the whole venture table.
        .where(queries.one_of(col(t.ReminderSent.venture_id)), queries.one_of(col(t.Venture.id))),
        params={"ids": ids},
    )
    return [
        Sent(
            SentKey(r.venture_id, r.gate_id, r.ballot, emails[r.person_id], r.action, r.step),
            r.at,
        )
        for r in rows
    ]


# --- the sweep -----------------------------------------------------------------------------

# Ventures per batch: each batch is one unit of work (under the write lock: a command
# waits for at most one batch) and a handful of statements with at most `BATCH` ids.
BATCH = 200


@dataclass
class Batch:
    """One batch of a sweep: what was sent about each venture with something due, and
    where the next batch starts (None: the sweep is done)."""

    results: list[VentureResult]
    after: tuple[dt.datetime, str] | None
    looked: int = 0  # ventures looked at


def plan(
    engine: Engine, now: dt.datetime, *, tz: dt.tzinfo | None = None
) -> dict[str, tuple[Due, ...]]:
    """What is due now, per venture (ventures with nothing due left out). Reads only:
    the ventures whose next reminder time has come (models.due), in batches."""
    zone = tz or local_zone()
    found: dict[str, tuple[Due, ...]] = {}
    after: tuple[dt.datetime, str] | None = None
    with read_session(engine) as session:
        policy = reminder_policy(session)
        while True:
            rows = due_times.due_batch(session, "reminder", now, after, BATCH)
            if not rows:
                return found
            ids = [vid for _, vid in rows]
            snapshots = load_snapshots(session, ids)
            found |= due_all(snapshots, policy, now, sent_records(session, ids), tz=zone)
            after = rows[-1]


def remind_venture(
    engine: Engine, venture_id: str, now: dt.datetime, *, tz: dt.tzinfo | None = None
) -> VentureResult:
    """Send what is due now for one venture, in one unit of work (idempotent), and set
    when it is next due; whether or not its time has come."""
    with unit_of_work(engine) as session:
        results = _remind(session, [venture_id], now, tz or local_zone())
    return results[0] if results else VentureResult(venture_id)


def remind_due(
    engine: Engine,
    now: dt.datetime,
    after: tuple[dt.datetime, str] | None = None,
    *,
    tz: dt.tzinfo | None = None,
    batch: int = BATCH,
) -> Batch:
    """One batch of the sweep: the next `batch` ventures whose reminder time has come
    (after the keyset `after`), each asked again, recorded and given its next time, in
    one unit of work under the write lock: a repeated or concurrent sweep sends nothing
    twice (a venture's time is past `now` once it is handled)."""
    with unit_of_work(engine) as session:
        rows = due_times.due_batch(session, "reminder", now, after, batch)
        if not rows:
            return Batch([], None)
        results = _remind(session, [vid for _, vid in rows], now, tz or local_zone())
    return Batch(results, rows[-1] if len(rows) == batch else None, len(rows))


def _remind(
    session: Session, ids: list[str], now: dt.datetime, tz: dt.tzinfo
) -> list[VentureResult]:
    """Send what is due now for these ventures and set each one's next reminder time
    (governance.reminders.next_due; None for a venture nobody is waited on for).
    The programme, the people and the reminders sent are read once for the lot."""
    # A batch of a sweep looks up by key the rows the batches before it wrote (models.db).
    with planned_for_now(session):
        policy = reminder_policy(session)
        snapshots = load_snapshots(session, ids)
        sent: dict[str, list[Sent | SentKey]] = defaultdict(list)
        for record_ in sent_records(session, ids):
            sent[record_.key.venture_id].append(record_)
    times: dict[str, dt.datetime | None] = dict.fromkeys(ids)
    results: list[VentureResult] = []
    context: _Context | None = None
    for snapshot in snapshots:
        mine = sent[snapshot.venture_id]
        found = due(snapshot, policy, now, mine, tz=tz)
        if found:
            context = context or _Context.read(session, ids)
            results.append(record(session, snapshot.venture_id, found, now, context=context))
            mine += [Sent(item.key, now) for item in found]
        times[snapshot.venture_id] = next_due(snapshot, policy, now, mine, tz=tz)
    if context is not None:
        context.write(session)
    due_times.set_next(session, "reminder", times.items())
    return results


@dataclass
class _Context:
    """What `record` reads once for a batch (the people by email, the ventures by id, the
    people's active channels) and what it writes once for the batch (`write`): the
    `reminder_sent` rows in one statement, the outbox messages in one `enqueue_many`."""

    people: dict[str, t.Person]
    ventures: dict[str, t.Venture]
    channels: dict[int, list[int]]
    last_entry: t.AuditEntry | None = None  # the batch's latest audit entry
    sent_rows: list[dict[str, Any]] = field(default_factory=list)
    messages: list[tuple[VentureResult, outbox.Outgoing]] = field(default_factory=list)

    @classmethod
    def read(cls, session: Session, ids: Sequence[str]) -> _Context:
        people = {p.email: p for p in session.exec(select(t.Person))}
        ventures = {
            v.id: v
            for v in session.exec(
                select(t.Venture).where(queries.one_of(col(t.Venture.id))),
                params={"ids": list(ids)},
            )
        }
        return cls(people, ventures, active_channels(session, list(people.values())))

    def write(self, session: Session) -> None:
        """Write what `record` gathered; each venture's result counts the messages queued
        now (a message whose key is in the outbox already is not queued again)."""
        session.flush()  # the audit entries appended after the batch's first
        if self.sent_rows:
            session.execute(core_insert(_RS), self.sent_rows)
            self.sent_rows = []
        if self.messages:
            there = outbox.queued_keys(session, (m.key for _, m in self.messages))
            counted: set[str] = set()
            for result, message in self.messages:
                if message.key not in there and message.key not in counted:
                    counted.add(message.key)
                    result.messages += 1
            outbox.enqueue_many(session, (m for _, m in self.messages))
            self.messages = []


_RS = queries.table(t.ReminderSent)


def record(
    session: Session,
    venture_id: str,
    found: Sequence[Due],
    now: dt.datetime,
    result: VentureResult | None = None,
    *,
    context: _Context | None = None,
) -> VentureResult:
    """Write the reminders and escalations `found` for one venture: their `reminder_sent`
    rows, one audit entry, and their messages. Call inside a unit of work. With a
    `context` (a batch of the sweep), the rows and messages are written by its `write`."""
    result = result or VentureResult(venture_id)
    batch = context or _Context.read(session, [venture_id])
    venture = batch.ventures.get(venture_id)
    if venture is None:
        raise KeyError(f"no venture '{venture_id}'")
    people = batch.people
    # A translation's reminder is keyed by the translation's id as its ballot.
    translations = {
        d.ballot: session.get(t.Translation, d.ballot)
        for d in found
        if d.action is Action.TRANSLATE
    }
    described = [_describe(d, translations.get(d.ballot)) for d in found]
    # The sweep sets the venture's next reminder time itself (`_remind`): not marked.
    entry = audit.append(
        session,
        t.SYSTEM_ACTOR,
        AUDIT_ACTION,
        venture_id,
        {"sent": described},
        at=now,
        mark=context is None,
        last=batch.last_entry,
    )
    batch.last_entry = entry
    for item, words in zip(found, described, strict=True):
        person, recipient = people[item.person], people[item.to]
        assert person.id is not None
        assert recipient.id is not None
        batch.sent_rows.append(
            {
                "venture_id": venture_id,
                # A translation's: the venture's current gate, and the translation's id
                # as the ballot (its action, `translate`, keeps it apart from a vote's).
                "gate_id": item.gate_id,
                "ballot": item.ballot,
                "person_id": person.id,
                "action": item.action.value,
                "step": item.step,
                "kind": item.kind,
                "recipient_id": recipient.id,
                "deadline": item.deadline,
                "count": item.count,
                "audit_seq": entry.seq,
                "at": now,
            }
        )
        if item.kind == "reminder":
            result.reminders += 1
        else:
            result.escalations += 1
        result.details.append({"venture": venture_id, **words})
        translation = translations.get(item.ballot) if item.action is Action.TRANSLATE else None
        payload = _payload(session, venture, item, person, translation)
        copies = [
            Copy(supporter, person)
            for supporter in (people.get(email) for email in item.copies)
            if supporter is not None and supporter.active
        ]
        result.copies += len(copies)
        step = f"{item.person}:{item.action.value}:{item.step}"
        messages = messages_for(
            session,
            [recipient] if recipient.active else [],
            f"venture.{item.kind}",
            payload,
            key=f"{item.kind}:{step}",
            venture_id=item.venture_id,
            gate_id=item.gate_id,
            ballot=item.ballot if item.ballot and item.action is Action.VOTE else None,
            # Keyed by the reminder and (through the person) the supporter: one copy each.
            copies=copies,
            copy_key=f"copy:{step}",
            channels=batch.channels,
        )
        batch.messages += [(result, m) for m in messages]
    if context is None:
        batch.write(session)
    return result


def sweep(
    engine: Engine, now: dt.datetime | None = None, *, tz: dt.tzinfo | None = None
) -> SweepReport:
    """One reminder sweep, without Prefect (for `cyd remind`): the ventures whose reminder
    time has come, batch by batch; none on a damaged database
    (models.backup.DatabaseDamaged)."""
    from models.backup import require_sound

    require_sound(engine)
    at = now or utcnow()
    zone = tz or local_zone()
    report = SweepReport(now=at.isoformat())
    after: tuple[dt.datetime, str] | None = None
    while True:
        done = remind_due(engine, at, after, tz=zone)
        for result in done.results:
            report.add(result)
        if done.after is None:
            return report
        after = done.after


def _describe(item: Due, translation: t.Translation | None = None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "kind": item.kind,
        "to": item.to,
        "person": item.person,
        "action": item.action.value,
        "gate": item.gate_id,
        "ballot": item.ballot if item.ballot != NO_BALLOT else None,
        "step": item.step,
        "deadline": item.deadline.isoformat(),
        "days_left": item.days_left,
        "count": item.count,
    }
    if item.copies:  # only when there are: logs written before copies replay unchanged
        described["copies"] = list(item.copies)
    if translation is not None:
        # Named by what it is of, not by its row id (a database and its replay may number
        # them differently): the venture, the subject and the language asked for.
        described["ballot"] = None
        described["translation"] = {
            "subject": translation.subject,
            "language": translation.target_lang,
        }
    return described


def _payload(
    session: Session,
    venture: t.Venture,
    item: Due,
    person: t.Person,
    translation: t.Translation | None = None,
) -> dict[str, Any]:
    """What the `reminder` and `escalation` templates need (notifications/render.py)."""
    payload: dict[str, Any] = {
        "event": item.kind,
        "action": item.action.value,
        "venture": venture_ref(session, venture) | {"gate": item.gate_id},
        "deadline": item.deadline.isoformat(),
        "days_left": item.days_left,
        "group": False,
    }
    if item.kind == "reminder":
        payload["count"] = item.count
    elif item.action is not Action.TRANSLATE:
        payload["about"] = {"name": person.name, "email": person.email}
        payload["reminders"] = item.count
    else:  # to an admin, about the translation (governance.reminders)
        payload["reminders"] = item.count
    if translation is not None:
        payload |= _translation_payload(session, venture, item, translation)
    elif item.ballot != NO_BALLOT:
        payload["ballot"] = {"number": item.ballot, "deadline": item.deadline.isoformat()}
    return payload


def _translation_payload(
    session: Session, venture: t.Venture, item: Due, translation: t.Translation
) -> dict[str, Any]:
    """A translation's reminder or escalation: what to translate, from and into which
    language, and its number (for `cyd translate give N`). The venture's title is the one
    being translated, as written: the message is the translation's own, so it is neither
    held until the translation is given (`wait`) nor sent again with it (`resend`), and
    says nothing of a title on its way (services.translations reads `title_lang`)."""
    words: dict[str, Any] = {
        "venture": {"id": venture.id, "title": venture.title, "gate": item.gate_id},
        "translation": {
            "id": translation.id,
            "subject": translation.subject,
            "from": translation.source_lang,
            "to": translation.target_lang,
            "text": translation.source_text,
        },
    }
    if item.kind == "escalation":
        translators = session.exec(
            select(t.Person)
            .join(t.PersonRole, col(t.PersonRole.person_id) == col(t.Person.id))
            .where(t.PersonRole.role == Role.TRANSLATOR.value, col(t.Person.active))
            .order_by(col(t.Person.name))
        ).all()
        words["translators"] = [{"name": p.name, "email": p.email} for p in translators]
    return words
