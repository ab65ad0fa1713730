"""The programme file: people, workstreams, the Board and its decision rules.

Pure: pydantic models and cross-reference checks on the raw data (reported with
the same `file:line:col: [entry] message` positions as checklists). Reading the
file and storing it are done at the edges (`services.programme_import`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema, field_validator, model_validator

from checklists.semantics import Finding
from checklists.spec import Identifier, NonEmpty, Strict, Text
from governance.permissions import Role
from governance.rules import DecisionRule

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: object) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise ValueError("must be an email address, like name@example.org")
    return value.strip().lower()


Email = Annotated[
    str, PlainValidator(_email), WithJsonSchema({"type": "string", "format": "email"})
]


def _channel(value: object) -> str:
    # Apprise URLs are secrets (they can hold passwords and tokens): errors about
    # them never echo the value.
    if not isinstance(value, str) or "://" not in value:
        raise ValueError("each channel must be a notification URL, like mailto://… or mailbox://…")
    return value.strip()


Channel = Annotated[
    str, PlainValidator(_channel), WithJsonSchema({"type": "string", "pattern": "://"})
]


_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _clock(value: object) -> str:
    if not isinstance(value, str) or not _CLOCK.match(value.strip()):
        raise ValueError('must be a time of day on the 24-hour clock, like "21:00"')
    return value.strip()


ClockTime = Annotated[
    str,
    PlainValidator(_clock),
    WithJsonSchema({"type": "string", "pattern": _CLOCK.pattern}),
]


_PHONE = re.compile(r"^\+?[0-9(][0-9 ()-]*[0-9]$")


def _phone(value: object) -> str:
    # A number written as people dial it ("01632 960 123"): unquoted digits in YAML
    # would be read as a number and lose the leading 0, so only a string is taken.
    if not isinstance(value, str):
        raise ValueError('write the phone number in quotes, like "01632 960 123"')
    number = " ".join(value.split())
    digits = sum(c.isdigit() for c in number)
    if not _PHONE.match(number) or not 10 <= digits <= 15:
        raise ValueError('must be a phone number of 10 to 15 digits, like "01632 960 123"')
    return number


Phone = Annotated[
    str,
    PlainValidator(_phone),
    WithJsonSchema({"type": "string", "pattern": _PHONE.pattern}),
]


class Contact(Strict):
    """The person people can ask about the programme. Every message ends by naming them
    (with the phone number and email), and so does every page: the Welsh Language
    Standards ask correspondence to say whom to contact, and a person with a learning
    disability is helped most by a named person and a number to ring."""

    name: NonEmpty = Field(description="The person's name, as people would ask for them.")
    role: Text | None = Field(
        default=None, description="What they do, in English and Welsh (optional)."
    )
    phone: Phone = Field(description='A phone number, in quotes: "01632 960 123".')
    email: Email


class QuietHours(Strict):
    """A daily time when no message is sent (local time); they wait until it ends."""

    start: ClockTime = Field(alias="from", description="When quiet starts, e.g. 21:00.")
    end: ClockTime = Field(alias="to", description="When it ends, e.g. 08:00 (the next day).")

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")
        return self


class PersonSpec(Strict):
    email: Email
    name: NonEmpty
    roles: list[Role] = Field(default_factory=list)
    lived_experience: bool = False
    language: Literal["en", "cy"] | None = Field(
        default=None, description="The language the person chose; unset means both."
    )
    language_asked_on: dt.date | None = Field(
        default=None, description="When the person was asked their language."
    )
    format: Literal["standard", "easy-read"] = "standard"
    channels: list[Channel] = Field(default_factory=list, description="Apprise URLs (secret).")
    supports: Email | None = Field(
        default=None, description="The person this one supports; a supporter never votes."
    )
    quiet_hours: QuietHours | None = Field(
        default=None,
        description="No messages between these times (local time, CYD_TIMEZONE); they wait.",
    )
    digest: Literal["daily"] | None = Field(
        default=None, description="'daily': one message a day summing up the others."
    )


class WorkstreamSpec(Strict):
    id: Identifier
    name: Text
    leads: list[Email] = Field(min_length=1)
    members: list[Email] = Field(default_factory=list)


class BoardSpec(Strict):
    chair: Email
    members: list[Email] = Field(min_length=1)
    decision_rules: list[DecisionRule] = Field(min_length=1)
    meetings: list[dt.date] = Field(
        default_factory=list,
        description="The Board's meeting calendar; papers go out before each meeting.",
    )


def _days(value: object) -> list[int]:
    """A list of whole days, each once, 0–365, given back largest first."""
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) for d in value
    ):
        raise ValueError("must be a list of whole numbers of days, like [7, 1, 0]")
    if any(d < 0 or d > 365 for d in value):
        raise ValueError("each number of days must be between 0 and 365")
    if len(set(value)) != len(value):
        raise ValueError("a number of days is listed twice")
    return sorted(value, reverse=True)


Days = Annotated[
    list[int],
    PlainValidator(_days),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 365},
            "uniqueItems": True,
        }
    ),
]


# Board papers go at least this many working days before a meeting (programme policy).
BOARD_PAPERS_MIN_DAYS = 7


class ReminderPolicy(Strict):
    """When Cyd reminds people who have not acted yet, and when it tells someone else.

    A person who has an answer, a review or a vote to give by a deadline is reminded
    on each of `before_deadline_days` (0: on the day) and `after_deadline_days`
    (overdue), counted in working days of local time (Monday to Friday, not a bank
    holiday): nobody is reminded on a day off. A sweep that runs late sends only
    the latest reminder due, never a backlog. When a new reminder falls due after
    `escalate_after` reminders went unheeded, the venture's lead is told (for a
    review) or the chair (for a vote), or the admins (for a translation, once it is
    overdue); after `escalate_to_chair_after` reminders the chair is told (for answers
    or a review). Each reminder and each escalation goes once.
    """

    before_deadline_days: Days = Field(
        default_factory=lambda: [7, 1, 0],
        description="Remind this many working days before the deadline (0: on the day).",
    )
    after_deadline_days: Days = Field(
        default_factory=lambda: [1, 7],
        description="Remind this many working days after a deadline that has passed.",
    )
    escalate_after: int = Field(
        default=2,
        ge=1,
        le=20,
        description=(
            "Tell the lead (the chair, for a vote; the admins, for a translation overdue)"
            " after this many reminders."
        ),
    )
    escalate_to_chair_after: int | None = Field(
        default=None,
        ge=1,
        le=40,
        description="Tell the chair after this many reminders (default: twice escalate_after).",
    )
    review_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description=(
            "Working days reviewers have after a submission (to 17:00 local), unless a "
            "deadline is set."
        ),
    )
    board_pack_days_before: int = Field(
        default=7,
        ge=BOARD_PAPERS_MIN_DAYS,
        le=60,
        description=(
            "Send each Board member their papers this many working days before a meeting "
            "(programme policy: at least 7)."
        ),
    )

    @field_validator("board_pack_days_before", mode="before")
    @classmethod
    def _papers_in_time(cls, value: object) -> object:
        # Checked before the bounds so that the error says why, not only the number:
        # members need a week and more to read their papers, with a supporter if they
        # have one (programme policy; an Easy Read pack takes longer to go through).
        if isinstance(value, int) and not isinstance(value, bool) and value < BOARD_PAPERS_MIN_DAYS:
            raise ValueError(
                f"must be at least {BOARD_PAPERS_MIN_DAYS}, not {value}: papers go at least"
                f" {BOARD_PAPERS_MIN_DAYS} working days before a meeting (programme policy)"
            )
        return value

    @model_validator(mode="after")
    def _chair_after_lead(self) -> ReminderPolicy:
        chair = self.escalate_to_chair_after
        if chair is not None and chair < self.escalate_after:
            raise ValueError("escalate_to_chair_after must not be less than escalate_after")
        if 0 in self.after_deadline_days:
            raise ValueError("after_deadline_days counts from 1 (0 is the day itself)")
        return self

    @property
    def chair_after(self) -> int:
        """How many reminders before the chair is told."""
        return self.escalate_to_chair_after or 2 * self.escalate_after


class TranslationPolicy(Strict):
    """Text written in one language (a venture's title) goes to a translator."""

    days: int = Field(
        default=3,
        ge=1,
        le=30,
        description="Working days a translator has to give the other language.",
    )
    messages: Literal["resend", "wait"] = Field(
        default="resend",
        description=(
            "A message to a reader of the other language while the translation is on its "
            "way: 'resend' sends it now, saying the translation is coming, and sends it "
            "again once it exists; 'wait' holds it until the translation exists (at the "
            "latest until the translation is due)."
        ),
    )


class IdeaPolicy(Strict):
    """Ideas from anyone (governance/ideas.py): the promise of an answer, and how long a
    proposer's contact details are kept."""

    answer_days: int = Field(
        default=20,
        ge=1,
        le=120,
        description=(
            "Working days within which every idea is answered (adopted, merged, not now,"
            " or not for this programme); an idea still open after them is flagged."
        ),
    )
    keep_contact_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description=(
            "Days a proposer's contact details are kept after their idea is answered or"
            " withdrawn; then they are erased (the idea and its answer stay)."
        ),
    )
    reply_channel: Channel | None = Field(
        default=None,
        description=(
            "Where replies to proposers go: a notification URL (a secret, masked in the"
            " stored copy) to which each proposer's email is given as `to=`, e.g."
            " mailtos://user:password@smtp.example.org?from=ideas@example.org. Without"
            " it, proposers are answered by phone or post, as those who triage see."
        ),
    )
    remind_days: int = Field(
        default=3,
        ge=0,
        le=30,
        description=(
            "Working days before the promise at which those who triage are reminded of"
            " an idea still open (0: no reminder; past the promise it is always flagged)."
        ),
    )


class Programme(Strict):
    schema_version: Literal[1]
    kind: Literal["programme"]
    id: Identifier
    title: Text
    gates: list[Identifier] = Field(min_length=1, description="Gate ids in use, first first.")
    people: list[PersonSpec] = Field(min_length=1)
    workstreams: list[WorkstreamSpec] = Field(default_factory=list)
    board: BoardSpec
    reminders: ReminderPolicy = Field(
        default_factory=ReminderPolicy,
        description="Reminders, escalations and Board papers; defaults when left out.",
    )
    translations: TranslationPolicy = Field(
        default_factory=TranslationPolicy,
        description="Translations between English and Welsh; defaults when left out.",
    )
    ideas: IdeaPolicy = Field(
        default_factory=IdeaPolicy,
        description="Ideas from anyone: the promise of an answer; defaults when left out.",
    )
    contact: Contact | None = Field(
        default=None,
        description=(
            "Whom people can ask: named at the end of every message and page. Without "
            "it, messages ask people to reply."
        ),
    )

    def person(self, email: str) -> PersonSpec:
        key = email.strip().lower()
        for person in self.people:
            if person.email == key:
                return person
        raise KeyError(f"no person with email '{email}'")

    def rule(self, name: str) -> DecisionRule:
        for rule in self.board.decision_rules:
            if rule.name == name:
                return rule
        raise KeyError(f"no decision rule '{name}'")


# --- cross-references ----------------------------------------------------------------------


def _norm(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) else None


def _entries(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(n, e) for n, e in enumerate(value) if isinstance(e, dict)]


def check_programme(data: dict[str, Any]) -> list[Finding]:
    """Problems a schema cannot see: unknown people, duplicates, inconsistent roles."""
    return list(_check(data))


def _check(data: dict[str, Any]) -> Iterator[Finding]:
    people: dict[str, dict[str, Any]] = {}
    counts = Counter(_norm(p.get("email")) for _, p in _entries(data, "people"))
    for n, person in _entries(data, "people"):
        email = _norm(person.get("email"))
        if email is None:
            continue
        if counts[email] > 1 and email in people:
            yield Finding(("people", n, "email"), email, f"'{email}' is listed twice")
            continue
        people[email] = person
    for n, person in _entries(data, "people"):
        email = _norm(person.get("email"))
        supports = _norm(person.get("supports"))
        if supports is not None and supports not in counts:
            yield Finding(("people", n, "supports"), email, f"supports unknown person '{supports}'")
        elif supports is not None and supports == email:
            yield Finding(("people", n, "supports"), email, "a person cannot support themselves")
        elif supports is not None and _norm(people.get(supports, {}).get("supports")) == email:
            # Each would act for the other and neither for themselves; a supporter never
            # votes, so two Board members supporting each other would both lose their vote.
            yield Finding(
                ("people", n, "supports"),
                email,
                f"'{email}' and '{supports}' support each other: "
                "a person cannot support their own supporter",
            )
    yield from _check_workstreams(data, people)
    yield from _check_board(data, people)


def _roles(person: dict[str, Any] | None) -> set[str]:
    roles = person.get("roles") if person else None
    return {r for r in roles if isinstance(r, str)} if isinstance(roles, list) else set()


def _check_workstreams(
    data: dict[str, Any], people: dict[str, dict[str, Any]]
) -> Iterator[Finding]:
    seen: set[str] = set()
    for n, stream in _entries(data, "workstreams"):
        stream_id = stream.get("id") if isinstance(stream.get("id"), str) else None
        if stream_id is not None and stream_id in seen:
            yield Finding(("workstreams", n, "id"), stream_id, f"workstream '{stream_id}' twice")
        if stream_id:
            seen.add(stream_id)
        for key in ("leads", "members"):
            for k, email in enumerate(stream.get(key) or []):
                who = _norm(email)
                if who is not None and who not in people:
                    yield Finding(("workstreams", n, key, k), stream_id, f"unknown person '{who}'")
                elif who is not None and key == "leads" and "lead" not in _roles(people[who]):
                    yield Finding(
                        ("workstreams", n, key, k),
                        stream_id,
                        f"'{who}' leads a workstream but does not have the role 'lead'",
                    )


def _check_board(data: dict[str, Any], people: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    board = data.get("board")
    if not isinstance(board, dict):
        return
    members = [_norm(m) for m in board.get("members") or [] if isinstance(m, str)]
    for k, who in enumerate(members):
        if who is not None and who not in people:
            yield Finding(("board", "members", k), None, f"unknown person '{who}'")
        elif who is not None and not _roles(people[who]) & {"board-member", "chair"}:
            yield Finding(
                ("board", "members", k), None, f"'{who}' is on the Board but has no Board role"
            )
        elif who is not None and people[who].get("supports"):
            yield Finding(
                ("board", "members", k), None, f"'{who}' is a supporter; a supporter never votes"
            )
    chair = _norm(board.get("chair"))
    if chair is not None:
        if chair not in members:
            yield Finding(("board", "chair"), None, f"the chair '{chair}' is not a Board member")
        elif "chair" not in _roles(people.get(chair)):
            yield Finding(("board", "chair"), None, f"the chair '{chair}' needs the role 'chair'")
    for email, person in people.items():
        if "chair" in _roles(person) and email != chair:
            yield Finding(
                ("people",), email, f"'{email}' has the role 'chair' but is not the chair"
            )
    yield from _check_quorums(board, [m for m in members if m in people], people)
    names = Counter(r.get("name") for r in board.get("decision_rules") or [] if isinstance(r, dict))
    for k, rule in enumerate(board.get("decision_rules") or []):
        name = rule.get("name") if isinstance(rule, dict) else None
        if isinstance(name, str) and names[name] > 1:
            yield Finding(("board", "decision_rules", k, "name"), None, f"rule '{name}' twice")
            names[name] = 1  # report the later copies only


def _members(n: int) -> str:
    return "1 member" if n == 1 else f"{n} members"


def _check_quorums(
    board: dict[str, Any], members: list[str | None], people: dict[str, dict[str, Any]]
) -> Iterator[Finding]:
    """A quorum the Board could never reach would leave every vote undecided, run again
    for ever: refused when the file is loaded, not found at the first vote."""
    size = len(set(members))
    lived = sum(1 for m in set(members) if m is not None and people[m].get("lived_experience"))
    for k, rule in enumerate(board.get("decision_rules") or []):
        if not isinstance(rule, dict):
            continue
        name = rule.get("name")
        quorum = rule.get("quorum")
        if isinstance(quorum, int) and not isinstance(quorum, bool) and quorum > size:
            yield Finding(
                ("board", "decision_rules", k, "quorum"),
                None,
                f"rule '{name}' needs {_members(quorum)} taking part, but the Board has {size}",
            )
        needed = rule.get("lived_experience_quorum")
        if isinstance(needed, int) and not isinstance(needed, bool) and needed > lived:
            yield Finding(
                ("board", "decision_rules", k, "lived_experience_quorum"),
                None,
                f"rule '{name}' needs {_members(needed)} with lived experience taking part, "
                f"but the Board has {lived}",
            )


def entry_of(data: Any, path: tuple[str | int, ...]) -> str | None:
    """The person's email or the workstream's id a path falls in, for error lines."""
    if len(path) >= 2 and path[0] in ("people", "workstreams") and isinstance(path[1], int):
        try:
            entry = data[path[0]][path[1]]
        except (KeyError, IndexError, TypeError):
            return None
        key = "email" if path[0] == "people" else "id"
        value = entry.get(key) if isinstance(entry, dict) else None
        return value if isinstance(value, str) else None
    return None


def programme_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the programme file, for editors and tools."""
    from pydantic import TypeAdapter

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:cyd:schema:programme:1",
        "title": "Cyd programme file",
        "description": "People, workstreams, the Board and its decision rules, gates in use.",
        **TypeAdapter(Programme).json_schema(by_alias=True),
    }
