"""The tables: people, workstreams, ventures and their gates, every human action,
the notifications outbox and the audit log.

Conventions:
- Times are timezone-aware UTC `datetime`s (`UTCDateTime`); a naive one is refused.
- History is kept, never overwritten: answers, reviews and votes are superseded by a
  new row (`is_current` false, `superseded_by_id` pointing at the new row), and at most
  one row is current per person and subject (a partial unique index).
- A venture passes through gates (design, delivery, ...). Its pass through one gate
  is a `GateRun`, keyed by (venture, gate), which pins the gate version, the
  checklist versions and the decision rule (name and a JSON snapshot) it started
  with: the venture stays on them. The pinned checklists themselves are stored once
  per distinct content (`StoredDefinition`, by SHA-256), the gate run naming them.
  Answers, reviewer assignments and reviews belong to the gate run.
- Each time the venture goes (or comes back) to the Board in a gate, a `Ballot`
  opens: (venture, gate, number) with number 1, 2, ... Votes belong to a ballot,
  and a ballot is decided at most once (`Decision` is unique per ballot).
- Vocabularies owned by the governance rules (venture states, vote choices,
  outcomes) are stored as short strings, unchecked here; the fixed ones (language,
  format, outbox status, recommendation, deadline kind) are CHECK-constrained.
- People are referred to by `person.id`; the audit log names them by email.
- Sign-in secrets (a link's token, a code, a session's token) are stored as hashes
  only; the plain values exist in the person's message and browser, nowhere else.
- Notification channel URLs (apprise) are secrets: never in a repr, and statement
  parameters are hidden from logs by the engine. Show `Channel.masked_url`. They are
  sealed at rest (`models.sealed.SealedText`): plain in Python, encrypted in the
  database, so a channel is never looked up by its URL in SQL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKeyConstraint,
    Index,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel

from models.db import utcnow
from models.sealed import SealedText

# Named constraints, so that later migrations can refer to them on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LANGUAGES = ("en", "cy")
FORMATS = ("standard", "easy-read")
ROLES = (
    "lead",
    "co-producer",
    "reviewer",
    "board-member",
    "chair",
    "admin",
    "clerk",
    "translator",
    "triage",
    "moderator",
)
RECOMMENDATIONS = ("go", "recycle")
DEADLINE_KINDS = ("answers", "review", "vote")
OUTBOX_STATUSES = ("pending", "sent", "dead")
REMINDER_ACTIONS = ("answer", "review", "vote", "translate")
SUMMARY_VERDICTS = ("agreed", "changes")  # a co-producer's check of an Easy Read summary
REMINDER_KINDS = ("reminder", "escalation")
# A venture's next look "at once": before any sweep's clock, simulated or real (a sweep
# may run at a time earlier than the clock of the command that changed the venture).
LOOK_AT_ONCE = datetime(1970, 1, 1, tzinfo=UTC)
SIGN_IN_KINDS = ("message", "printed")
SIGN_IN_OUTCOMES = ("issued", "unknown")
ASSISTED_KINDS = ("vote", "answer")
# pending: waiting for the person; confirmed: recorded as their vote or answer;
# declined: the person said it is not right; replaced: the clerk recorded it again.
ASSISTED_STATUSES = ("pending", "confirmed", "declined", "replaced")
# Ideas from anyone (governance/ideas.py): the same vocabularies as the rules.
IDEA_ROUTES = ("online", "paper", "phone", "roadshow", "meeting", "group", "employer", "email")
IDEA_BEHALF = ("individual", "group", "employer")
IDEA_STATES = (
    "received",
    "triaged",
    "adopted",
    "merged",
    "not-now",
    "not-for-programme",
    "withdrawn",
)
IDEA_PUBLICATION = ("unchecked", "published", "private")
SYSTEM_ACTOR = "cyd"  # the actor of automated actions (flows, sweeps)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL stores `timestamp with time zone`; SQLite stores the UTC wall time
    (SQLite has no time zones), which is given back with `tzinfo=UTC`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: use a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# The WHERE of each partial index, by index name. SQLAlchemy checks dialect options
# (`sqlite_where`, `postgresql_where`) by importing the dialect's package, PostgreSQL's
# with every driver module, which would slow every command's start on either
# database; only DDL reads them. So they are attached when DDL is made from these
# tables (`ddl_metadata`: Alembic, `create_all`), not when the tables are declared.
_PARTIAL_WHERE: dict[str, str] = {}


def _current_only(*columns: str, name: str) -> Index:
    """A unique index over the current row only: one current row per key."""
    _PARTIAL_WHERE[name] = "is_current"
    return Index(name, *columns, unique=True)


def _gate_run_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["venture_id", "gate_id"], ["gate_run.venture_id", "gate_run.gate_id"]
    )


def _ballot_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["venture_id", "gate_id", "ballot"],
        ["ballot.venture_id", "ballot.gate_id", "ballot.number"],
    )


def normalize_email(email: str) -> str:
    """Emails are stored, and looked up, trimmed and in lower case."""
    return email.strip().lower()


def mask_url(url: str) -> str:
    """A notification URL with everything after the scheme hidden: 'mailto://***'.

    Apprise URLs carry tokens and passwords in any part, so only the scheme is shown.
    """
    scheme, sep, _rest = url.partition("://")
    if not sep or not scheme.replace("+", "").replace("-", "").isalnum():
        return "***"
    return f"{scheme}://***"


# No word boundary before the scheme: a URL run on from a word or a digit
# ("x_json://…", "1mailto://…") is masked as well.
_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://\S+")


def redact_urls(message: str) -> str:
    """`message` with every URL in it masked (for errors that may quote a channel)."""
    return _URL.sub(lambda match: f"{match.group(1)}://***", message)


class _Table(SQLModel):
    """The base of the tables. Their pydantic validators and serializers are built on
    first use, if ever, not at import: Cyd reads and writes rows through SQLAlchemy,
    which does not use them."""

    model_config = SQLModel.model_config | {"defer_build": True}


# --- people and workstreams ------------------------------------------------------------


class Person(_Table, table=True):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(_in("format", FORMATS), name="format"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(
        max_length=320, unique=True, description="stored trimmed and lower-case (normalize_email)"
    )
    name: str = Field(max_length=200)
    lived_experience: bool = False
    language: str = Field(default="en", max_length=2, description="en or cy")
    language_asked_on: date | None = Field(default=None, description="When they were asked.")
    format: str = Field(default="standard", max_length=16, description="standard or easy-read")
    supports_person_id: int | None = Field(
        default=None, foreign_key="person.id", description="Whom this person supports."
    )
    active: bool = True
    quiet_hours_from: str | None = Field(
        default=None, max_length=5, description="'HH:MM' local time: no messages from then"
    )
    quiet_hours_to: str | None = Field(
        default=None, max_length=5, description="'HH:MM' local time: messages again from then"
    )
    daily_digest: bool = Field(
        default=False, description="One message a day summing up the others, not each one."
    )


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _normalize_email(_mapper: Any, _connection: Any, person: Person) -> None:
    person.email = normalize_email(person.email)


class PersonRole(_Table, table=True):
    __tablename__ = "person_role"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=32, description="one of ROLES")


class Channel(_Table, table=True):
    """Where a person's messages go: an apprise URL (a secret)."""

    __tablename__ = "channel"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    url: str = Field(
        sa_type=SealedText, repr=False, description="apprise URL: a secret, sealed at rest"
    )
    label: str = Field(default="", max_length=100)
    active: bool = True

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


class Workstream(_Table, table=True):
    __tablename__ = "workstream"

    id: str = Field(primary_key=True, max_length=64, description="slug, e.g. 'day-services'")
    name: str = Field(max_length=200)


class WorkstreamMember(_Table, table=True):
    __tablename__ = "workstream_member"

    workstream_id: str = Field(foreign_key="workstream.id", primary_key=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    is_lead: bool = False


class ProgrammeVersion(_Table, table=True):
    """A programme file as loaded by `cyd init` (the latest row is in force)."""

    __tablename__ = "programme_version"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    source: str = Field(sa_type=Text, description="The file's text as loaded, its channels masked.")
    sealed_source: str | None = Field(
        default=None,
        sa_type=SealedText,
        repr=False,
        description="The file's text as loaded, channels and all, sealed (for the replay).",
    )

    @property
    def as_loaded(self) -> str:
        """The file's text exactly as loaded (its sha256 is `sha256`): a secret."""
        return self.sealed_source if self.sealed_source is not None else self.source

    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    loaded_by: str = Field(default=SYSTEM_ACTOR, max_length=320)


# --- ventures and gates ----------------------------------------------------------------


class Venture(_Table, table=True):
    """A venture and where it is now: its current gate run is (id, gate_id)."""

    __tablename__ = "venture"
    __table_args__ = (
        Index("ix_venture_state_deadline", "state", "deadline"),
        # The sweeps read `WHERE <due> <= now ORDER BY <due>, id` in batches (keyset):
        # the index answers each batch without reading the ventures that are not due.
        Index("ix_venture_next_reminder", "next_reminder_at", "id"),
        Index("ix_venture_next_advance", "next_advance_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=32)
    workstream_id: str = Field(foreign_key="workstream.id", index=True, max_length=64)
    title: str = Field(max_length=300, description="as its lead wrote it, in title_lang")
    title_lang: str = Field(default="en", max_length=2, description="'en' or 'cy'")
    title_other: str | None = Field(
        default=None,
        max_length=300,
        description="the title in the other language, once a translator has given it",
    )
    lead_id: int = Field(foreign_key="person.id", index=True)
    state: str = Field(max_length=32, description="a governance lifecycle state")
    gate_id: str = Field(max_length=64, description="the current gate")
    deadline: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="when the pending action is due"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"onupdate": utcnow}
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the sweeps must next look at the venture (services.due says how each is kept):
    # the earliest a reminder or escalation may be due (`cyd remind`, `send-reminders`),
    # and the earliest the rules may move it on by time alone (the `sweep` flow). None:
    # nothing is due until something about the venture changes. A new venture (however
    # it is written) is looked at by the next sweep of each kind.
    next_reminder_at: datetime | None = Field(
        default_factory=lambda: LOOK_AT_ONCE, sa_type=UTCDateTime
    )
    next_advance_at: datetime | None = Field(
        default_factory=lambda: LOOK_AT_ONCE, sa_type=UTCDateTime
    )


class GateRun(_Table, table=True):
    """A venture's pass through one gate, with the definitions it is pinned to."""

    __tablename__ = "gate_run"

    venture_id: str = Field(foreign_key="venture.id", primary_key=True, max_length=32)
    gate_id: str = Field(primary_key=True, max_length=64)
    gate_version: int
    # Each pin names its definition by content (`StoredDefinition`, stored once for
    # every gate run pinned to the same content): a few dozen bytes a pin, where a whole
    # copy of the definition was about 33 KB a gate run.
    checklists: list[dict[str, Any]] = Field(
        sa_type=JSON,
        description='pinned checklists: [{"id": ..., "version": ..., "sha256": ...}]',
    )
    decision_rule: str = Field(max_length=64)
    decision_rule_snapshot: dict[str, Any] = Field(sa_type=JSON)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="the latest submission"
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StoredDefinition(_Table, table=True):
    """A checklist definition as gate runs pin it, stored once per distinct content.

    Keyed by the SHA-256 of its canonical JSON (`models.definitions`), not by id and
    version: a venture's copy can carry its answers at earlier gates, and the Board's
    conditions are a checklist made for each approval. A row is never changed (its key
    is its content) nor deleted (gate runs are kept for ever).
    """

    __tablename__ = "checklist_definition"

    sha256: str = Field(primary_key=True, max_length=64)
    checklist_id: str = Field(max_length=64)
    version: int
    body: dict[str, Any] = Field(sa_type=JSON)


class Answer(_Table, table=True):
    """An answer to a checklist item, attributed. A changed answer is a new row."""

    __tablename__ = "answer"
    __table_args__ = (
        _gate_run_fk(),
        _current_only("venture_id", "gate_id", "checklist_id", "item_id", name="uq_answer_current"),
        Index("ix_answer_gate_run", "venture_id", "gate_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(max_length=32)
    gate_id: str = Field(max_length=64)
    checklist_id: str = Field(max_length=64)
    checklist_version: int
    item_id: str = Field(max_length=64)
    value: Any = Field(sa_type=JSON)
    by_id: int = Field(foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    is_current: bool = True
    superseded_by_id: int | None = Field(default=None, foreign_key="answer.id")


class ReviewerAssignment(_Table, table=True):
    """A reviewer assigned to a venture's gate run."""

    __tablename__ = "reviewer_assignment"
    __table_args__ = (_gate_run_fk(),)

    venture_id: str = Field(primary_key=True, max_length=32)
    gate_id: str = Field(primary_key=True, max_length=64)
    reviewer_id: int = Field(foreign_key="person.id", primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Review(_Table, table=True):
    """A reviewer's recommendation (go or recycle) on a gate run."""

    __tablename__ = "review"
    __table_args__ = (
        _gate_run_fk(),
        CheckConstraint(_in("recommend", RECOMMENDATIONS), name="recommend"),
        _current_only("venture_id", "gate_id", "reviewer_id", name="uq_review_current"),
        Index("ix_review_gate_run", "venture_id", "gate_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(max_length=32)
    gate_id: str = Field(max_length=64)
    reviewer_id: int = Field(foreign_key="person.id")
    recommend: str = Field(max_length=16, description="go or recycle")
    note: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    stale: bool = Field(default=False, description="an answer changed after it was given")
    is_current: bool = True
    superseded_by_id: int | None = Field(default=None, foreign_key="review.id")


class Interest(_Table, table=True):
    """A Board member's declaration of interest in a venture: they are recused."""

    __tablename__ = "interest"

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", index=True, max_length=32)
    member_id: int = Field(foreign_key="person.id")
    text: str = Field(sa_type=Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Ballot(_Table, table=True):
    """One round of voting by the Board on a venture's gate: number 1, 2, ... per gate."""

    __tablename__ = "ballot"
    __table_args__ = (_gate_run_fk(),)

    venture_id: str = Field(primary_key=True, max_length=32)
    gate_id: str = Field(primary_key=True, max_length=64)
    number: int = Field(primary_key=True, ge=1)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deadline: datetime = Field(sa_type=UTCDateTime, description="when voting closes")
    closed_by_chair: bool = False
    closed_by_id: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    more_time_granted: list[int] = Field(
        default_factory=list, sa_type=JSON, description="ids of members given more time"
    )


class Vote(_Table, table=True):
    __tablename__ = "vote"
    __table_args__ = (
        _ballot_fk(),
        _current_only("venture_id", "gate_id", "ballot", "member_id", name="uq_vote_current"),
        Index("ix_vote_ballot", "venture_id", "gate_id", "ballot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(max_length=32)
    gate_id: str = Field(max_length=64)
    ballot: int = Field(description="the ballot's number")
    member_id: int = Field(foreign_key="person.id")
    choice: str = Field(max_length=32, description="approve, recycle, ..., more-time")
    reason: str | None = Field(default=None, sa_type=Text)
    supported_by_id: int | None = Field(
        default=None, foreign_key="person.id", description="a supporter who helped"
    )
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    stale: bool = Field(default=False, description="an answer changed after it was given")
    is_current: bool = True
    superseded_by_id: int | None = Field(default=None, foreign_key="vote.id")


class Decision(_Table, table=True):
    """The Board's decision on one ballot: recorded once (unique per ballot)."""

    __tablename__ = "decision"
    __table_args__ = (
        _ballot_fk(),
        UniqueConstraint("venture_id", "gate_id", "ballot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(max_length=32)
    gate_id: str = Field(max_length=64)
    ballot: int
    outcome: str = Field(max_length=32)
    rule: str = Field(max_length=64, description="the decision rule applied")
    reasons: list[Any] = Field(sa_type=JSON, description='[{"code": ..., "text": ...}, ...]')
    tally: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, description="the counts")
    conditions: list[str] = Field(default_factory=list, sa_type=JSON)
    closed_by: str = Field(default="deadline", max_length=16, description="deadline or chair")
    casting_vote_used: bool = False
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Deadline(_Table, table=True):
    """A deadline set or extended for a gate run; the latest row of a kind is in force."""

    __tablename__ = "deadline"
    __table_args__ = (
        _gate_run_fk(),
        CheckConstraint(_in("kind", DEADLINE_KINDS), name="kind"),
        Index("ix_deadline_gate_run", "venture_id", "gate_id", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(max_length=32)
    gate_id: str = Field(max_length=64)
    kind: str = Field(max_length=16, description="answers, review or vote")
    ballot: int | None = Field(default=None, description="for a vote: the ballot's number")
    until: datetime = Field(sa_type=UTCDateTime)
    is_extension: bool = False
    by_id: int | None = Field(default=None, foreign_key="person.id", description="None: Cyd")
    reason: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Denial(_Table, table=True):
    """An attempt that the rules refused, and why."""

    __tablename__ = "denial"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=320, description="who tried (email, as given)")
    action: str = Field(max_length=64)
    venture_id: str | None = Field(default=None, index=True, max_length=32)
    reason: str = Field(sa_type=Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class ReminderSent(_Table, table=True):
    """A reminder, or an escalation, that was sent: each one once (the unique key).

    Keyed by (venture, gate, ballot, person, action, step) as the reminder rules
    (`governance.reminders`) key it: `person` is the one who has not acted, `ballot`
    is 0 when the action is not a vote, and `step` says which reminder it was
    (`d-1@2026-12-10`: one day before the deadline of that day) or which escalation
    (`escalate-lead`, `escalate-chair`). Written in the unit of work that queues its
    messages and its audit entry.
    """

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint(
            "venture_id",
            "gate_id",
            "ballot",
            "person_id",
            "action",
            "step",
            name="uq_reminder_sent_key",
        ),
        CheckConstraint(_in("action", REMINDER_ACTIONS), name="action"),
        CheckConstraint(_in("kind", REMINDER_KINDS), name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", max_length=32)
    gate_id: str = Field(max_length=64)
    ballot: int = Field(default=0, description="the ballot's number; 0 when not a vote")
    person_id: int = Field(foreign_key="person.id", description="who has not acted")
    action: str = Field(max_length=16, description="answer, review, vote or translate")
    step: str = Field(max_length=64, description="e.g. 'd-1@2026-12-10' or 'escalate-lead'")
    kind: str = Field(max_length=16, description="reminder or escalation")
    recipient_id: int = Field(foreign_key="person.id", description="who was told")
    deadline: datetime = Field(sa_type=UTCDateTime, description="the deadline in force")
    count: int = Field(description="the reminder's number; for an escalation, reminders so far")
    audit_seq: int | None = Field(default=None, description="the audit entry that records it")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Translation(_Table, table=True):
    """A text written in one language, to be translated into the other by a person with
    the role `translator` (services.translations). `text` is empty until it is given."""

    __tablename__ = "translation"
    __table_args__ = (
        CheckConstraint(_in("source_lang", LANGUAGES), name="source_lang"),
        CheckConstraint(_in("target_lang", LANGUAGES), name="target_lang"),
        Index("ix_translation_open", "done_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", index=True, max_length=32)
    subject: str = Field(max_length=32, description="what is translated, e.g. 'venture-title'")
    source_lang: str = Field(max_length=2)
    source_text: str = Field(sa_type=Text)
    target_lang: str = Field(max_length=2)
    text: str | None = Field(default=None, sa_type=Text)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: int | None = Field(default=None, foreign_key="person.id")


class EasyReadSummary(_Table, table=True):
    """A venture in Easy Read, for the Easy Read Board pack: written by its lead in one
    language (its other language comes through a translation), checked by a co-producer
    ("this says it right", or what to change). Each rewrite is a new row; the newest is
    in force, and only a summary a co-producer agreed goes into the pack."""

    __tablename__ = "easy_read_summary"
    __table_args__ = (
        CheckConstraint(_in("lang", LANGUAGES), name="lang"),
        CheckConstraint(_in("verdict", SUMMARY_VERDICTS), name="verdict"),
        Index("ix_easy_read_summary_venture", "venture_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", max_length=32)
    lang: str = Field(max_length=2, description="the language it was written in")
    text: str = Field(sa_type=Text)
    written_by: int = Field(foreign_key="person.id")
    written_at: datetime = Field(sa_type=UTCDateTime)
    checked_by: int | None = Field(default=None, foreign_key="person.id")
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verdict: str | None = Field(default=None, max_length=16, description="agreed or changes")
    check_note: str | None = Field(default=None, sa_type=Text, description="what to change")


class SignOff(_Table, table=True):
    """A co-producer with lived experience confirmed "this checklist says what we agreed"
    at a gate (the gate's `sign_off` asks for some before submission). A later change to
    any answer of the gate voids it (`voided_at`), as it makes reviews stale."""

    __tablename__ = "sign_off"
    __table_args__ = (Index("ix_sign_off_venture_gate", "venture_id", "gate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", max_length=32)
    gate_id: str = Field(max_length=64)
    person_id: int = Field(foreign_key="person.id")
    at: datetime = Field(sa_type=UTCDateTime)
    voided_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="when a changed answer voided it"
    )


class AssistedAction(_Table, table=True):
    """A vote or an answer a clerk recorded for a person, from what they said at a
    meeting. It is not a Vote or an Answer, so nothing counts it (quorum, tally,
    completeness) until the person confirms it; then it is recorded through the same
    command as their own action, naming the clerk, and this row says so."""

    __tablename__ = "assisted_action"
    __table_args__ = (
        CheckConstraint(_in("kind", ASSISTED_KINDS), name="kind"),
        CheckConstraint(_in("status", ASSISTED_STATUSES), name="status"),
        Index("ix_assisted_action_for", "for_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    venture_id: str = Field(foreign_key="venture.id", index=True, max_length=32)
    gate_id: str = Field(max_length=64)
    kind: str = Field(max_length=16, description="vote or answer")
    for_id: int = Field(foreign_key="person.id", description="whose vote or answer it is")
    recorded_by_id: int = Field(foreign_key="person.id", description="the clerk")
    ballot: int | None = Field(default=None, description="a vote: the ballot's number")
    choice: str | None = Field(default=None, max_length=32, description="a vote: the choice")
    reason: str | None = Field(default=None, sa_type=Text, description="a vote: conditions")
    checklist_id: str | None = Field(default=None, max_length=64, description="an answer's")
    item_id: str | None = Field(default=None, max_length=64, description="an answer's item")
    value: Any = Field(
        default=None, sa_type=JSON, nullable=True, description="an answer: the value"
    )
    status: str = Field(default="pending", max_length=16, description="one of ASSISTED_STATUSES")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="when confirmed, declined or replaced"
    )


# --- signing in --------------------------------------------------------------------------------


class SignInRequest(_Table, table=True):
    """A request to sign in, and what it issued: a one-time link and code sent through
    the person's channels (`message`), or a code an admin printed for them (`printed`).

    Only hashes are stored: the link's token (`link_hash`, sha256 of 256 random bits)
    and the code (`code_hash`, salted scrypt: a six-digit code has only a million
    values, which a plain hash would give back at once). Every request is a row, also
    one for an email no active person has (`outcome` unknown), because the rate limits
    count them; the email is kept only as its hash, so an address typed by mistake is
    not stored. A request refused by a rate limit issues nothing and is no row (its
    audit entry says so), so a flood of refusals does not grow the table.
    `requested_from` is the network the request came from, never a whole address
    (see `services.sign_in.network_of`).
    """

    __tablename__ = "sign_in_request"
    __table_args__ = (
        CheckConstraint(_in("kind", SIGN_IN_KINDS), name="kind"),
        CheckConstraint(_in("outcome", SIGN_IN_OUTCOMES), name="outcome"),
        Index("ix_sign_in_request_email", "email_hash", "created_at"),
        Index("ix_sign_in_request_from", "requested_from", "created_at"),
        Index("ix_sign_in_request_person", "person_id", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", description="None: no active person has the email"
    )
    email_hash: str = Field(max_length=64, description="sha256 of the email as normalized")
    kind: str = Field(default="message", max_length=16, description="message or printed")
    outcome: str = Field(max_length=16, description="issued or unknown")
    link_hash: str | None = Field(
        default=None, max_length=64, unique=True, repr=False, description="sha256 of the token"
    )
    code_hash: str | None = Field(
        default=None, max_length=128, repr=False, description="'salt:scrypt' of the code"
    )
    requested_from: str | None = Field(
        default=None, max_length=64, description="the network asked from, e.g. 203.0.113.0/24"
    )
    remember: bool = Field(default=False, description="'remember this device' when asked")
    issued_by_id: int | None = Field(
        default=None, foreign_key="person.id", description="the admin who printed the code"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0, description="wrong codes typed against it")


class SignInSession(_Table, table=True):
    """A signed-in browser. The browser holds a random token; `id` is its sha256, so
    the table alone signs nobody in. Ends at `expires_at` or when revoked."""

    __tablename__ = "sign_in_session"

    id: str = Field(primary_key=True, max_length=64, repr=False, description="sha256 of the token")
    person_id: int = Field(foreign_key="person.id", index=True)
    request_id: int | None = Field(
        default=None, foreign_key="sign_in_request.id", description="the sign-in that made it"
    )
    remember: bool = Field(default=False, description="'remember this device': a long session")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- outbox and audit log ----------------------------------------------------------------


class Idea(_Table, table=True):
    """An idea put forward by anyone (governance/ideas.py): what it is, how it came,
    whom it is from, and what became of it.

    Contact details are personal data: sealed at rest, read only by those who triage,
    never written to the audit log, and erased (set to None, `contact_erased_at` kept)
    when the proposer withdraws or the programme's retention ends. The idea's own text
    stays: it is what the programme was asked, and the answer refers to it."""

    __tablename__ = "idea"
    __table_args__ = (
        CheckConstraint(_in("route", IDEA_ROUTES), name="route"),
        CheckConstraint(_in("behalf", IDEA_BEHALF), name="behalf"),
        CheckConstraint(_in("state", IDEA_STATES), name="state"),
        CheckConstraint(_in("publication", IDEA_PUBLICATION), name="publication"),
        CheckConstraint(_in("lang", LANGUAGES), name="lang"),
        CheckConstraint(_in("reply_language", LANGUAGES), name="reply_language"),
        CheckConstraint(_in("reply_format", FORMATS), name="reply_format"),
        Index("ix_idea_state_due", "state", "due_at"),
    )

    id: str = Field(primary_key=True, max_length=32, description="i-0001, counted")
    what: str = Field(sa_type=Text, description="the idea, in the proposer's words")
    why: str = Field(default="", sa_type=Text, description="why it matters")
    who_helps: str = Field(default="", sa_type=Text, description="who it would help")
    lang: str = Field(default="en", max_length=2, description="the language it is written in")
    route: str = Field(max_length=16, description="how it came: one of IDEA_ROUTES")
    behalf: str = Field(max_length=16, description="individual, group or employer")
    on_behalf_of: str | None = Field(
        default=None, max_length=200, description="the group's or employer's name"
    )
    recorded_by_id: int | None = Field(
        default=None, foreign_key="person.id", description="the officer who wrote it down"
    )
    proposer_id: int | None = Field(
        default=None, foreign_key="person.id", description="a proposer in the programme"
    )
    contact_name: str | None = Field(default=None, sa_type=SealedText, repr=False)
    contact_email: str | None = Field(default=None, sa_type=SealedText, repr=False)
    contact_phone: str | None = Field(default=None, sa_type=SealedText, repr=False)
    contact_erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_contact: bool = Field(default=False, description="may be contacted about it")
    consent_publish: bool = Field(default=False, description="may be shown on the public list")
    reply_language: str = Field(default="en", max_length=2)
    reply_format: str = Field(default="standard", max_length=16)
    reference_hash: str | None = Field(
        default=None, max_length=64, repr=False, description="sha256 of the private reference"
    )
    state: str = Field(default="received", max_length=24)
    workstream_id: str | None = Field(default=None, foreign_key="workstream.id", max_length=64)
    publication: str = Field(default="unchecked", max_length=16)
    moderation_note: str | None = Field(default=None, sa_type=Text)
    answer: dict[str, Any] | None = Field(
        default=None,
        sa_type=JSON,
        description='{"reason": {variant: text}, "what_next": {variant: text}}',
    )
    venture_id: str | None = Field(default=None, foreign_key="venture.id", max_length=32)
    received_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime, description="the promise of an answer")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    told: str | None = Field(
        default=None, max_length=100, description="the venture's stage the proposer was told of"
    )
    files: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_type=JSON,
        description="pictures, audio or video with it (services.idea_files): in the data folder",
    )
    submission: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        repr=False,
        description="sha256 of the public form's one-time stamp: one idea per form served",
    )


class IdeaSupport(_Table, table=True):
    """One person's support for an idea: counted, never a vote that decides."""

    __tablename__ = "idea_support"

    idea_id: str = Field(foreign_key="idea.id", primary_key=True, max_length=32)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)


class OutboxMessage(_Table, table=True):
    """A message to one person on one channel, sent (at most once) by the deliverer."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(_in("language", LANGUAGES), name="language"),
        CheckConstraint(_in("format", FORMATS), name="format"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        CheckConstraint(
            "(person_id IS NOT NULL AND channel_id IS NOT NULL AND idea_id IS NULL)"
            " OR (person_id IS NULL AND channel_id IS NULL AND idea_id IS NOT NULL)",
            name="addressee",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    event: str = Field(max_length=64, description="e.g. 'venture.returned', 'vote.reminder'")
    venture_id: str | None = Field(default=None, foreign_key="venture.id", max_length=32)
    # A message to a person in the programme names them and their channel; a reply to
    # the proposer of an idea (who may have no person row) names the idea instead, and
    # goes to the contact they gave (`Idea.contact_email`) through the programme's
    # reply channel. Exactly one of the two.
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    idea_id: str | None = Field(default=None, foreign_key="idea.id", index=True, max_length=32)
    language: str = Field(max_length=2)
    format: str = Field(max_length=16)
    payload: dict[str, Any] = Field(sa_type=JSON)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    digest_id: int | None = Field(
        default=None,
        foreign_key="outbox_message.id",
        index=True,
        description="The daily digest message that carries this one (it is not sent alone).",
    )
    attachments: list[str] | None = Field(
        default=None,
        sa_type=JSON,
        description=(
            "Files sent with the message: paths relative to the data folder (checked by"
            " `models.outbox.attachment_path`), e.g. a Board member's papers."
        ),
    )


class AuditEntry(_Table, table=True):
    """One entry of the hash-chained audit log (see `models.audit`). Append-only."""

    __tablename__ = "audit_entry"

    HASHED_FIELDS: ClassVar[tuple[str, ...]] = (
        "seq",
        "at",
        "actor",
        "action",
        "venture_id",
        "payload",
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=320)
    action: str = Field(max_length=64)
    venture_id: str | None = Field(default=None, index=True, max_length=32)
    payload: dict[str, Any] = Field(sa_type=JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


# --- DDL -------------------------------------------------------------------------------------


def ddl_metadata() -> MetaData:
    """The tables' metadata with everything DDL needs: the partial indexes' WHERE, on
    SQLite and PostgreSQL. For Alembic (models/migrations/env.py); `create_all` and
    `Table.create` attach them by themselves."""
    for table in SQLModel.metadata.tables.values():
        _with_partial_where(table)
    return SQLModel.metadata


def _with_partial_where(table: Table, *_: Any, **__: Any) -> None:
    for index in table.indexes:
        where = _PARTIAL_WHERE.get(str(index.name))
        if where is not None and index.dialect_kwargs.get("sqlite_where") is None:
            index.dialect_kwargs["sqlite_where"] = text(where)
            index.dialect_kwargs["postgresql_where"] = text(where)


for _table in SQLModel.metadata.tables.values():
    if any(index.name in _PARTIAL_WHERE for index in _table.indexes):
        event.listen(_table, "before_create", _with_partial_where)
