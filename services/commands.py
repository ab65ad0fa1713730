"""What people do, recorded: start, answer, submit, extend, review, declare, vote, close.

Every command checks who is acting and whether the rules allow it (in the domain,
not only in the pages or the CLI), then records the action in one unit of work:
the state change, its audit entry and any outbox rows together, or nothing. A
refusal is recorded too (a `Denial` row and an audit entry, in a unit of work of
its own) and raised as `PermissionDenied`.

After a person's action is recorded, the venture is advanced as far as the rules
allow through the context's advancer (`services.advancing`: here, or handed to Prefect),
in units of work of its own; the command's `Outcome.advance` says which and why.
Should that stop half way, the next advance (another command, a flow, the sweep)
picks it up, because advancing is idempotent.

Every command is `models.db.retried`: a transient database fault (a lost connection, a
lock held too long) before its action is recorded runs the whole command again from
the start, a few times, then fails with `NotRecorded`; a fault after it is recorded is
raised as it is (the action is not done twice), and so is a commit whose outcome is
unknown (`CommitUnknown`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlmodel import Session, select

from checklists.answers import AnswerTextError, parse_answer_text
from checklists.evaluate import JUSTIFICATION_SUFFIX, check_answer, justification_item
from checklists.library import Library
from checklists.spec import ChecklistDefinition, Item
from governance.ballots import Choice
from governance.catalogue import Language, Param, text
from governance.lifecycle import Action, Refused, VentureState, transition
from governance.permissions import (
    Actor,
    Denied,
    Permission,
    VentureFacts,
    may_answer,
    may_answer_item,
    may_close_vote,
    may_declare,
    may_extend,
    may_reopen,
    may_resume,
    may_review,
    may_sign_off,
    may_start_venture,
    may_submit,
    may_support,
    may_vote,
    may_withdraw,
    may_withdraw_interest,
)
from governance.reasons import reason as governance_reason
from governance.reviews import Recommendation
from governance.standing import standing_votes
from governance.text_bounds import over_limit
from governance.working_days import end_of_working_day, working_day_on_or_after
from models import audit, queries
from models import tables as t
from models.db import read_session, retried, retrying, unit_of_work, utcnow
from models.history import supersede
from notifications.tell import tell
from services.advance import (
    AdvanceReport,
    current_gate_run,
    open_gate,
    pinned_checklists,
    sign_offs_required,
    standing_sign_offs,
)
from services.advancing import (
    Advanced,
    Advancer,
    advance_directly,
    advance_waiting,
    cannot_move,
)
from services.free_text import ANSWER, CONDITION, NOTE, request_text
from services.local_time import local_day
from services.people import (
    actor_for,
    board_people,
    programme_rules,
    venture_facts,
    workstream_people,
)
from services.rule_values import venture_interests, vote_closed_since_declared
from services.titles import TITLE_MAX, request_title, venture_ref
from services.working_calendar import working_calendar


class CommandError(Exception):
    """A person's mistake or a refusal: one clear sentence, nothing stored.

    `code` is stable (governance/catalogue.yaml) and `params` fill its texts:
    `str(error)` is the English one, `error.say("cy", easy_read=True)` any other.
    The texts never name a command-line option: the CLI adds its own hint by code.
    """

    def __init__(self, code: str, /, **params: Param) -> None:
        super().__init__(text(code, "en", params))
        self.code = code
        self.params: dict[str, Param] = params

    def say(self, language: Language, easy_read: bool = False) -> str:
        return text(self.code, language, self.params, easy_read)


class NotFound(CommandError):
    pass


class PermissionDenied(CommandError):
    """The rules refused: `code` is the `Denied` code (governance.permissions), and
    the English sentence is the one the denial gave (and the audit log recorded)."""

    def __init__(self, denied: Denied) -> None:
        Exception.__init__(self, denied.reason)
        self.code = denied.code
        self.params = dict(denied.params)


class InvalidAnswer(CommandError):
    """An answer the item does not accept, with the checklist's own reason (en and cy)."""

    def __init__(self, item_id: str, en: str, cy: str) -> None:
        super().__init__("invalid-answer", item=item_id, reason={"en": en, "cy": cy})
        self.item_id, self.en, self.cy = item_id, en, cy


class InvalidAnswers(CommandError):
    """Several answers given together, some invalid: each one's reason; nothing stored."""

    def __init__(self, problems: list[InvalidAnswer]) -> None:
        super().__init__(
            "answers-invalid", count=len(problems), items=", ".join(p.item_id for p in problems)
        )
        self.problems = problems


@dataclass
class Cyd:
    """What every command needs: the database, the definitions, and the clock."""

    engine: Engine
    library: Library
    clock: Callable[[], dt.datetime] = utcnow
    # Set False to record actions without advancing (replay, tests of the sweep).
    advance_after: bool = True
    # How a recorded action advances its venture (`services.advancing`): here and now
    # by default; the outer layers choose by CYD_ORCHESTRATION (`flows.trigger`).
    advancer: Advancer = advance_directly

    def advance(self, venture_id: str) -> Advanced:
        """Take the venture as far as the rules allow, the way this context says."""
        return self.advancer(self.engine, self.library, venture_id, self.clock())


@dataclass
class Outcome:
    venture_id: str
    message: str
    advance: Advanced | None = None  # None: recorded without advancing, or refused early
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def advanced(self) -> AdvanceReport | None:
        """Where the venture stands after advancing, when this process knows it."""
        return self.advance.report if self.advance is not None else None

    @property
    def handed(self) -> bool:
        return self.advance is not None and self.advance.handed

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"venture": self.venture_id, "message": self.message}
        data |= self.details
        if self.advanced is not None:
            data["state"] = self.advanced.state
            data["gate"] = self.advanced.gate_id
            data["advanced"] = self.advanced.rounds
        if self.handed:
            data["advance"] = "prefect-event"
        return data


class _Refusal(Exception):
    def __init__(self, denied: Denied) -> None:
        self.denied = denied


# --- plumbing ----------------------------------------------------------------------------


def _person(session: Session, email: str) -> t.Person:
    person = queries.person_by_email(session, email)
    if person is None or not person.active:
        raise NotFound("person-not-found", email=email)
    return person


def _venture(session: Session, venture_id: str) -> t.Venture:
    venture = session.get(t.Venture, venture_id)
    if venture is None:
        raise NotFound("venture-not-found", venture=venture_id)
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
        record_denial(cyd.engine, action, actor, venture_id, refusal.denied, cyd.clock())


def record_denial(
    engine: Engine,
    action: str,
    actor: str,
    venture_id: str | None,
    denied: Denied,
    now: dt.datetime,
    *,
    subject: str | None = None,
) -> NoReturn:
    """A refusal: a `Denial` row and an audit entry in a unit of work of their own
    (the refused action's was rolled back), then raised as `PermissionDenied`.
    `subject`: what else the action was about (an idea's id), for the replay to try
    the same again."""
    with unit_of_work(engine) as session:
        known = venture_id if venture_id and session.get(t.Venture, venture_id) else None
        session.add(
            t.Denial(
                at=now,
                actor=actor,
                action=action,
                venture_id=known,
                reason=denied.reason,
                details={"code": denied.code, "params": dict(denied.params)},
            )
        )
        audit.append(
            session,
            actor,
            "denied",
            known,
            {
                "action": action,
                "code": denied.code,
                "reason": denied.reason,
                **({"subject": subject} if subject else {}),
            },
            at=now,
        )
    raise PermissionDenied(denied)


def _advance(cyd: Cyd, venture_id: str, *, left: tuple[str, str] | None = None) -> Advanced | None:
    """Advance the venture after an action. `left`: the venture's state and gate as the
    action committed them; where the rules prove it cannot move in that state (an answer
    to a draft), no advance is run, nor handed on (`services.advancing.cannot_move`)."""
    if not cyd.advance_after:
        return None
    if left is not None:
        settled = cannot_move(venture_id, *left)
        if settled is not None:
            return settled
    # Advancing is idempotent: after a transient fault it is run again by itself (the
    # action before it is recorded, and is not).
    return retrying(lambda: cyd.advance(venture_id))


def _move(venture: t.Venture, action: Action) -> VentureState:
    target = transition(VentureState(venture.state), action)
    if isinstance(target, Refused):
        raise CommandError(target.code, **target.params)
    venture.state = target.value
    return target


# --- commands ----------------------------------------------------------------------------


@retried
def start_venture(
    cyd: Cyd,
    *,
    workstream: str,
    title: str,
    lead: str,
    gate: str | None = None,
    title_lang: str | None = None,
    title_other: str | None = None,
) -> Outcome:
    """Start a venture at its first gate (or `gate`). The title is written in
    `title_lang` (by default the lead's chosen language, else English); `title_other`
    is the same title in the other language, if the lead gives it: if not, the
    translators are asked for it (services.titles)."""
    title = " ".join(title.split())
    other = " ".join(title_other.split()) if title_other else None
    if not title:
        raise CommandError("title-missing")
    for written in (title, other or ""):
        if len(written) > TITLE_MAX:
            raise CommandError("title-too-long", most=TITLE_MAX)
        _storable(written)
    if title_lang is not None and title_lang not in ("en", "cy"):
        raise CommandError("title-language-unknown", given=title_lang)
    now = cyd.clock()
    with _command(cyd, "venture.start", lead, None) as session:
        venture_id, gate_id = start_in(
            cyd,
            session,
            workstream=workstream,
            title=title,
            lead=lead,
            gate=gate,
            title_lang=title_lang,
            title_other=other,
            now=now,
        )
    return Outcome(
        venture_id, f"started {venture_id} at gate {gate_id}", details={"id": venture_id}
    )


def start_in(
    cyd: Cyd,
    session: Session,
    *,
    workstream: str,
    title: str,
    lead: str,
    now: dt.datetime,
    gate: str | None = None,
    title_lang: str | None = None,
    title_other: str | None = None,
    idea: str | None = None,
) -> tuple[str, str]:
    """Start a venture in the caller's unit of work (`start_venture`, or an idea's
    adoption, which starts one in the same unit of work as its answer); its id.
    `title` and `title_other` already checked. `idea`: the idea it came from, in the
    audit entry (the idea's own entry says the rest). Its id and first gate."""
    other = title_other
    person = _person(session, lead)
    stream = session.get(t.Workstream, workstream)
    if stream is None:
        raise NotFound("workstream-not-found", workstream=workstream)
    actor = actor_for(session, person)
    members = [p.email for p in workstream_people(session, workstream)]
    _check(may_start_venture(actor, members))
    rules = programme_rules(session)
    gate_id = gate or _first_gate(session, cyd.library)
    try:
        decision_rule = cyd.library.gate(gate_id).decision_rule
    except KeyError:
        known = ", ".join(sorted({g.id for g in cyd.library.latest_gates()})) or "none"
        raise NotFound("gate-not-found", gate=gate_id, known=known) from None
    if decision_rule not in rules:
        raise CommandError("rule-not-in-programme", rule=decision_rule)
    assert person.id is not None
    if title_lang is None:
        title_lang = person.language if person.language_asked_on is not None else "en"
    venture = t.Venture(
        id=queries.next_venture_id(session),
        workstream_id=workstream,
        title=title,
        title_lang=title_lang,
        title_other=other,
        lead_id=person.id,
        state=VentureState.DRAFT.value,
        gate_id=gate_id,
        created_at=now,
        updated_at=now,
    )
    session.add(venture)
    session.flush()
    gate_run = open_gate(session, venture, cyd.library, gate_id, rules, now)
    titles: dict[str, Any] = {"title_lang": title_lang}
    if other:
        titles["title_other"] = other
    else:
        titles["translation_due"] = request_title(session, venture, now).due_at.isoformat()
    audit.append(
        session,
        person.email,
        "venture.started",
        venture.id,
        {
            **titles,
            "workstream": workstream,
            "title": title,
            "lead": person.email,
            "gate": gate_id,
            "gate_version": gate_run.gate_version,
            "checklists": [{"id": c["id"], "version": c["version"]} for c in gate_run.checklists],
            "decision_rule": gate_run.decision_rule_snapshot,
            **({"idea": idea} if idea else {}),
        },
        at=now,
    )
    return venture.id, gate_id


def _first_gate(session: Session, library: Library) -> str:
    from services.programme_import import current_programme

    gates = current_programme(session).gates
    return gates[0] if gates else library.gate_chain()[0].id


def find_item(checklists: tuple[ChecklistDefinition, ...], ref: str) -> tuple[str, Item]:
    """An item by id, or by 'checklist-id/item-id' when two checklists share an id.

    'item-id.justification' is the justification of an item that accepts one
    (checklists.evaluate.justification_item): it is answered like any text item."""
    wanted_checklist, _, item_id = ref.rpartition("/")
    base_id = item_id.removesuffix(JUSTIFICATION_SUFFIX)
    found: list[tuple[str, Item]] = []
    for c in checklists:
        if wanted_checklist and c.id != wanted_checklist:
            continue
        for item in c.items():
            wanted = item if base_id == item_id else justification_item(item)
            if item.id == base_id and wanted is not None:
                found.append((c.id, wanted))
    if not found:
        names = ", ".join(c.id for c in checklists)
        raise NotFound("item-not-found", item=ref, checklists=names)
    if len(found) > 1:
        raise CommandError("item-ambiguous", item=ref, item_id=item_id)
    return found[0]


@retried
def answer(
    cyd: Cyd,
    venture_id: str,
    item_ref: str,
    value: Any,
    *,
    by: str,
    assisted: int | None = None,
) -> Outcome:
    """Record an answer (text as typed, or an already-typed value); history is kept.
    `assisted`: the id of the answer a clerk recorded for `by`, which this confirms."""
    try:
        outcome = answer_many(cyd, venture_id, {item_ref: value}, by=by, assisted=assisted)
    except InvalidAnswers as refused:
        [problem] = refused.problems  # one answer given: one reason
        raise problem from None
    [(item_id, recorded)] = outcome.details.pop("items").items()
    outcome.message = f"{item_id}: {recorded}"
    outcome.details["item"] = item_id
    return outcome


@retried
def answer_many(
    cyd: Cyd,
    venture_id: str,
    answers: Mapping[str, Any],
    *,
    by: str,
    assisted: int | None = None,
) -> Outcome:
    """Record several answers at once (a page of a checklist): all or nothing.

    One unit of work, one audit entry per changed answer (so the log reads, and
    replays, as the same answers given one by one), one advance after it. Every
    invalid answer is reported together (`InvalidAnswers`, each with its reason in
    English and Welsh) and then nothing is stored; unchanged answers are left alone.
    """
    if not answers:
        raise CommandError("answers-missing")
    now = cyd.clock()
    recorded: dict[str, str] = {}
    stale: dict[str, list[int]] = {}
    with _command(cyd, "venture.answer", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        actor = actor_for(session, person)
        facts = venture_facts(session, venture)
        _check(may_answer(actor, facts))
        gate_run = current_gate_run(session, venture)
        pinned = pinned_checklists(session, gate_run)
        checked: list[tuple[str, Item, Any]] = []
        problems: list[InvalidAnswer] = []
        for ref, value in answers.items():
            checklist_id, item = find_item(pinned, ref)
            _check(may_answer_item(actor, facts, item.audience))
            if any(c == checklist_id and i.id == item.id for c, i, _ in checked):
                raise CommandError("item-answered-twice", item=item.id)
            try:
                checked.append((checklist_id, item, _valid(item, value, local_day(now))))
            except InvalidAnswer as problem:
                problems.append(problem)
        if problems:
            raise InvalidAnswers(problems)
        recorded_by = (
            _confirm_assisted(session, assisted, person, venture, "answer", None, now)
            if assisted is not None
            else {}
        )
        for checklist_id, item, value in checked:
            made_stale = _record_answer(
                session,
                venture,
                person,
                actor,
                facts,
                gate_run,
                checklist_id,
                item,
                value,
                now,
                recorded_by,
            )
            recorded[item.id] = "unchanged" if made_stale is None else "recorded"
            for key, ids in (made_stale or {}).items():
                stale.setdefault(key, []).extend(ids)
        left = (venture.state, venture.gate_id)
    changed = [i for i, what in recorded.items() if what == "recorded"]
    message = f"{len(changed)} of {len(recorded)} answer(s) recorded"
    details: dict[str, Any] = {"items": recorded, **stale}
    # Nothing changed, nothing to advance: as before, an unchanged answer moves nothing.
    advanced = _advance(cyd, venture_id, left=left) if changed else None
    return Outcome(venture_id, message, advanced, details)


def _valid(item: Item, value: Any, today: dt.date) -> Any:
    """The answer as stored (text as typed is parsed), or InvalidAnswer. `today`: the
    programme's local day, which a date's relative bounds count from."""
    if isinstance(value, str):
        try:
            value = parse_answer_text(item, value)
        except AnswerTextError as exc:
            raise InvalidAnswer(item.id, exc.reason.en, exc.reason.cy) from None
    reason = check_answer(item, value, today)
    if reason is not None:
        raise InvalidAnswer(item.id, reason.en, reason.cy)
    return value


def _record_answer(
    session: Session,
    venture: t.Venture,
    person: t.Person,
    actor: Actor,
    facts: VentureFacts,
    gate_run: t.GateRun,
    checklist_id: str,
    item: Item,
    value: Any,
    now: dt.datetime,
    recorded_by: Mapping[str, Any] | None = None,
) -> dict[str, list[int]] | None:
    """One answer, as if given alone: the stale reviews and votes it made (None: the
    answer was already so)."""
    current = queries.current_answer(session, venture.id, venture.gate_id, checklist_id, item.id)
    if current is not None and current.value == value:
        return None
    state = VentureState(venture.state)
    if state in (VentureState.RETURNED, VentureState.RECYCLED):
        _check(may_reopen(actor, facts))
        _move(venture, Action.REOPEN)  # editing a returned venture reopens it
    stale = _mark_stale(session, venture, now) if state in _REVIEWED else {}
    voided = _void_sign_offs(session, venture, now)
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
    if item.answer.type == "text" and isinstance(value, str):
        request_text(session, venture.id, ANSWER, person, value, now)
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
            **(recorded_by or {}),
            **({"sign_offs_voided": voided} if voided else {}),
        },
        at=now,
    )
    return stale


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
        if ballot is not None and not queries.ballot_decided(session, ballot)
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


def _void_sign_offs(session: Session, venture: t.Venture, now: dt.datetime) -> list[str]:
    """An answer changed: the sign-offs given so far no longer confirm what the
    checklist says (the emails of those voided)."""
    voided = []
    for row in standing_sign_offs(session, venture):
        row.voided_at = now
        session.add(row)
        voided.append(_email(session, row.person_id))
    return voided


@retried
def sign_off(cyd: Cyd, venture_id: str, *, by: str) -> Outcome:
    """A co-producer with lived experience confirms "this checklist says what we
    agreed" (the gate's `sign_off` asks for some before submission). Signing again,
    with nothing changed since, records nothing new."""
    now = cyd.clock()
    with _command(cyd, "checklist.sign-off", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_sign_off(actor_for(session, person), venture_facts(session, venture)))
        assert person.id is not None
        if any(r.person_id == person.id for r in standing_sign_offs(session, venture)):
            return Outcome(venture_id, "already signed off: nothing has changed since", None)
        session.add(
            t.SignOff(venture_id=venture.id, gate_id=venture.gate_id, person_id=person.id, at=now)
        )
        audit.append(
            session,
            person.email,
            "checklist.signed-off",
            venture.id,
            {"gate": venture.gate_id},
            at=now,
        )
    return Outcome(venture_id, "signed off", None)


@dataclass(frozen=True)
class SignOffs:
    """What a gate asks for before submission, and the sign-offs standing."""

    required: int  # 0: the gate asks for none
    standing: tuple[tuple[str, str, dt.datetime], ...]  # (email, name, when), first first

    @property
    def enough(self) -> bool:
        return len(self.standing) >= self.required


def sign_offs(engine: Engine, library: Library, venture_id: str) -> SignOffs:
    """The venture's current gate's sign-offs (NotFound for an unknown venture)."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        required = sign_offs_required(session, venture, library)
        standing = []
        for row in standing_sign_offs(session, venture):
            who = session.get(t.Person, row.person_id)
            if who is not None:
                standing.append((who.email, who.name, row.at))
    return SignOffs(required, tuple(standing))


@retried
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


@retried
def extend(cyd: Cyd, venture_id: str, *, until: dt.date, by: str, reason: str) -> Outcome:
    """More time: the open vote's deadline if there is one, else the venture's."""
    reason = " ".join(reason.split())
    if not reason:
        raise CommandError("extend-reason-missing")
    _within("reason", reason)
    now = cyd.clock()
    # People give a date, not a moment: the end of that working day (17:00 local), or of
    # the next one when the date is a weekend or a bank holiday.
    calendar = working_calendar(until)
    until = working_day_on_or_after(until, calendar.holidays)
    new_deadline = end_of_working_day(until, calendar.tz)
    if new_deadline <= now:
        raise CommandError("date-not-future", date=until.isoformat())
    with _command(cyd, "venture.extend", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_extend(actor_for(session, person), venture_facts(session, venture)))
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        open_ballot = ballot is not None and ballot.closed_at is None
        current = ballot.deadline if ballot is not None and open_ballot else venture.deadline
        if current is not None and new_deadline <= current:
            raise CommandError("deadline-not-later", date=current.date().isoformat())
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
    board = {p.email: p for p, _ in board_people(session)}
    standing = standing_votes(
        board, venture_interests(session, venture.id), lead.email if lead else None
    )
    people = [p for email, p in board.items() if email in standing]
    tell(
        session,
        [*people, *([lead] if lead is not None else [])],
        "venture.vote-extended",
        {
            "event": "vote-extended",
            "venture": venture_ref(session, venture),
            "state": venture.state,
            "group": True,
            "audit_seq": entry.seq,
            "audit_head": entry.hash,
            "ballot": {"number": ballot.number, "deadline": ballot.deadline.isoformat()},
            "extended_by": {"name": by.name},
            "reasons": [governance_reason("deadline-extended", reason=reason).as_json()],
        },
        key=f"audit:{entry.seq}",
        venture_id=venture.id,
        gate_id=venture.gate_id,
        ballot=ballot.number,
    )


def _within(what: str, text: str | None) -> None:
    """CommandError when `text` is longer than its kind may be (governance.text_bounds):
    before anything is stored, the same on every database."""
    most = over_limit(what, text)
    if most is not None:
        raise CommandError("text-over-limit", what=what, most=most)
    _storable(text)


def _storable(text: str | None) -> None:
    """PostgreSQL cannot store the NUL character in text, where SQLite can: refused on
    both, so that the same input gives the same answer on every database."""
    if text is not None and "\x00" in text:
        raise CommandError("text-nul")


@retried
def record_review(
    cyd: Cyd, venture_id: str, *, by: str, recommend: str, note: str | None = None
) -> Outcome:
    _within("note", note)
    try:
        recommendation = Recommendation(recommend)
    except ValueError:
        raise CommandError("recommendation-unknown") from None
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
        request_text(session, venture.id, NOTE, person, note, now)
        audit.append(
            session,
            person.email,
            "review.recorded",
            venture.id,
            {"gate": venture.gate_id, "recommend": recommendation.value, "note": note},
            at=now,
        )
    return Outcome(venture_id, f"recommended {recommendation.value}", _advance(cyd, venture_id))


@retried
def declare_interest(cyd: Cyd, venture_id: str, *, member: str, interest: str) -> Outcome:
    interest = " ".join(interest.split())
    if not interest:
        raise CommandError("interest-missing")
    _within("interest", interest)
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


@retried
def withdraw_interest(
    cyd: Cyd, venture_id: str, *, member: str, reason: str | None = None
) -> Outcome:
    """A member takes back their declarations of interest in the venture (made by
    mistake) before the vote closes: they take part in the decision again. The rows
    go; the audit entry keeps what was declared, and why it was taken back."""
    why = " ".join((reason or "").split())
    _within("reason", why)
    now = cyd.clock()
    with _command(cyd, "board.withdraw-interest", member, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, member)
        closed = vote_closed_since_declared(session, venture, person.id)
        _check(
            may_withdraw_interest(
                actor_for(session, person),
                venture_facts(session, venture),
                venture_interests(session, venture.id),
                vote_closed=closed,
            )
        )
        rows = session.exec(
            select(t.Interest)
            .where(t.Interest.venture_id == venture.id)
            .where(t.Interest.member_id == person.id)
        ).all()
        withdrawn = [row.text for row in rows]
        for row in rows:
            session.delete(row)
        audit.append(
            session,
            person.email,
            "interest.withdrawn",
            venture.id,
            {"interests": withdrawn, "reason": why},
            at=now,
        )
    return Outcome(
        venture_id,
        "interest withdrawn: the member takes part in this decision again",
        _advance(cyd, venture_id),
    )


@retried
def vote(
    cyd: Cyd,
    venture_id: str,
    *,
    member: str,
    choice: str,
    reason: str | None = None,
    supported_by: str | None = None,
    assisted: int | None = None,
) -> Outcome:
    """The member's vote. `assisted`: the id of the vote a clerk recorded for them, which
    this confirms (services.assisted): the same rules, and the entry names the clerk."""
    try:
        chosen = Choice(choice)
    except ValueError:
        options = ", ".join(c.value for c in Choice)
        raise CommandError("choice-unknown", options=options) from None
    if chosen is Choice.APPROVE_WITH_CONDITIONS and not (reason and reason.strip()):
        raise CommandError("conditions-missing")
    _within("conditions" if chosen is Choice.APPROVE_WITH_CONDITIONS else "reason", reason)
    now = cyd.clock()
    with _command(cyd, "board.vote", member, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, member)
        actor = actor_for(session, person)
        interests = venture_interests(session, venture.id)
        _check(may_vote(actor, venture_facts(session, venture), interests))
        supporter_id = None
        if supported_by:
            supporter = _person(session, supported_by)
            _check(may_support(actor_for(session, supporter), actor))
            supporter_id = supporter.id
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        if ballot is None or queries.ballot_decided(session, ballot):
            raise CommandError("no-open-vote")
        assert person.id is not None
        recorded = (
            _confirm_assisted(session, assisted, person, venture, "vote", ballot.number, now)
            if assisted is not None
            else {}
        )
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
        if chosen is Choice.APPROVE_WITH_CONDITIONS:
            request_text(session, venture.id, CONDITION, person, reason, now)
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
                **recorded,
            },
            at=now,
        )
    return Outcome(venture_id, f"vote recorded: {chosen.value}", _advance(cyd, venture_id))


def _confirm_assisted(
    session: Session,
    assisted: int,
    person: t.Person,
    venture: t.Venture,
    kind: str,
    ballot: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """Mark what a clerk recorded for `person` as confirmed, in the unit of work of the
    vote or answer it becomes: both happen, or neither. What the audit entry adds: who
    recorded it, and which recorded action it was."""
    row = session.get(t.AssistedAction, assisted)
    if row is None or row.for_id != person.id or row.venture_id != venture.id or row.kind != kind:
        raise NotFound("assisted-not-found", id=assisted)
    if row.status != "pending":
        raise CommandError("assisted-not-pending", status=row.status)
    if row.gate_id != venture.gate_id or (ballot is not None and row.ballot != ballot):
        raise CommandError("assisted-out-of-date")
    row.status = "confirmed"
    row.decided_at = now
    session.add(row)
    return {"recorded_by": _email(session, row.recorded_by_id), "assisted": assisted}


def _email(session: Session, person_id: int) -> str:
    person = session.get(t.Person, person_id)
    return person.email if person else ""


@retried
def close_vote(cyd: Cyd, venture_id: str, *, by: str) -> Outcome:
    now = cyd.clock()
    with _command(cyd, "board.close", by, venture_id) as session:
        venture = _venture(session, venture_id)
        person = _person(session, by)
        _check(may_close_vote(actor_for(session, person), venture_facts(session, venture)))
        ballot = queries.latest_ballot(session, venture.id, venture.gate_id)
        if ballot is None or queries.ballot_decided(session, ballot):
            raise CommandError("no-open-vote")
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


@retried
def withdraw(cyd: Cyd, venture_id: str, *, by: str, reason: str) -> Outcome:
    """The lead (or an admin) stops the venture; final."""
    reason = " ".join(reason.split())
    if not reason:
        raise CommandError("withdraw-reason-missing")
    _within("reason", reason)
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
        left = (venture.state, venture.gate_id)
    return Outcome(venture_id, "withdrawn", _advance(cyd, venture_id, left=left))


@retried
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


@retried
def advance_open(cyd: Cyd, *, limit: int | None = None) -> list[Advanced]:
    """Every venture waiting for the rules (not only for a person), through the
    context's advancer: what `cyd venture advance` does with no venture named."""
    return advance_waiting(
        cyd.engine, cyd.library, cyd.clock(), cyd.advancer, limit=limit, only_due=False
    )
