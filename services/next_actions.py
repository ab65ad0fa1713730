"""A person's next actions: everything they should do now or soon, by when and why.

`next_actions(engine, library, person_email, now)` reads the open ventures that
concern the person (or the person they support) in a fixed handful of queries,
however many ventures there are, and asks the rules (`governance.next_actions`,
which reuse the reminder rules' deadlines and who has not acted) who must act.
A supporter is given what the person they support must do, marked `on_behalf_of`.
`action.words(language, easy_read, zone)` writes a next action in English, Welsh or
Easy Read from the catalogue (services/wording.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, Engine, Row, Select, String, bindparam, cast, false, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session

from checklists.library import Library
from checklists.spec import ChecklistDefinition
from governance.catalogue import TIMEZONE, Language
from governance.lifecycle import VentureState
from governance.next_actions import (
    ActionFacts,
    Owed,
    SummaryFacts,
    Waiting,
    owed,
    summary_actions,
    to_confirm,
    to_translate,
    with_supporters,
)
from governance.permissions import BOARD_ROLES, Role
from governance.reminders import ReminderSnapshot
from models import queries
from models import tables as t
from models.db import read_session
from services.advance import gate_definition, pinned_from_text
from services.assisted import to_confirm_facts
from services.commands import NotFound
from services.reminders import load_snapshots, reminder_policy
from services.wording import action_words

S = VentureState
_ANSWERING = frozenset({S.DRAFT.value, S.RETURNED.value, S.RECYCLED.value})
_OPEN = (*_ANSWERING, S.IN_REVIEW.value, S.AWAITING_BOARD.value, S.ON_HOLD.value)


@dataclass(frozen=True)
class NextAction:
    """One thing to do: its kind, the venture, by when, and why (a code and its params)."""

    kind: str  # governance.next_actions.Kind
    venture_id: str
    venture_title: str
    gate_id: str
    state: str
    deadline: dt.datetime | None  # None: no date set (a draft without a deadline)
    overdue: bool
    reason: str  # a stable code (governance.next_actions)
    params: dict[str, Any] = field(default_factory=dict)
    on_behalf_of: str | None = None  # a supporter's: the email of the person it is for
    on_behalf_of_name: str | None = None  # and their name
    # The language the venture's title was written in, and the title in the other
    # language once given (services.overview says why).
    title_language: str = "en"
    title_other: str | None = None

    def words(self, language: Language, easy_read: bool = False, zone: dt.tzinfo = TIMEZONE) -> str:
        """What to do, why, by when (a day in `zone`, the programme's) and for whom,
        in `language` (Easy Read if asked)."""
        return action_words(self, language, easy_read, zone)


def next_actions(
    engine: Engine,
    library: Library,
    person_email: str,
    now: dt.datetime,
    *,
    venture_id: str | None = None,
) -> list[NextAction]:
    """What `person_email` should do now or soon, soonest deadline first (undated
    last); only about `venture_id`, if given (a venture's own page). NotFound for
    someone not (or no longer) in the programme.

    The checklists come pinned with each venture's gate; `library` gives the gates
    (whether a gate asks co-producers to sign off)."""
    with read_session(engine) as session:
        person = queries.person_row(session, person_email)
        if person is None or not person.active or person.id is None:
            raise NotFound("person-not-found", email=person_email)
        people = [person.id]
        helped = None
        if person.supports_person_id is not None:
            people.append(person.supports_person_id)
            helped = queries.first(session, queries.PERSON_BY_ID, id=person.supports_person_id)
        ventures, languages, roles = _concerning(session, people, venture_id)
        # What clerks recorded for the person, theirs alone to confirm (never a
        # supporter's copy: the confirmation page is the person's own).
        recorded = [
            r
            for r in to_confirm_facts(session, person.id)
            if venture_id is None or r.venture_id == venture_id
        ]
        for r in recorded:
            if r.venture_id not in ventures:
                ventures[r.venture_id], languages[r.venture_id] = _venture_and_language(
                    session, r.venture_id
                )
        # A translator's: every title waiting for its other language (theirs alone, as
        # a confirmation is: a supporter's copy is for the venture's own actions).
        # (The roles read already hold a supported person's: asked again, the person's
        # own, only when one of them is a translator.)
        translator = Role.TRANSLATOR.value in roles and Role.TRANSLATOR.value in _own(
            session, person.id
        )
        waiting = _waiting(session, venture_id) if translator else []
        of_translations = {
            w.venture_id: _venture_and_language(session, w.venture_id)
            for w in waiting
            if w.venture_id not in ventures
        }
        if not ventures and not of_translations:
            return []
        policy = reminder_policy(session)
        snapshots = load_snapshots(session, list(ventures), all_open=True) if ventures else []
        facts = _facts(session, ventures, snapshots, library)
        summaries = _summaries(session, ventures)
        for vid, (row, language) in of_translations.items():
            ventures[vid], languages[vid] = row, language
    # Every snapshot holds the programme's supporters: the first one's will do.
    supporters = snapshots[0].supporters if snapshots else frozenset()
    found = with_supporters(
        (*(o for f in facts for o in owed(f, policy, now)), *summary_actions(summaries)),
        supporters,
    )
    found = (*found, *to_confirm(recorded), *to_translate(waiting, [person.email]))
    mine = sorted((o for o in found if o.person == person.email), key=Owed.sort_key)
    helped_name = helped.name if helped is not None else None
    return [
        _action(o, ventures[o.venture_id], languages[o.venture_id], helped_name, now) for o in mine
    ]


# The statements of this read, built once (models/queries.py says why).
_PEOPLE: BindParameter[Any] = bindparam("people", expanding=True)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_PR = queries.table(t.PersonRole)
_V = queries.table(t.Venture)
_P = queries.PERSON
_RA = queries.table(t.ReviewerAssignment)
_WM = queries.table(t.WorkstreamMember)
_A = queries.table(t.Answer)
_GR = queries.table(t.GateRun)
_ROLES = sa_select(_PR.c.role).where(_PR.c.person_id.in_(_PEOPLE))
_MEMBERS = (
    sa_select(_WM.c.workstream_id, _P.c.email, _P.c.lived_experience)
    .join(_P, _P.c.id == _WM.c.person_id)
    .where(_WM.c.workstream_id.in_(bindparam("streams", expanding=True)))
    .where(_P.c.active)
)
_ANSWERS = sa_select(
    _A.c.venture_id, _A.c.gate_id, _A.c.checklist_id, _A.c.item_id, _A.c.value
).where(_A.c.venture_id.in_(_IDS), _A.c.is_current)
# The pins as stored text, not decoded (`_pinned` decodes each distinct set once).
_PINS = sa_select(
    _GR.c.venture_id, _GR.c.gate_id, cast(_GR.c.checklists, String), _GR.c.gate_version
).where(_GR.c.venture_id.in_(_IDS))
_SO = queries.table(t.SignOff)
# The sign-offs standing (no changed answer voided them), by who gave them.
_SIGN_OFFS = (
    sa_select(_SO.c.venture_id, _SO.c.gate_id, _P.c.email)
    .join(_P, _P.c.id == _SO.c.person_id)
    .where(_SO.c.venture_id.in_(_IDS), _SO.c.voided_at.is_(None))
)


@functools.cache
def _concerning_statement(on_board: bool, chair: bool, one: bool) -> Select[Any]:
    """The open ventures the people in `people` may have something to do about."""
    state = _V.c.state
    reviewing = sa_select(_RA.c.venture_id).where(_RA.c.reviewer_id.in_(_PEOPLE))
    member_of = sa_select(_WM.c.workstream_id).where(_WM.c.person_id.in_(_PEOPLE))
    statement = (
        sa_select(_V, _P.c.language)
        .join(_P, _P.c.id == _V.c.lead_id)
        .where(state.in_(_OPEN))
        .where(
            or_(
                _V.c.lead_id.in_(_PEOPLE),
                _V.c.workstream_id.in_(member_of) & state.in_(_ANSWERING),
                _V.c.id.in_(reviewing) & (state == S.IN_REVIEW.value),
                (state == S.AWAITING_BOARD.value) if on_board else false(),
                (state == S.ON_HOLD.value) if chair else false(),
            )
        )
        .order_by(_V.c.id)
    )
    if one:
        statement = statement.where(_V.c.id == bindparam("venture_id"))
    return statement


def _concerning(
    session: Session, people: list[int], venture_id: str | None = None
) -> tuple[dict[str, Row[Any]], dict[str, str], set[str]]:
    """The open ventures these people may have something to do about (or only that one),
    by id (rows of the venture table), the language of each one's lead, and the roles
    of these people."""
    roles = {role for (role,) in queries.rows(session, _ROLES, people=people)}
    on_board = bool(roles & {r.value for r in BOARD_ROLES})
    chair = Role.CHAIR.value in roles
    statement = _concerning_statement(on_board, chair, venture_id is not None)
    params: dict[str, Any] = {"people": people}
    if venture_id is not None:
        params["venture_id"] = venture_id
    found = queries.rows(session, statement, **params)
    return {v.id: v for v in found}, {v.id: v.language for v in found}, roles


_T = queries.table(t.Translation)
_WAITING = (
    sa_select(_T.c.id, _T.c.venture_id, _T.c.target_lang, _T.c.due_at, _T.c.subject)
    .where(_T.c.done_at.is_(None))
    .order_by(_T.c.due_at, _T.c.id)
)
_OWN_ROLES = sa_select(_PR.c.role).where(_PR.c.person_id == bindparam("person"))


def _own(session: Session, person_id: int) -> set[str]:
    return {role for (role,) in queries.rows(session, _OWN_ROLES, person=person_id)}


def _waiting(session: Session, venture_id: str | None) -> list[Waiting]:
    """The translations waiting (about `venture_id` only, if given)."""
    return [
        Waiting(n, v, to, due, subject)
        for n, v, to, due, subject in queries.rows(session, _WAITING)
        if venture_id is None or v == venture_id
    ]


_ERS = queries.table(t.EasyReadSummary)
_WRITER = _P.alias("writer")
_CHECKER = _P.alias("checker")
_LEADER = _P.alias("leader")
# The summaries of these ventures, newest first, with who wrote and who checked them.
_SUMMARIES = (
    sa_select(
        _ERS.c.venture_id,
        _ERS.c.verdict,
        _ERS.c.check_note,
        _WRITER.c.email,
        _CHECKER.c.name,
        _LEADER.c.email,
    )
    .join(_V, _V.c.id == _ERS.c.venture_id)
    .join(_LEADER, _LEADER.c.id == _V.c.lead_id)
    .join(_WRITER, _WRITER.c.id == _ERS.c.written_by)
    .outerjoin(_CHECKER, _CHECKER.c.id == _ERS.c.checked_by)
    .where(_ERS.c.venture_id.in_(_IDS))
    .order_by(_ERS.c.venture_id, _ERS.c.id.desc())
)


def _summaries(session: Session, ventures: dict[str, Row[Any]]) -> list[SummaryFacts]:
    """The Easy Read summary in force of each venture that has one (the newest)."""
    if not ventures:
        return []
    newest: dict[str, tuple[Any, ...]] = {}
    for row in queries.rows(session, _SUMMARIES, ids=list(ventures)):
        newest.setdefault(row[0], tuple(row))
    if not newest:
        return []
    streams = sorted({ventures[v].workstream_id for v in newest})
    members: dict[str, set[str]] = defaultdict(set)
    for stream, email, _lived in queries.rows(session, _MEMBERS, streams=streams):
        members[stream].add(email)
    found = []
    for venture_id, (_, verdict, note, writer, checker, lead_email) in newest.items():
        venture = ventures[venture_id]
        found.append(
            SummaryFacts(
                venture_id=venture_id,
                lead=lead_email,
                written_by=writer,
                co_producers=frozenset(members[venture.workstream_id] - {lead_email}),
                verdict=verdict,
                checked_by=checker,
                note=note,
            )
        )
    return found


_ONE_VENTURE = sa_select(_V).where(_V.c.id == bindparam("id"))


def _venture_and_language(session: Session, venture_id: str) -> tuple[Row[Any], str]:
    """A venture's row (as `_concerning` gives them) and its lead's language."""
    venture = queries.first(session, _ONE_VENTURE, id=venture_id)
    assert venture is not None
    lead = queries.first(session, queries.PERSON_BY_ID, id=venture.lead_id)
    return venture, lead.language if lead is not None else "en"


def _facts(
    session: Session,
    ventures: dict[str, Row[Any]],
    snapshots: list[ReminderSnapshot],
    library: Library,
) -> list[ActionFacts]:
    answering = [v for v in ventures.values() if v.state in _ANSWERING]
    members: dict[str, set[str]] = defaultdict(set)
    lived: dict[str, set[str]] = defaultdict(set)  # members with lived experience
    checklists: dict[str, tuple[ChecklistDefinition, ...]] = {}
    asked: dict[str, int] = {}  # sign-offs each venture's gate asks for
    signed: dict[str, set[str]] = defaultdict(set)
    answers: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    if answering:
        ids = [v.id for v in answering]
        streams = sorted({v.workstream_id for v in answering})
        for stream, email, lived_experience in queries.rows(session, _MEMBERS, streams=streams):
            members[stream].add(email)
            if lived_experience:
                lived[stream].add(email)
        checklists, asked = _pinned(session, {v.id: v.gate_id for v in answering}, library)
        for venture_id, gate_id, checklist_id, item_id, value in queries.rows(
            session, _ANSWERS, ids=ids
        ):
            if gate_id == ventures[venture_id].gate_id:
                answers[venture_id].setdefault(checklist_id, {})[item_id] = value
        if any(asked.values()):
            for venture_id, gate_id, email in queries.rows(session, _SIGN_OFFS, ids=ids):
                if gate_id == ventures[venture_id].gate_id:
                    signed[venture_id].add(email)
    facts = []
    for s in snapshots:
        venture = ventures[s.venture_id]
        given = signed[s.venture_id]
        facts.append(
            ActionFacts(
                reminders=s,
                workstream=frozenset(members[venture.workstream_id]),
                checklists=checklists.get(s.venture_id, ()),
                answers=answers[s.venture_id],
                sign_offs_needed=max(0, asked.get(s.venture_id, 0) - len(given)),
                may_sign_off=frozenset(lived[venture.workstream_id] - given - {s.lead}),
            )
        )
    return facts


def _pinned(
    session: Session, gates: dict[str, str], library: Library
) -> tuple[dict[str, tuple[ChecklistDefinition, ...]], dict[str, int]]:
    """The pinned checklists of each venture's current gate run (`gates`: venture → gate),
    and how many sign-offs its gate asks for."""
    found: dict[str, tuple[ChecklistDefinition, ...]] = {}
    asked: dict[str, int] = {}
    for venture_id, gate_id, text, version in queries.rows(session, _PINS, ids=list(gates)):
        if gate_id != gates[venture_id]:
            continue
        found[venture_id] = pinned_from_text(session, text)
        rule = gate_definition(library, gate_id, version).sign_off
        asked[venture_id] = rule.lived_experience if rule is not None else 0
    return found, asked


def _action(
    o: Owed, venture: Row[Any], language: str, helped_name: str | None, now: dt.datetime
) -> NextAction:
    return NextAction(
        kind=o.kind.value,
        venture_id=o.venture_id,
        venture_title=venture.title,
        gate_id=venture.gate_id,
        state=venture.state,
        deadline=o.deadline,
        overdue=o.deadline is not None and o.deadline < now,
        reason=o.reason,
        params=dict(o.params),
        on_behalf_of=o.on_behalf_of,
        on_behalf_of_name=helped_name if o.on_behalf_of is not None else None,
        title_language=venture.title_lang,
        title_other=venture.title_other,
    )
