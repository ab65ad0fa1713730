"""Ideas from anyone: the services of the open route (the rules: governance/ideas.py).

    submit_idea(cyd, idea)                       -> Received  (the public page: no account)
    record_idea(cyd, idea, by=)                  -> Received  (an officer, on someone's behalf)
    send_to(cyd, idea_id, workstream=, by=)      -> None      (triage)
    answer_idea(cyd, idea_id, by=, outcome=, reason=, what_next=, venture=, lead=, title=)
                                                 -> IdeaView  (adopted starts a venture)
    moderate(cyd, idea_id, by=, publish=, note=) -> None
    support(cyd, idea_id, by=)                   -> int (supports now)
    withdraw_by_reference(cyd, reference)        -> str (the idea's id; the proposer)
    withdraw_for(cyd, idea_id, by=)              -> None      (an officer, when asked)
    ideas_for(cyd, by=, open_only=)              -> list[IdeaView]  (triage: contact shown)
    idea_view(cyd, idea_id, by=)                 -> IdeaView
    public_ideas(engine)                         -> list[PublicIdea]
    sweep_ideas(cyd)                             -> IdeaSweep (reminders, escalations past
                                                   the promise, "you said, we did" updates,
                                                   contact details past retention erased)

Every change is one unit of work with one audit entry. The audit log never holds a
proposer's contact details (their name, email, phone): it says whether they were
given; the replay takes them from the source's row, as it takes a channel's URL.
A proposer need not be in the programme: replies name the idea (`models.outbox.
enqueue_reply`) and the relay sends them to the address they gave, only if they
agreed to be contacted (without that agreement their details are not kept at all).

The private reference a proposer is given when their idea is received (on the page,
or on paper by the officer who wrote it down) lets them withdraw it; only its hash
is stored, as a sign-in code's is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from governance import ideas as rules
from governance.permissions import Actor, Denied, Permission
from governance.programme import Email
from governance.working_days import local_day, previous_working_day
from models import audit, outbox, queries
from models import tables as t
from models.db import data_dir, read_session, unit_of_work
from notifications.tell import tell
from services import idea_files
from services.commands import CommandError, Cyd, NotFound, record_denial
from services.commands import _Refusal as _StartRefused
from services.idea_files import Upload
from services.people import actor_for
from services.titles import TITLE_MAX

RECEIVED = "idea.received"
SENT_TO = "idea.sent-to"
ANSWERED = "idea.answered"
MODERATED = "idea.moderated"
SUPPORTED = "idea.supported"
WITHDRAWN = "idea.withdrawn"
CONTACT_ERASED = "idea.contact-erased"
REMINDED = "idea.reminded"
UPDATED = "idea.update-sent"
ACTIONS = (
    RECEIVED,
    SENT_TO,
    ANSWERED,
    MODERATED,
    SUPPORTED,
    WITHDRAWN,
    CONTACT_ERASED,
    REMINDED,
    UPDATED,
)
# The action names of refusals (the audit log's `denied` entries).
RECORD = "idea.record"
TRIAGE = "idea.triage"
MODERATE = "idea.moderate"
SUPPORT = "idea.support"

TEXT_MAX = 4000  # what, why, who it helps: a page of writing each
NAME_MAX = 200
PHONE_MAX = 40
VARIANTS = ("en", "cy", "en-easy", "cy-easy")
_PHONE = re.compile(r"^[0-9+() .-]{6,40}$")
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


@dataclass(frozen=True)
class NewIdea:
    """An idea as put forward: the page's form, the officer's notes, the CLI's flags."""

    what: str
    why: str = ""
    who_helps: str = ""
    lang: str = "en"
    route: str = rules.Route.ONLINE.value
    behalf: str = rules.Behalf.INDIVIDUAL.value
    on_behalf_of: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    consent_contact: bool = False
    consent_publish: bool = False
    reply_language: str = "en"
    reply_format: str = "standard"
    workstream: str | None = None  # chosen by the proposer, if they know
    files: tuple[Upload, ...] = ()  # pictures, a short audio or video (services.idea_files)
    # The public form's one-time stamp: an idea per form served, so a form sent twice
    # (a reload, a double press) is not two ideas.
    submission: str | None = None


@dataclass(frozen=True)
class Received:
    idea_id: str
    reference: str  # the proposer's private reference: shown once, never stored
    due_at: dt.datetime
    acknowledged: bool  # a reply was queued to them
    # The acknowledgement's outbox message: a page sends it at once
    # (`notifications.relay.send_now`), as a sign-in message is, rather than at the
    # relay's next run.
    message_id: int | None = None


@dataclass(frozen=True)
class IdeaView:
    """An idea as those who triage see it (contact details included)."""

    id: str
    what: str
    why: str
    who_helps: str
    lang: str
    route: str
    behalf: str
    on_behalf_of: str | None
    recorded_by: str | None  # email
    state: str
    workstream: str | None
    publication: str
    venture: str | None
    received_at: dt.datetime
    due_at: dt.datetime
    answered_at: dt.datetime | None
    past_promise: bool
    supports: int
    answer: dict[str, Any] | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    contact_erased: bool
    consent_contact: bool
    consent_publish: bool
    reply_language: str
    reply_format: str


@dataclass(frozen=True)
class PublicIdea:
    """An idea as the public list shows it: no contact detail, no officer's name."""

    id: str
    what: str
    why: str
    who_helps: str
    lang: str
    on_behalf_of: str | None
    state: str
    received_at: dt.datetime
    supports: int
    answer: dict[str, Any] | None
    venture: str | None


@dataclass
class IdeaSweep:
    reminded: list[str] = field(default_factory=list)  # ideas whose triage was reminded
    escalated: list[str] = field(default_factory=list)  # past their promise
    updates: list[str] = field(default_factory=list)  # proposers told of their venture
    erased: list[str] = field(default_factory=list)  # contact details past retention

    def as_json(self) -> dict[str, Any]:
        return {
            "reminded": self.reminded,
            "escalated": self.escalated,
            "updates": self.updates,
            "erased": self.erased,
        }


# --- checking what was given -----------------------------------------------------------


def _text(value: str | None, what: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise CommandError("idea-text-missing", field=what)
    if len(text) > TEXT_MAX:
        raise CommandError("idea-text-too-long", field=what, most=TEXT_MAX)
    if "\x00" in text:
        raise CommandError("idea-text-unstorable", field=what)
    return text


def checked(idea: NewIdea) -> NewIdea:
    """The idea with its text trimmed, or CommandError saying which field and why."""
    if idea.route not in rules.Route.__members__.values():
        raise CommandError("idea-route-unknown", given=idea.route)
    if idea.behalf not in rules.Behalf.__members__.values():
        raise CommandError("idea-behalf-unknown", given=idea.behalf)
    for language in (idea.lang, idea.reply_language):
        if language not in t.LANGUAGES:
            raise CommandError("idea-language-unknown", given=language)
    if idea.reply_format not in t.FORMATS:
        raise CommandError("idea-format-unknown", given=idea.reply_format)
    group = _text(idea.on_behalf_of, "on_behalf_of")[:NAME_MAX].strip() or None
    if idea.behalf != rules.Behalf.INDIVIDUAL.value and group is None:
        raise CommandError("idea-group-name-missing", behalf=idea.behalf)
    name = _text(idea.contact_name, "contact_name")
    if len(name) > NAME_MAX:
        raise CommandError("idea-text-too-long", field="contact_name", most=NAME_MAX)
    email = (idea.contact_email or "").strip() or None
    if email is not None:
        try:
            email = _EMAIL.validate_python(email)
        except ValidationError:
            raise CommandError("idea-email-invalid") from None
    phone = (idea.contact_phone or "").strip() or None
    if phone is not None and not _PHONE.match(phone):
        raise CommandError("idea-phone-invalid", most=PHONE_MAX)
    consent = idea.consent_contact
    return NewIdea(
        what=_text(idea.what, "what", required=True),
        why=_text(idea.why, "why"),
        who_helps=_text(idea.who_helps, "who_helps"),
        lang=idea.lang,
        route=idea.route,
        behalf=idea.behalf,
        on_behalf_of=group if idea.behalf != rules.Behalf.INDIVIDUAL.value else None,
        # Without agreement to be contacted nothing of theirs is kept: minimal data.
        contact_name=(name or None) if consent else None,
        contact_email=email if consent else None,
        contact_phone=phone if consent else None,
        consent_contact=consent and bool(email or phone),
        consent_publish=idea.consent_publish,
        reply_language=idea.reply_language,
        reply_format=idea.reply_format,
        workstream=(idea.workstream or "").strip() or None,
        files=idea.files,
        submission=idea.submission,
    )


class AlreadyReceived(CommandError):
    """This form was sent before: the idea it made, whose reference was shown then."""

    def __init__(self, idea_id: str) -> None:
        super().__init__("idea-already-received", idea=idea_id)
        self.idea_id = idea_id


def reference_hash(reference: str) -> str:
    return hashlib.sha256(reference.strip().upper().encode("utf-8")).hexdigest()


def new_reference() -> str:
    """Twelve letters and digits in three groups (easy to read aloud and to copy from
    paper: no 0/O, 1/I/L)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- plumbing ----------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, denied: Denied) -> None:
        self.denied = denied


def _check(permission: Permission) -> None:
    if isinstance(permission, Denied):
        raise _Refused(permission)


@contextmanager
def _as(
    cyd: Cyd, action: str, by: str, idea_id: str | None = None
) -> Iterator[tuple[Session, t.Person, Actor]]:
    """A unit of work for the person `by`; a refusal is rolled back, then recorded
    (naming the idea, so that the replay can try the same again)."""
    try:
        with unit_of_work(cyd.engine) as session:
            person = queries.person_by_email(session, by)
            if person is None or not person.active:
                raise NotFound("person-not-found", email=by)
            yield session, person, actor_for(session, person)
    except (_Refused, _StartRefused) as refused:  # (an adoption's start: the lead's)
        record_denial(cyd.engine, action, by, None, refused.denied, cyd.clock(), subject=idea_id)


def _idea(session: Session, idea_id: str) -> t.Idea:
    idea = session.get(t.Idea, idea_id)
    if idea is None:
        raise NotFound("idea-not-found", idea=idea_id)
    return idea


def _leads(session: Session, workstream_id: str | None) -> list[t.Person]:
    if workstream_id is None:
        return []
    return list(
        session.exec(
            select(t.Person)
            .join(t.WorkstreamMember, col(t.WorkstreamMember.person_id) == col(t.Person.id))
            .where(t.WorkstreamMember.workstream_id == workstream_id)
            .where(col(t.WorkstreamMember.is_lead))
            .where(col(t.Person.active))
            .order_by(col(t.Person.email))
        ).all()
    )


def _facts(session: Session, idea: t.Idea) -> rules.IdeaFacts:
    proposer = session.get(t.Person, idea.proposer_id) if idea.proposer_id else None
    return rules.IdeaFacts(
        idea_id=idea.id,
        state=rules.IdeaState(idea.state),
        workstream_id=idea.workstream_id,
        workstream_leads=frozenset(p.email for p in _leads(session, idea.workstream_id)),
        consent_to_publish=idea.consent_publish,
        publication=rules.Publication(idea.publication),
        proposer_id=proposer.email if proposer else None,
    )


def _policy(session: Session) -> Any:
    from services.programme_import import current_programme

    return current_programme(session).ideas


def _calendar(now: dt.datetime) -> Any:
    from services.working_calendar import working_calendar

    return working_calendar(now.date())


def _next_id(session: Session) -> str:
    count = session.exec(select(func.count()).select_from(t.Idea)).one()
    return f"i-{count + 1:04d}"


def _brief(idea: t.Idea) -> dict[str, str]:
    return {"id": idea.id, "what": idea.what}


def _reply(session: Session, idea: t.Idea, event: str, payload: dict[str, Any], key: str) -> bool:
    """Queue a reply to the proposer, if they agreed and gave an address; True if queued."""
    if not idea.consent_contact or not idea.contact_email:
        return False
    _, created = outbox.enqueue_reply(
        session,
        event=event,
        idea_id=idea.id,
        language=idea.reply_language,
        format=idea.reply_format,
        payload={"idea": _brief(idea), **payload},
        discriminator=key,
        venture_id=idea.venture_id,
    )
    return created


def _triagers(session: Session) -> list[t.Person]:
    return list(
        session.exec(
            select(t.Person)
            .join(t.PersonRole, col(t.PersonRole.person_id) == col(t.Person.id))
            .where(col(t.PersonRole.role).in_(["triage"]))
            .where(col(t.Person.active))
            .order_by(col(t.Person.email))
        ).all()
    )


def _admins(session: Session) -> list[t.Person]:
    return list(
        session.exec(
            select(t.Person)
            .join(t.PersonRole, col(t.PersonRole.person_id) == col(t.Person.id))
            .where(t.PersonRole.role == "admin")
            .where(col(t.Person.active))
            .order_by(col(t.Person.email))
        ).all()
    )


# --- ways in -----------------------------------------------------------------------------


def submit_idea(cyd: Cyd, idea: NewIdea) -> Received:
    """An idea from the public page (or another way in with no officer): anyone."""
    idea = checked(idea)
    if idea.route in {r.value for r in rules.RECORDED_BY_AN_OFFICER} - {rules.Route.EMAIL}:
        raise CommandError("idea-route-needs-officer", route=idea.route)
    files = idea_files.checked(idea.files)
    digest = hashlib.sha256(idea.submission.encode()).hexdigest() if idea.submission else None
    try:
        with _files_kept_only_if_stored() as stored, unit_of_work(cyd.engine) as session:
            if digest is not None:
                _refuse_twice(session, digest)
            return _receive(
                session,
                idea,
                recorder=None,
                now=cyd.clock(),
                files=files,
                stored=stored,
                submission=digest,
            )
    except IntegrityError:
        # The same form sent twice at once: the other one's idea is the one kept.
        if digest is None:
            raise
        with read_session(cyd.engine) as session:
            _refuse_twice(session, digest)
        raise


def _refuse_twice(session: Session, digest: str) -> None:
    earlier = session.exec(select(t.Idea.id).where(t.Idea.submission == digest)).first()
    if earlier is not None:
        raise AlreadyReceived(earlier)


def record_idea(cyd: Cyd, idea: NewIdea, *, by: str) -> Received:
    """An idea heard at a roadshow, on the phone, on paper: written down by `by` on
    the proposer's behalf, attributed to both."""
    idea = checked(idea)
    if idea.route == rules.Route.ONLINE.value:
        raise CommandError("idea-route-online-is-public")
    files = idea_files.checked(idea.files)
    with _files_kept_only_if_stored() as stored, _as(cyd, RECORD, by) as (session, person, actor):
        _check(rules.may_record_idea(actor))
        return _receive(session, idea, recorder=person, now=cyd.clock(), files=files, stored=stored)


@contextmanager
def _files_kept_only_if_stored() -> Iterator[list[str]]:
    """The ideas whose files were written in the block: removed again if the block
    fails (the unit of work was rolled back: no idea names them)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for idea_id in stored:
            idea_files.delete(data_dir(), idea_id)
        raise


def _receive(
    session: Session,
    idea: NewIdea,
    *,
    recorder: t.Person | None,
    now: dt.datetime,
    reference: str | None = None,
    idea_id: str | None = None,
    files: list[tuple[Upload, idea_files.Kind]] | None = None,
    stored: list[str] | None = None,
    described: list[dict[str, Any]] | None = None,
    submission: str | None = None,
) -> Received:
    """`files`: checked uploads, written now (their idea's id added to `stored`);
    `described`: files already kept (the replay: the source's descriptions)."""
    if idea.workstream is not None and session.get(t.Workstream, idea.workstream) is None:
        raise NotFound("workstream-not-found", workstream=idea.workstream)
    policy = _policy(session)
    due = rules.answer_due(now, policy.answer_days, _calendar(now))
    reference = reference or new_reference()
    proposer = queries.person_by_email(session, idea.contact_email) if idea.contact_email else None
    row = t.Idea(
        id=idea_id or _next_id(session),
        what=idea.what,
        why=idea.why,
        who_helps=idea.who_helps,
        lang=idea.lang,
        route=idea.route,
        behalf=idea.behalf,
        on_behalf_of=idea.on_behalf_of,
        recorded_by_id=recorder.id if recorder else None,
        proposer_id=proposer.id if proposer is not None and proposer.active else None,
        contact_name=idea.contact_name,
        contact_email=idea.contact_email,
        contact_phone=idea.contact_phone,
        consent_contact=idea.consent_contact,
        consent_publish=idea.consent_publish,
        reply_language=idea.reply_language,
        reply_format=idea.reply_format,
        reference_hash=reference_hash(reference),
        state=(rules.IdeaState.TRIAGED if idea.workstream else rules.IdeaState.RECEIVED).value,
        workstream_id=idea.workstream,
        received_at=now,
        due_at=due,
        submission=submission,
    )
    if files:
        if stored is not None:
            stored.append(row.id)
        row.files = idea_files.store(data_dir(), row.id, files)
    elif described:
        row.files = [dict(f) for f in described]
    session.add(row)
    session.flush()
    acknowledged = _reply(
        session,
        row,
        "idea-received",
        {
            "due": due.isoformat(),
            "recorded_by": recorder.name if recorder else None,
            "on_behalf_of": row.on_behalf_of,
        },
        "received",
    )
    audit.append(
        session,
        recorder.email if recorder else t.SYSTEM_ACTOR,
        RECEIVED,
        None,
        {
            "idea": row.id,
            "what": row.what,
            "why": row.why,
            "who_helps": row.who_helps,
            "lang": row.lang,
            "route": row.route,
            "behalf": row.behalf,
            "on_behalf_of": row.on_behalf_of,
            "workstream": row.workstream_id,
            # Never the details themselves: whether they were given, and the consents.
            "contact": {
                "name": row.contact_name is not None,
                "email": row.contact_email is not None,
                "phone": row.contact_phone is not None,
            },
            "consent_contact": row.consent_contact,
            "consent_publish": row.consent_publish,
            "reply_language": row.reply_language,
            "reply_format": row.reply_format,
            "due": due.isoformat(),
            "acknowledged": acknowledged,
            "files": idea_files.for_the_log(row.files),
        },
        at=now,
    )
    message = (
        session.exec(
            select(t.OutboxMessage.id)
            .where(t.OutboxMessage.idea_id == row.id)
            .where(t.OutboxMessage.event == "idea-received")
        ).first()
        if acknowledged
        else None
    )
    return Received(row.id, reference, due, acknowledged, message)


# --- triage and answers ---------------------------------------------------------------


def send_to(cyd: Cyd, idea_id: str, *, workstream: str, by: str) -> None:
    """Send an idea to a workstream: its leads answer it by the promise."""
    now = cyd.clock()
    with _as(cyd, TRIAGE, by, idea_id) as (session, person, actor):
        idea = _idea(session, idea_id)
        _check(rules.may_send_to(actor, _facts(session, idea)))
        if session.get(t.Workstream, workstream) is None:
            raise NotFound("workstream-not-found", workstream=workstream)
        was = idea.workstream_id
        idea.workstream_id = workstream
        idea.state = rules.IdeaState.TRIAGED.value
        idea.reminded_at = None  # the new workstream's leads are reminded afresh
        session.add(idea)
        audit.append(
            session,
            person.email,
            SENT_TO,
            None,
            {"idea": idea.id, "workstream": workstream, "was": was},
            at=now,
        )


def _variants(given: Mapping[str, str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for variant, text in (given or {}).items():
        if variant not in VARIANTS:
            raise CommandError("idea-variant-unknown", given=variant)
        written = _text(text, what)
        if written:
            out[variant] = written
    return out


def _reader_variant(idea: t.Idea) -> str:
    return idea.reply_language + ("-easy" if idea.reply_format == "easy-read" else "")


def answer_idea(
    cyd: Cyd,
    idea_id: str,
    *,
    by: str,
    outcome: str,
    reason: Mapping[str, str] | None = None,
    what_next: Mapping[str, str] | None = None,
    venture: str | None = None,
    lead: str | None = None,
    title: str | None = None,
    started: str | None = None,
) -> IdeaView:
    """Answer an idea, once. `reason` and `what_next`: the words, by variant (en, cy,
    en-easy, cy-easy); an answer needs at least one, and the proposer's own variant
    when they are to be told. Adopted: a venture starts in the idea's workstream, led
    by `lead` (by default the one answering), titled `title` (by default the idea's
    first words), with the idea as its summary; merged: `venture` is the one it joins.
    `started`: the venture of an adoption already started (the replay starts it from
    its own entry)."""
    reasons = _variants(reason, "reason")
    nexts = _variants(what_next, "what_next")
    title = " ".join((title or "").split()) or None
    if title is not None and len(title) > TITLE_MAX:
        raise CommandError("title-too-long", most=TITLE_MAX)
    now = cyd.clock()
    with _as(cyd, TRIAGE, by, idea_id) as (session, person, actor):
        idea = _idea(session, idea_id)
        try:
            state = rules.IdeaState(outcome)
        except ValueError:
            raise CommandError("idea-not-an-answer", outcome=outcome) from None
        given = rules.Answer(
            outcome=state,
            reason=" ".join(reasons.values()),
            what_next=" ".join(nexts.values()),
            venture_id=venture,
        )
        facts = _facts(session, idea)
        # Who may answer, and whether it is still open, are refusals (recorded); what
        # an answer must say is the answer's own mistake (an error, not recorded).
        _check(rules.may_send_to(actor, facts))
        allowed = rules.may_answer_idea(actor, facts, given)
        if isinstance(allowed, Denied):
            raise CommandError(allowed.code, **dict(allowed.params))
        wanted = _reader_variant(idea)
        if idea.consent_contact and idea.contact_email and reasons and wanted not in reasons:
            raise CommandError("idea-reason-for-reader", variant=wanted)
        venture_id = _apply_answer(
            cyd, session, idea, person, state, venture, lead, title, now, started
        )
        idea.answer = {"reason": reasons, "what_next": nexts}
        invited = state in (rules.IdeaState.ADOPTED, rules.IdeaState.MERGED) and bool(
            idea.consent_contact
        )
        told = _reply(
            session,
            idea,
            "idea-answered",
            {
                "outcome": state.value,
                "reason": reasons,
                "what_next": nexts,
                "venture": _venture_brief(session, venture_id),
                "invited": invited,
            },
            "answered",
        )
        audit.append(
            session,
            person.email,
            ANSWERED,
            venture_id if state is rules.IdeaState.ADOPTED else None,
            {
                "idea": idea.id,
                "outcome": state.value,
                "reason": reasons,
                "what_next": nexts,
                "venture": venture_id,
                "invited": invited,
                "told": told,
            },
            at=now,
        )
        session.flush()
        return _view(session, idea, now)


def _venture_brief(session: Session, venture_id: str | None) -> dict[str, str] | None:
    if venture_id is None:
        return None
    venture = session.get(t.Venture, venture_id)
    return {"id": venture_id, "title": venture.title if venture else venture_id}


def _apply_answer(
    cyd: Cyd,
    session: Session,
    idea: t.Idea,
    person: t.Person,
    state: rules.IdeaState,
    venture: str | None,
    lead: str | None,
    title: str | None,
    now: dt.datetime,
    started: str | None,
) -> str | None:
    venture_id: str | None = None
    if state is rules.IdeaState.MERGED:
        assert venture is not None  # the rules ask for it
        joined = session.get(t.Venture, venture)
        if joined is None:
            raise NotFound("venture-not-found", venture=venture)
        venture_id = joined.id
    elif state is rules.IdeaState.ADOPTED and started is not None:
        venture_id = started
    elif state is rules.IdeaState.ADOPTED:
        from services.commands import start_in

        assert idea.workstream_id is not None  # the rules ask for it
        venture_id, _ = start_in(
            cyd,
            session,
            workstream=idea.workstream_id,
            title=title or first_words(idea.what),
            lead=lead or person.email,
            title_lang=idea.lang,
            now=now,
            idea=idea.id,
        )
    idea.state = state.value
    idea.venture_id = venture_id
    idea.answered_at = now
    if venture_id is not None:  # the answer tells them where it stands now
        session.flush()
        joined = session.get(t.Venture, venture_id)
        idea.told = f"{joined.gate_id}:{joined.state}" if joined else None
    session.add(idea)
    return venture_id


def first_words(text: str, most: int = 80) -> str:
    """A title from an idea's text: its first line, cut at a word within `most`."""
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    if len(line) <= most:
        return line
    cut = line[:most].rsplit(" ", 1)[0]
    return cut + "…"


# --- openness and moderation ----------------------------------------------------------


def moderate(cyd: Cyd, idea_id: str, *, by: str, publish: bool, note: str) -> None:
    """A moderator's check before an idea is shown publicly, with the reason recorded
    (personal data, abuse; or that it is fine)."""
    note = _text(note, "note", required=True)
    now = cyd.clock()
    with _as(cyd, MODERATE, by, idea_id) as (session, person, actor):
        idea = _idea(session, idea_id)
        _check(rules.may_moderate(actor))
        idea.publication = (
            rules.Publication.PUBLISHED if publish else rules.Publication.PRIVATE
        ).value
        idea.moderation_note = note
        session.add(idea)
        audit.append(
            session,
            person.email,
            MODERATED,
            None,
            {"idea": idea.id, "publication": idea.publication, "note": note},
            at=now,
        )


def support(cyd: Cyd, idea_id: str, *, by: str) -> int:
    """One support from a person in the programme; the count after it."""
    now = cyd.clock()
    with _as(cyd, SUPPORT, by, idea_id) as (session, person, actor):
        idea = _idea(session, idea_id)
        supporters = session.exec(
            select(t.Person.email)
            .join(t.IdeaSupport, col(t.IdeaSupport.person_id) == col(t.Person.id))
            .where(t.IdeaSupport.idea_id == idea.id)
        ).all()
        _check(rules.may_support_idea(actor, _facts(session, idea), supporters))
        assert person.id is not None
        session.add(t.IdeaSupport(idea_id=idea.id, person_id=person.id, at=now))
        audit.append(session, person.email, SUPPORTED, None, {"idea": idea.id}, at=now)
        return len(supporters) + 1


# --- withdrawal and erasure ------------------------------------------------------------


def withdraw_by_reference(cyd: Cyd, reference: str) -> str:
    """The proposer withdraws their idea with the reference they were given; their
    contact details are erased with it. The same answer for an unknown reference as
    for a wrong one (a reference is not guessable, and says nothing either way)."""
    digest = reference_hash(reference)
    now = cyd.clock()
    with unit_of_work(cyd.engine) as session:
        idea = session.exec(select(t.Idea).where(t.Idea.reference_hash == digest)).first()
        if idea is None:
            raise CommandError("idea-reference-unknown")
        allowed = rules.may_withdraw_idea(_facts(session, idea))
        if isinstance(allowed, Denied):
            raise CommandError(allowed.code, **dict(allowed.params))
        _withdraw(session, idea, t.SYSTEM_ACTOR, now, by_proposer=True)
        withdrawn = idea.id
    idea_files.delete(data_dir(), withdrawn)  # once the withdrawal is committed
    return withdrawn


def withdraw_for(cyd: Cyd, idea_id: str, *, by: str) -> None:
    """An officer withdraws an idea because its proposer asked (by phone, in person)."""
    now = cyd.clock()
    with _as(cyd, RECORD, by, idea_id) as (session, person, actor):
        idea = _idea(session, idea_id)
        _check(rules.may_record_idea(actor))
        _check(rules.may_withdraw_idea(_facts(session, idea)))
        _withdraw(session, idea, person.email, now, by_proposer=False)
    idea_files.delete(data_dir(), idea_id)  # once the withdrawal is committed


def _withdraw(
    session: Session, idea: t.Idea, actor: str, now: dt.datetime, *, by_proposer: bool
) -> None:
    idea.state = rules.IdeaState.WITHDRAWN.value
    idea.answered_at = now
    erased = _erase(idea, now)
    files = len(idea.files)
    idea.files = []  # deleted with the idea's folder once this is committed
    session.add(idea)
    audit.append(
        session,
        actor,
        WITHDRAWN,
        None,
        {
            "idea": idea.id,
            "by_proposer": by_proposer,
            "contact_erased": erased,
            "files_deleted": files,
        },
        at=now,
    )


def _erase(idea: t.Idea, now: dt.datetime) -> bool:
    """Erase the proposer's contact details; True if there were any."""
    had = any((idea.contact_name, idea.contact_email, idea.contact_phone))
    idea.contact_name = idea.contact_email = idea.contact_phone = None
    idea.consent_contact = False
    idea.reference_hash = None
    if had or idea.contact_erased_at is None:
        idea.contact_erased_at = now
    return had


# --- reading ---------------------------------------------------------------------------


def _supports(session: Session, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(t.IdeaSupport.idea_id, func.count())
        .where(col(t.IdeaSupport.idea_id).in_(ids))
        .group_by(col(t.IdeaSupport.idea_id))
    ).all()
    return {idea_id: int(n) for idea_id, n in rows}


def _view(
    session: Session, idea: t.Idea, now: dt.datetime, supports: int | None = None
) -> IdeaView:
    recorder = session.get(t.Person, idea.recorded_by_id) if idea.recorded_by_id else None
    return IdeaView(
        id=idea.id,
        what=idea.what,
        why=idea.why,
        who_helps=idea.who_helps,
        lang=idea.lang,
        route=idea.route,
        behalf=idea.behalf,
        on_behalf_of=idea.on_behalf_of,
        recorded_by=recorder.email if recorder else None,
        state=idea.state,
        workstream=idea.workstream_id,
        publication=idea.publication,
        venture=idea.venture_id,
        received_at=idea.received_at,
        due_at=idea.due_at,
        answered_at=idea.answered_at,
        past_promise=rules.past_promise(rules.IdeaState(idea.state), idea.due_at, now),
        supports=_supports(session, [idea.id]).get(idea.id, 0) if supports is None else supports,
        answer=idea.answer,
        contact_name=idea.contact_name,
        contact_email=idea.contact_email,
        contact_phone=idea.contact_phone,
        contact_erased=idea.contact_erased_at is not None,
        consent_contact=idea.consent_contact,
        consent_publish=idea.consent_publish,
        reply_language=idea.reply_language,
        reply_format=idea.reply_format,
    )


def _may_see(session: Session, actor: Actor, idea: t.Idea) -> bool:
    return bool(rules.may_triage(actor, _facts(session, idea))) or bool(rules.may_moderate(actor))


def ideas_for(cyd: Cyd, *, by: str, open_only: bool = False) -> list[IdeaView]:
    """The ideas `by` triages or moderates (all, for triage, moderators and admins;
    their workstream's, for a lead), soonest promise first."""
    now = cyd.clock()
    with read_session(cyd.engine) as session:
        person = queries.person_by_email(session, by)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=by)
        actor = actor_for(session, person)
        statement = select(t.Idea).order_by(col(t.Idea.due_at), col(t.Idea.id))
        if open_only:
            statement = statement.where(col(t.Idea.state).in_([s.value for s in rules.OPEN]))
        ideas = [i for i in session.exec(statement).all() if _may_see(session, actor, i)]
        counts = _supports(session, [i.id for i in ideas])
        return [_view(session, i, now, counts.get(i.id, 0)) for i in ideas]


def idea_view(cyd: Cyd, idea_id: str, *, by: str) -> IdeaView:
    now = cyd.clock()
    with read_session(cyd.engine) as session:
        person = queries.person_by_email(session, by)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=by)
        idea = _idea(session, idea_id)
        if not _may_see(session, actor_for(session, person), idea):
            raise NotFound("idea-not-found", idea=idea_id)  # as if it were not there
        return _view(session, idea, now)


def public_ideas(engine: Engine) -> list[PublicIdea]:
    """The ideas shown publicly (their proposers agreed, a moderator checked them),
    newest first."""
    with read_session(engine) as session:
        ideas = session.exec(
            select(t.Idea)
            .where(col(t.Idea.consent_publish))
            .where(t.Idea.publication == rules.Publication.PUBLISHED.value)
            .where(t.Idea.state != rules.IdeaState.WITHDRAWN.value)
            .order_by(col(t.Idea.received_at).desc(), col(t.Idea.id).desc())
        ).all()
        counts = _supports(session, [i.id for i in ideas])
        return [
            PublicIdea(
                id=i.id,
                what=i.what,
                why=i.why,
                who_helps=i.who_helps,
                lang=i.lang,
                on_behalf_of=i.on_behalf_of,
                state=i.state,
                received_at=i.received_at,
                supports=counts.get(i.id, 0),
                answer=i.answer,
                venture=i.venture_id,
            )
            for i in ideas
        ]


@dataclass(frozen=True)
class VentureIdea:
    """The idea a venture started from: its id, the credit (the group or employer it
    was put forward for, "" for a local person: a person is never named), and its text,
    which is the venture's summary, in the language it was written in."""

    id: str
    credit: str
    what: str
    lang: str


def idea_of_venture(engine: Engine, venture_id: str) -> VentureIdea | None:
    with read_session(engine) as session:
        idea = session.exec(
            select(t.Idea)
            .where(t.Idea.venture_id == venture_id)
            .where(t.Idea.state == rules.IdeaState.ADOPTED.value)
        ).first()
        if idea is None:
            return None
        return VentureIdea(idea.id, idea.on_behalf_of or "", idea.what, idea.lang)


# --- the sweep -------------------------------------------------------------------------


def sweep_ideas(cyd: Cyd) -> IdeaSweep:
    """What the programme's sweep does for ideas, each step once (kept on the idea):
    remind those who triage before the promise, flag an idea past its promise to them
    and the admins, tell proposers where the work from their idea stands ("you said,
    we did"), and erase contact details kept past the programme's retention."""
    now = cyd.clock()
    report = IdeaSweep()
    with unit_of_work(cyd.engine) as session:
        from services.programme_import import NoProgrammeError

        try:
            policy = _policy(session)
        except NoProgrammeError:  # none imported yet: nothing to sweep
            return report
        calendar = _calendar(now)
        open_ideas = session.exec(
            select(t.Idea)
            .where(col(t.Idea.state).in_([s.value for s in rules.OPEN]))
            .order_by(col(t.Idea.due_at), col(t.Idea.id))
        ).all()
        for idea in open_ideas:
            _remind(session, idea, policy, calendar, now, report)
        for idea in session.exec(
            select(t.Idea)
            .where(col(t.Idea.state).in_(["adopted", "merged"]))
            .where(col(t.Idea.venture_id).is_not(None))
            .order_by(col(t.Idea.id))
        ).all():
            _update(session, cyd, idea, now, report)
        keep = dt.timedelta(days=policy.keep_contact_days)
        for idea in session.exec(
            select(t.Idea)
            .where(col(t.Idea.answered_at).is_not(None))
            .where(col(t.Idea.answered_at) < now - keep)
            .where(col(t.Idea.contact_erased_at).is_(None))
            .order_by(col(t.Idea.id))
        ).all():
            _erase(idea, now)
            session.add(idea)
            report.erased.append(idea.id)
            audit.append(
                session,
                t.SYSTEM_ACTOR,
                CONTACT_ERASED,
                None,
                {"idea": idea.id, "kept_days": policy.keep_contact_days},
                at=now,
            )
    return report


def _remind(
    session: Session,
    idea: t.Idea,
    policy: Any,
    calendar: Any,
    now: dt.datetime,
    report: IdeaSweep,
) -> None:
    past = rules.past_promise(rules.IdeaState(idea.state), idea.due_at, now)
    if past and idea.escalated_at is None:
        kind = "escalation"
    elif (
        not past
        and idea.reminded_at is None
        and policy.remind_days > 0
        and local_day(now, calendar.tz) >= _reminder_day(idea.due_at, policy.remind_days, calendar)
    ):
        kind = "reminder"
    else:
        return
    who = _leads(session, idea.workstream_id) or _triagers(session)
    if kind == "escalation":
        who = list({p.email: p for p in [*who, *_triagers(session), *_admins(session)]}.values())
    stream = session.get(t.Workstream, idea.workstream_id) if idea.workstream_id else None
    told = tell(
        session,
        who,
        "idea-to-answer",
        {
            "group": False,
            "idea": _brief(idea),
            "due": idea.due_at.isoformat(),
            "past": past,
            "workstream": {"id": stream.id, "name": stream.name} if stream else None,
            "received": idea.received_at.isoformat(),
        },
        key=f"idea:{idea.id}:{kind}:{idea.workstream_id}",
    )
    if kind == "escalation":
        idea.escalated_at = now
        report.escalated.append(idea.id)
    else:
        idea.reminded_at = now
        report.reminded.append(idea.id)
    session.add(idea)
    audit.append(
        session,
        t.SYSTEM_ACTOR,
        REMINDED,
        None,
        {
            "idea": idea.id,
            "kind": kind,
            "to": sorted(p.email for p in who),
            "messages": told.queued,
        },
        at=now,
    )


def _reminder_day(due: dt.datetime, days: int, calendar: Any) -> dt.date:
    """The working day `days` working days before the promise's day."""
    day = local_day(due, calendar.tz)
    for _ in range(days):
        day = previous_working_day(day, calendar.holidays)
    return day


def _update(session: Session, cyd: Cyd, idea: t.Idea, now: dt.datetime, report: IdeaSweep) -> None:
    venture = session.get(t.Venture, idea.venture_id)
    if venture is None:
        return
    stage = f"{venture.gate_id}:{venture.state}"
    if idea.told == stage:
        return
    idea.told = stage
    session.add(idea)
    queued = _reply(
        session,
        idea,
        "idea-update",
        {
            "venture": {"id": venture.id, "title": venture.title},
            "state": venture.state,
            "gate": {"id": venture.gate_id, "title": _gate_title(cyd, venture.gate_id)},
        },
        f"update:{stage}",
    )
    report.updates.append(idea.id)
    audit.append(
        session,
        t.SYSTEM_ACTOR,
        UPDATED,
        venture.id,
        {"idea": idea.id, "stage": stage, "told": queued},
        at=now,
    )


def _gate_title(cyd: Cyd, gate_id: str) -> dict[str, str]:
    try:
        title = cyd.library.gate(gate_id).title
    except KeyError:
        return {"en": gate_id, "cy": gate_id}
    return {"en": title.en, "cy": title.cy}


# --- the replay (services.replay): each entry done again, one entry each -------------


def replay_received(
    cyd: Cyd,
    entry: t.AuditEntry,
    contact: tuple[str | None, ...],
    files: list[dict[str, Any]],
) -> None:
    """`idea.received` again, with the contact details `contact` (name, email, phone)
    the source still holds, or stand-ins where they were erased since (the log says
    only whether they were given)."""
    p = entry.payload
    logged = p.get("files", [])
    if len(files) != len(logged):  # deleted since (withdrawn): as the log describes them
        files = [{"name": "(deleted)", "path": "", **f} for f in logged]
    given = p["contact"]
    stand_in = ("(erased)", f"erased-{p['idea']}@example.invalid", "000000")
    name, email, phone = (
        (kept or stand_in[k]) if given[key] else None
        for k, (key, kept) in enumerate(zip(("name", "email", "phone"), contact, strict=True))
    )
    idea = NewIdea(
        what=p["what"],
        why=p["why"],
        who_helps=p["who_helps"],
        lang=p["lang"],
        route=p["route"],
        behalf=p["behalf"],
        on_behalf_of=p["on_behalf_of"],
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        consent_contact=p["consent_contact"],
        consent_publish=p["consent_publish"],
        reply_language=p["reply_language"],
        reply_format=p["reply_format"],
        workstream=p["workstream"],
    )
    with unit_of_work(cyd.engine) as session:
        recorder = (
            queries.person_by_email(session, entry.actor) if entry.actor != t.SYSTEM_ACTOR else None
        )
        # The files' descriptions as the source keeps them (the bytes stay where they
        # are: a replay rebuilds the database, not the data folder).
        _receive(session, idea, recorder=recorder, now=entry.at, idea_id=p["idea"], described=files)


def replay_withdrawn(cyd: Cyd, entry: t.AuditEntry) -> None:
    """Done in the database only: the replay never deletes files in the data folder."""
    p = entry.payload
    with unit_of_work(cyd.engine) as session:
        _withdraw(
            session, _idea(session, p["idea"]), entry.actor, entry.at, by_proposer=p["by_proposer"]
        )


def replay_swept(cyd: Cyd, entry: t.AuditEntry) -> None:
    """A step of the sweep (a reminder or escalation, an update, an erasure), for the
    one idea the entry names, at the entry's time."""
    p = entry.payload
    now = entry.at
    report = IdeaSweep()
    with unit_of_work(cyd.engine) as session:
        idea = _idea(session, p["idea"])
        policy = _policy(session)
        if entry.action == REMINDED:
            _remind(session, idea, policy, _calendar(now), now, report)
        elif entry.action == UPDATED:
            _update(session, cyd, idea, now, report)
        else:
            _erase(idea, now)
            session.add(idea)
            audit.append(
                session,
                t.SYSTEM_ACTOR,
                CONTACT_ERASED,
                None,
                {"idea": idea.id, "kept_days": policy.keep_contact_days},
                at=now,
            )
