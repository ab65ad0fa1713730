"""A venture's history, for the pages: each answer an item was given, and the venture's
audit trail as events.

`answer_history(engine, venture_id, item_ref)` lists every answer an item was given
in the venture's current gate (or the gate named), oldest first: who, when, the
value, and whether it is the current one or superseded (and by which).

`audit_trail(engine, venture_id)` turns the venture's audit entries into events, in
the log's order. Each event has a stable `code` and its `params` (plain JSON, people
by email, with their `names`), and `event.words(language, easy_read, zone)` writes it
in English, Welsh or Easy Read from the catalogue (services/wording.py); `summary`
carries the English sentence the rules wrote, where the entry holds one (a
refusal's reason, a decision's reasons), and `reasons` those reasons with their
parameters, to be written in every language too. One entry can make several
events: a round of advancing (`venture.advanced`) makes one per effect, a reminder
sweep one per reminder. The Board's papers for a meeting (an entry about no single
venture) appear in the trail of each venture on its agenda.

Neither ever shows a secret. The audit log holds no channel URL (the commands and
the programme import keep them out); as a second line, any string that quotes a
channel URL is masked as the relay masks URLs (`mailto://***`), and a password
from one (six characters or more) as `***`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import Engine, String, Text, bindparam, cast, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from governance.catalogue import TIMEZONE, Language
from governance.lifecycle import Action
from governance.reasons import Reason
from models import queries
from models import tables as t
from models.db import read_session
from models.sealed import unseal
from services.advance import pinned_from_text
from services.commands import NotFound, find_item
from services.wording import event_words

# --- secrets ---------------------------------------------------------------------------------

_SHORTEST_SECRET = 6  # a shorter password would mask parts of ordinary words


class Secrets:
    """The programme's channel URLs and their parts that are secret, to mask wherever
    they are quoted."""

    def __init__(self, urls: Iterable[str]) -> None:
        found: dict[str, str] = {}
        for url in urls:
            # The whole URL, and its password, if it has one. Not the rest after the
            # scheme: for many channels (mailbox://gareth.jones) that is a name.
            found[url] = t.mask_url(url)
            with contextlib.suppress(ValueError):  # not a URL urlsplit can read
                password = urlsplit(url).password or ""
                if len(password) >= _SHORTEST_SECRET:
                    found.setdefault(password, "***")
        # Longest first: a URL is masked whole before its password is looked for.
        self._found = sorted(found.items(), key=lambda kv: -len(kv[0]))

    @classmethod
    def of_programme(cls, session: Session) -> Secrets:
        # The URLs as stored (sealed): the cache is found by them, so a page that shows
        # a history unseals the channels' URLs once per process, not once per read
        # (unsealing them all was a tenth of a question page). A changed or resealed
        # URL is a different stored text, so the cache never answers for old URLs.
        stored = tuple(url for (url,) in queries.rows(session, _CHANNEL_URLS))
        return _secrets_of_stored(stored)

    def scrub(self, value: Any) -> Any:
        """`value` (plain JSON) with every secret in its strings masked."""
        if isinstance(value, str):
            for secret, mask in self._found:
                if secret in value:
                    value = value.replace(secret, mask)
            return value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value


_CHANNEL_URLS = sa_select(type_coerce(queries.table(t.Channel).c.url, Text))


@functools.lru_cache(maxsize=8)
def _secrets_of_stored(stored: tuple[str | None, ...]) -> Secrets:
    return _secrets_of(tuple(unseal(url) for url in stored if url is not None))


@functools.lru_cache(maxsize=8)
def _secrets_of(urls: tuple[str, ...]) -> Secrets:
    # Finding the secrets parses every URL: done once for the same set of channels.
    return Secrets(urls)


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRecord:
    """One answer given to an item."""

    id: int
    gate_id: str
    checklist_id: str
    checklist_version: int
    item_id: str
    value: Any
    by: str  # email
    by_name: str
    at: dt.datetime
    current: bool
    superseded_by: int | None  # the answer that replaced it


def answer_history(
    engine: Engine, venture_id: str, item_ref: str, *, gate: str | None = None
) -> list[AnswerRecord]:
    """Every answer to `item_ref` ('item' or 'checklist/item') in the venture's current
    gate, or in `gate`, oldest first. NotFound for an unknown venture, gate or item."""
    with read_session(engine) as session:
        venture = queries.first(session, _VENTURE, venture=venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        gate_id = gate or venture.gate_id
        pins = queries.first(session, _PINS, venture=venture.id, gate=gate_id)
        if pins is None:
            if gate_id == venture.gate_id:  # as `current_gate_run` says it
                raise RuntimeError(f"venture {venture.id} has no run of gate {gate_id}")
            raise NotFound("gate-not-visited", venture=venture_id, gate=gate_id)
        checklist_id, item = find_item(pinned_from_text(session, pins[0]), item_ref)
        rows = queries.rows(
            session,
            _HISTORY,
            venture=venture.id,
            gate=gate_id,
            checklist=checklist_id,
            item=item.id,
        )
        secrets = Secrets.of_programme(session)
    return [
        AnswerRecord(
            id=a.id or 0,
            gate_id=a.gate_id,
            checklist_id=a.checklist_id,
            checklist_version=a.checklist_version,
            item_id=a.item_id,
            value=secrets.scrub(a.value),
            by=a.email,
            by_name=a.name,
            at=a.at,
            current=a.is_current,
            superseded_by=a.superseded_by_id,
        )
        for a in rows
    ]


def changed_answers(engine: Engine, venture_id: str) -> dict[str, list[AnswerRecord]]:
    """Every answer of each item answered more than once in the venture's current gate,
    oldest first, by 'checklist/item': `answer_history` of every changed item in one
    query (a reviewer's page shows them all). NotFound for an unknown venture."""
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        if venture is None:
            raise NotFound("venture-not-found", venture=venture_id)
        rows = session.exec(
            select(t.Answer, t.Person.email, t.Person.name)
            .join(t.Person, col(t.Person.id) == col(t.Answer.by_id))
            .where(t.Answer.venture_id == venture.id)
            .where(t.Answer.gate_id == venture.gate_id)
            .order_by(col(t.Answer.at), col(t.Answer.id))
        ).all()
        found: dict[str, list[AnswerRecord]] = {}
        secrets: Secrets | None = None
        for a, email, name in rows:
            found.setdefault(f"{a.checklist_id}/{a.item_id}", []).append(
                AnswerRecord(
                    id=a.id or 0,
                    gate_id=a.gate_id,
                    checklist_id=a.checklist_id,
                    checklist_version=a.checklist_version,
                    item_id=a.item_id,
                    value=a.value,
                    by=email,
                    by_name=name,
                    at=a.at,
                    current=a.is_current,
                    superseded_by=a.superseded_by_id,
                )
            )
        changed = {ref: records for ref, records in found.items() if len(records) > 1}
        if changed:
            secrets = Secrets.of_programme(session)
    if secrets is None:
        return {}
    return {
        ref: [dataclasses.replace(r, value=secrets.scrub(r.value)) for r in records]
        for ref, records in changed.items()
    }


# The statements of `answer_history`, built once and run without the ORM (models/queries.py
# says why: a question page reads the history of each of its items that has changed).
_V = queries.table(t.Venture)
_GR = queries.table(t.GateRun)
_A = queries.table(t.Answer)
_P = queries.PERSON
_VENTURE = sa_select(_V.c.id, _V.c.gate_id).where(_V.c.id == bindparam("venture"))
_PINS = sa_select(cast(_GR.c.checklists, String)).where(
    _GR.c.venture_id == bindparam("venture"), _GR.c.gate_id == bindparam("gate")
)
_HISTORY = (
    sa_select(_A, _P.c.email, _P.c.name)
    .join(_P, _P.c.id == _A.c.by_id)
    .where(_A.c.venture_id == bindparam("venture"))
    .where(_A.c.gate_id == bindparam("gate"))
    .where(_A.c.checklist_id == bindparam("checklist"))
    .where(_A.c.item_id == bindparam("item"))
    .order_by(_A.c.at, _A.c.id)
)


# --- the audit trail ------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEvent:
    """One event of a venture's history, to be worded by its code."""

    seq: int  # the audit entry it comes from (several events may share one)
    at: dt.datetime
    actor: str  # email, or "cyd" for what the rules and the schedules did
    actor_name: str | None  # None for "cyd" and for anyone not in the programme
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    summary: str | None = None  # the English sentence the entry holds, if any
    reasons: tuple[Reason, ...] = ()  # the rules' reasons, with their parameters
    names: dict[str, str] = field(default_factory=dict)  # email → name, of those it names

    def words(self, language: Language, easy_read: bool = False, zone: dt.tzinfo = TIMEZONE) -> str:
        """The event in `language` (Easy Read if asked), its days in `zone` (the
        programme's): its own text, then the reasons or the refusal it carries."""
        return event_words(self, language, easy_read, zone)


# The codes of the people's own actions, by audit action.
_ACTIONS: dict[str, str] = {
    "venture.started": "venture-started",
    "answer.recorded": "answer-recorded",
    "venture.submitted": "venture-submitted",
    "deadline.extended": "extension-given",
    "review.recorded": "review-recorded",
    "interest.declared": "interest-declared",
    "interest.withdrawn": "interest-withdrawn",
    "checklist.signed-off": "checklist-signed-off",
    "vote.recorded": "vote-recorded",
    "vote.closed": "vote-closed-by-chair",
    "venture.withdrawn": "venture-withdrawn",
    "venture.resumed": "venture-resumed",
    "assisted.recorded": "assisted-recorded",
    "assisted.declined": "assisted-declined",
    "translation.given": "translation-given",
    "summary.written": "summary-written",
    "summary.checked": "summary-checked",
    "idea.answered": "idea-adopted",  # on a venture's trail only when it started one
    "idea.update-sent": "idea-update-sent",
    "denied": "action-refused",
}
# The codes of the rules' moves of a venture, by lifecycle action.
_MOVES: dict[str, str] = {
    Action.RETURN_FOR_CHANGES.value: "sent-back-for-changes",
    Action.ACCEPT_FOR_REVIEW.value: "accepted-for-review",
    Action.SEND_TO_BOARD.value: "sent-to-board",
    Action.REVIEW_AGAIN.value: "sent-back-for-review",
    Action.APPROVE.value: "approved",
    Action.APPROVE_WITH_CONDITIONS.value: "approved-with-conditions",
    Action.RECYCLE.value: "recycled",
    Action.REJECT.value: "rejected",
    Action.HOLD.value: "put-on-hold",
}
BOARD_PAPERS = "board-papers.sent"  # services.board_pack.AUDIT_ACTION
REMINDERS = "reminders.sent"  # services.reminders.AUDIT_ACTION
ADVANCED = "venture.advanced"

# Every code an event may have, each worded in the catalogue (kind: event); the
# catalogue's test finds them here.
CODES: frozenset[str] = frozenset(
    {
        *_ACTIONS.values(),
        *_MOVES.values(),
        "state-changed",
        "reviewers-assigned",
        "people-told",
        "vote-opened",
        "vote-extended",
        "decision-recorded",
        "next-gate-opened",
        "reminder-sent",
        "escalation-sent",
        "board-papers-sent",
        "assisted-confirmed",
        "other",
    }
)


def audit_trail(engine: Engine, venture_id: str) -> list[AuditEvent]:
    """The venture's audit entries as events, in the log's order (see the module)."""
    with read_session(engine) as session:
        if session.get(t.Venture, venture_id) is None:
            raise NotFound("venture-not-found", venture=venture_id)
        own = session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.venture_id == venture_id)
            .order_by(col(t.AuditEntry.seq))
        ).all()
        papers = [
            e
            for e in session.exec(
                select(t.AuditEntry)
                .where(col(t.AuditEntry.venture_id).is_(None))
                .where(t.AuditEntry.action == BOARD_PAPERS)
            )
            if venture_id in e.payload.get("agenda", ())
        ]
        names = dict(session.exec(select(t.Person.email, t.Person.name)).all())
        secrets = Secrets.of_programme(session)
    entries = sorted([*own, *papers], key=lambda e: e.seq)
    return [
        AuditEvent(
            seq=e.seq,
            at=e.at,
            actor=secrets.scrub(e.actor),
            actor_name=names.get(e.actor),
            code=code,
            params=secrets.scrub(params),
            summary=secrets.scrub(summary),
            reasons=tuple(Reason.from_json(secrets.scrub(r)) for r in reasons),
            names=_named(names, e.actor, params),
        )
        for e in entries
        for code, params, summary, reasons in _events(e)
    ]


def _named(names: dict[str, str], actor: str, params: dict[str, Any]) -> dict[str, str]:
    """The names of the people an event names by email: its actor and its parameters
    (a string, or the strings of a list)."""
    values = [actor]
    for value in params.values():
        values += value if isinstance(value, list) else [value]
    return {v: names[v] for v in values if isinstance(v, str) and v in names}


class Event(NamedTuple):
    """What one audit entry (or one effect of it) says, before the people are named."""

    code: str
    params: dict[str, Any]
    summary: str | None = None
    reasons: tuple[dict[str, Any], ...] = ()  # as stored: {"code", "text", "params"}


def _events(entry: t.AuditEntry) -> list[Event]:
    events = _own_events(entry)
    recorded_by = entry.payload.get("recorded_by")
    if entry.action in ("vote.recorded", "answer.recorded") and recorded_by:
        # A clerk recorded it, the person confirmed it: the trail says both.
        events.append(Event("assisted-confirmed", {"recorded_by": recorded_by}, None))
    return events


def _own_events(entry: t.AuditEntry) -> list[Event]:
    p = entry.payload
    action = entry.action
    if action == ADVANCED:
        return [_effect(e) for e in p.get("effects", [])]
    if action == REMINDERS:
        return [_reminder(r) for r in p.get("sent", [])]
    if action == BOARD_PAPERS:
        return [Event("board-papers-sent", {"meeting": p.get("meeting")}, None)]
    code = _ACTIONS.get(action)
    if code is None:
        # Kept out of the words: an entry of a kind the trail does not know yet.
        return [Event("other", {"action": action}, None)]
    if action == "denied":
        return [Event(code, {"action": p.get("action"), "code": p.get("code")}, p.get("reason"))]
    if action == "answer.recorded":
        stale = p.get("stale") or {}
        params = {
            k: p.get(k) for k in ("gate", "checklist", "item", "value", "previous", "reopened")
        }
        params["stale_reviews"] = len(stale.get("stale_reviews", []))
        params["stale_votes"] = len(stale.get("stale_votes", []))
        return [Event(code, params, None)]
    if action == "assisted.recorded":
        return [Event(code, {"what": p.get("kind"), "person": p.get("person")}, None)]
    if action == "assisted.declined":
        params = {"what": p.get("kind"), "recorded_by": p.get("recorded_by")}
        return [Event(code, params, None)]
    if action == "venture.started":
        keep = ("workstream", "title", "lead", "gate", "gate_version")
        return [Event(code, {k: p.get(k) for k in keep}, None)]
    if action in ("idea.answered", "idea.update-sent"):
        return [Event(code, {"idea": p.get("idea")}, None)]
    return [Event(code, dict(p), None)]


def _effect(effect: dict[str, Any]) -> Event:
    name = effect.get("effect")
    stored = tuple(r for r in effect.get("reasons", []) if isinstance(r, dict))
    summary = _sentences(list(stored))
    if name == "Transition":
        params = {
            "to": effect.get("to"),
            "reasons": [r.get("code") for r in effect.get("reasons", [])],
            "gaps": [
                {
                    "checklist": g.get("checklist"),
                    "item": g.get("item"),
                    "problem": g.get("problem"),
                }
                for g in effect.get("gaps", [])
            ],
        }
        code = _MOVES.get(str(effect.get("action")), "state-changed")
        return Event(code, params, summary, stored)
    if name == "AssignReviewers":
        return Event(
            "reviewers-assigned",
            {"roles": effect.get("roles"), "count": effect.get("count")},
            None,
        )
    if name == "Notify":
        return Event(
            "people-told",
            {"event": effect.get("event"), "audience": effect.get("audience")},
            None,
        )
    if name == "OpenBallot":
        return Event(
            "vote-opened",
            {"ballot": effect.get("number"), "deadline": effect.get("deadline")},
            None,
        )
    if name == "ExtendBallot":
        params = {
            "ballot": effect.get("number"),
            "deadline": effect.get("deadline"),
            "more_time_granted": effect.get("more_time_granted", []),
            "reasons": [r.get("code") for r in effect.get("reasons", [])],
        }
        return Event("vote-extended", params, summary, stored)
    if name == "RecordDecision":
        keep = (
            "gate",
            "ballot",
            "outcome",
            "tally",
            "conditions",
            "closed_by",
            "casting_vote_used",
        )
        params = {k: effect.get(k) for k in keep}
        params["reasons"] = [r.get("code") for r in effect.get("reasons", [])]
        return Event("decision-recorded", params, summary, stored)
    if name == "OpenNextGate":
        return Event("next-gate-opened", {"gate": effect.get("gate")}, None)
    return Event("other", {"action": f"{ADVANCED}:{name}"}, None)


def _reminder(sent: dict[str, Any]) -> Event:
    keep = ("to", "person", "action", "ballot", "deadline", "days_left", "count")
    params = {k: sent.get(k) for k in keep}
    params["copies"] = list(sent.get("copies", []))
    code = "escalation-sent" if sent.get("kind") == "escalation" else "reminder-sent"
    return Event(code, params, None)


def _sentences(reasons: list[dict[str, Any]]) -> str | None:
    texts = [str(r["text"]) for r in reasons if r.get("text")]
    return " ".join(texts) or None
