"""Load the programme file and store it: people, roles, channels, workstreams.

`load_programme(path)` reads and checks a programme file and gives the `Programme`,
or raises `ProgrammeError` listing every problem as `file:line:col: [entry] message`
(YAML, the schema, cross-references between people, workstreams and the Board, and
the gates: each must exist in the checklist library and use a decision rule the
Board declares).

`import_programme(engine, programme, source_text, actor)` stores it in one unit of
work: people are upserted by email (roles and channels replaced, people no longer in
the file marked inactive, never deleted: history refers to them), workstreams and
their members upserted, the file's text kept as a `ProgrammeVersion`, and one
`programme.imported` audit entry appended. Importing the same text again changes
nothing. `current_programme(session)` gives the programme in force (the latest
version), for the rules that need the Board's decision rules and the gates, its
reminder policy (`programme.reminders`: the cadence, escalation, reviewers' time and
when Board papers go out; defaults when the file leaves it out) and the Board's
meeting calendar (`programme.board.meetings`) and the programme's contact
(`programme.contact`: a person, a phone number and an email, named at the end of
every message and page; `notifications.contact.programme_contact` reads it for the
relay and the pages). Those are read from the stored text, so they need no columns
of their own: importing a changed policy, calendar or contact is a new version like
any other change.

Language. The Welsh Language Standards ask us to ask and record each person's
language. A person whose entry has no `language` has not been asked: they are stored
with language "en" and `language_asked_on` None, and "not asked" means their own
messages go in both Welsh and English (`message_languages`). A `language` therefore
needs the date it was asked, and a date needs a language.

Quiet hours (`quiet_hours: {from: "21:00", to: "08:00"}`, local time) and a daily
digest (`digest: daily`) are stored with the person (`quiet_hours_from/to`,
`daily_digest`); the notifications relay applies them.

Channels (apprise URLs) are secrets: they are stored sealed in `channel.url`
(models.sealed), the stored copy of the file keeps them masked (`mailto://***`) and
the file as loaded is kept sealed beside it (for the replay); they never appear in an
error, the audit log or output. The version's sha256 is the file's as loaded, so the
same file loaded again changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from checklists.library import Library, Problem
from checklists.semantics import Finding
from governance.permissions import Actor, Denied, Role, deny, may_administer
from governance.programme import PersonSpec, Programme, check_programme, entry_of
from models import audit, due
from models.db import unit_of_work, utcnow
from models.sealed import mask_channels
from models.tables import (
    Channel,
    Person,
    PersonRole,
    ProgrammeVersion,
    Workstream,
    WorkstreamMember,
    normalize_email,
)

if TYPE_CHECKING:
    from checklists.yamlsource import YamlProblem

AUDIT_ACTION = "programme.imported"
IMPORT_ACTION = "programme.import"  # the action named by a refused import
BOTH_LANGUAGES = ("cy", "en")  # Welsh first, as the Welsh Language Standards expect
_NAME_MAX = 200  # person.name and workstream.name columns


class ProgrammeError(Exception):
    """The programme file has problems; `problems` lists every one, positioned."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NoProgrammeError(LookupError):
    """No programme has been imported into this database yet."""

    def __init__(self) -> None:
        super().__init__("no programme loaded yet: run 'cyd init'")


# --- loading -------------------------------------------------------------------------------


def load_programme(
    path: Path, *, library: Library | None = None, channels: bool = False
) -> Programme:
    """The programme in `path`, or ProgrammeError with every problem found."""
    return load_programme_source(path, library=library, channels=channels)[0]


def load_programme_source(
    path: Path, *, name: str | None = None, library: Library | None = None, channels: bool = False
) -> tuple[Programme, str]:
    """The programme in `path` and the exact text it was read from (to store)."""
    from checklists.yamlsource import YamlProblem, read_text

    label = name or str(path)
    try:
        text = read_text(path)
    except YamlProblem as exc:
        raise ProgrammeError([_yaml_problem(label, exc)]) from None
    return parse_programme(text, label, library=library, channels=channels), text


def parse_programme(
    text: str, name: str = "<text>", *, library: Library | None = None, channels: bool = False
) -> Programme:
    """Check a programme file's text; `library` (default: the shipped definitions)
    is what its gates are checked against. With `channels`, each channel URL's scheme
    must be one a notification service takes (checked where an admin loads or checks
    the file: it costs a second or two, see notifications.channels.known_schemes)."""
    # The YAML reader and the checklist loader are imported here, not with the module:
    # most commands read the programme in force, parsed once, and check no file.
    from checklists.loader import load_library, validate_document
    from checklists.yamlsource import YamlProblem, parse

    try:
        doc = parse(text)
    except YamlProblem as exc:
        raise ProgrammeError([_yaml_problem(name, exc)]) from None
    data = doc.data
    if not isinstance(data, dict):
        pos = doc.position(())
        found = type(data).__name__ if data is not None else "nothing"
        message = f"expected a mapping of keys (a programme), found {found}"
        raise ProgrammeError([Problem(name, pos.line, pos.column, message)])
    findings = [
        *check_programme(data),
        *_check_storable(data),
        *_check_languages(data),
        *_check_gates(data, library if library is not None else load_library()),
        *(_check_channel_schemes(data) if channels else ()),
    ]
    programme, problems = validate_document(doc, name, Programme, findings, item_of=entry_of)
    if programme is None:
        raise ProgrammeError(problems)
    return programme


def _yaml_problem(name: str, exc: YamlProblem) -> Problem:
    message = exc.message
    if message.startswith("the file is empty"):
        message = "the file is empty: expected a programme"
    return Problem(name, exc.position.line, exc.position.column, message)


def _entries(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if isinstance(value, list):
        yield from ((n, e) for n, e in enumerate(value) if isinstance(e, dict))


def _check_channel_schemes(data: dict[str, Any]) -> Iterator[Finding]:
    """A channel no service takes would fail every message sent to it: say so now.
    The URL is a secret (it may hold a password): only its scheme is named."""
    from notifications.channels import known_schemes

    known = known_schemes()
    for n, person in _entries(data, "people"):
        urls = person.get("channels")
        for k, url in enumerate(urls if isinstance(urls, list) else []):
            if not isinstance(url, str) or "://" not in url:
                continue  # the schema says what is wrong with it
            scheme = url.strip().split("://", 1)[0].lower()
            if scheme not in known:
                yield Finding(
                    ("people", n, "channels", k),
                    entry_of(data, ("people", n)),
                    f"no notification service takes '{scheme}://' URLs "
                    "(e.g. mailto://, mailtos://, mailbox://, json://)",
                )


def _check_storable(data: dict[str, Any]) -> Iterator[Finding]:
    """Limits of the database columns, reported before anything is written."""
    for n, person in _entries(data, "people"):
        name = person.get("name")
        if isinstance(name, str) and len(name.strip()) > _NAME_MAX:
            yield Finding(
                ("people", n, "name"),
                entry_of(data, ("people", n)),
                f"a name may be at most {_NAME_MAX} characters",
            )
    for n, stream in _entries(data, "workstreams"):
        name = stream.get("name")
        english = name.get("en") if isinstance(name, dict) else None
        if isinstance(english, str) and len(english.strip()) > _NAME_MAX:
            yield Finding(
                ("workstreams", n, "name", "en"),
                entry_of(data, ("workstreams", n)),
                f"a workstream name may be at most {_NAME_MAX} characters",
            )


def _check_languages(data: dict[str, Any]) -> Iterator[Finding]:
    """A recorded language says when it was asked; a date says what was chosen."""
    known = set(PersonSpec.model_fields)
    for n, person in _entries(data, "people"):
        if not known.issuperset(person):
            continue  # a misspelt key (reported by the schema) may be one of the two
        language, asked_on = person.get("language"), person.get("language_asked_on")
        email = entry_of(data, ("people", n))
        if language is not None and asked_on is None:
            yield Finding(
                ("people", n, "language"),
                email,
                "say when the person was asked their language: add 'language_asked_on' "
                "(or leave out 'language': then messages go in Welsh and English)",
                at_key=True,
            )
        elif language is None and asked_on is not None:
            yield Finding(
                ("people", n, "language_asked_on"),
                email,
                "'language_asked_on' without 'language': add the language the person chose",
                at_key=True,
            )


def _check_gates(data: dict[str, Any], library: Library) -> Iterator[Finding]:
    gates = data.get("gates")
    if not isinstance(gates, list):
        return
    known = {gate_id for gate_id, _ in library.gates}
    board = data.get("board")
    raw_rules = board.get("decision_rules") if isinstance(board, dict) else None
    rules = (
        {r.get("name") for r in raw_rules if isinstance(r, dict)}
        if isinstance(raw_rules, list)
        else None  # the schema reports the missing rules
    )
    seen: set[str] = set()
    for n, gate_id in enumerate(gates):
        if not isinstance(gate_id, str):
            continue
        if gate_id in seen:
            yield Finding(("gates", n), gate_id, f"gate '{gate_id}' is listed twice")
            continue
        seen.add(gate_id)
        if gate_id not in known:
            names = ", ".join(sorted(known)) or "none"
            yield Finding(
                ("gates", n),
                gate_id,
                f"unknown gate '{gate_id}' (the checklist library has: {names})",
            )
            continue
        rule = library.gate(gate_id).decision_rule
        if rules is not None and rule not in rules:
            declared = ", ".join(sorted(r for r in rules if isinstance(r, str))) or "none"
            yield Finding(
                ("gates", n),
                gate_id,
                f"gate '{gate_id}' uses the decision rule '{rule}', which the Board does not "
                f"declare (board.decision_rules has: {declared})",
            )


# --- storing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `changed` is False when the same text was in force already."""

    changed: bool
    version_id: int
    sha256: str
    programme_id: str
    people: int  # in the file (all active)
    workstreams: int
    board_members: int
    added: list[str] = field(default_factory=list)  # emails
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    retired_workstreams: list[str] = field(default_factory=list)
    audit_seq: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def source_sha256(source_text: str) -> str:
    return hashlib.sha256(source_text.encode("utf-8")).hexdigest()


def latest_version(session: Session) -> ProgrammeVersion | None:
    statement = select(ProgrammeVersion).order_by(col(ProgrammeVersion.id).desc()).limit(1)
    return session.exec(statement).first()


def import_programme(
    engine: Engine,
    programme: Programme,
    source_text: str,
    actor: str,
    *,
    at: datetime | None = None,
) -> ImportResult:
    """Store `programme` (checked, parsed from `source_text`) in one unit of work.

    Idempotent: if the latest stored version has the same sha256, nothing is written.
    `at` (default: now) is the time recorded, as the commands take theirs from a clock:
    a replay of the audit log imports at the logged time.

    Who may import. Into an empty programme (no person stored yet) anyone who can
    reach the database: that is setting Cyd up, and there is no admin yet to ask.
    Into a programme that has people, only `actor` if they are an active admin of it
    (`may_administer`): the file replaces people, roles and channels, so it is people
    admin done wholesale. A refusal is recorded and raised as PermissionDenied. The
    same text again writes nothing, so it needs no check.
    """
    at = at or utcnow()
    digest = source_sha256(source_text)
    try:
        return _import(engine, programme, source_text, actor, at, digest)
    except _Refused as refused:
        from services.commands import record_denial

        record_denial(engine, IMPORT_ACTION, actor, None, refused.denied, at)


class _Refused(Exception):
    def __init__(self, denied: Denied) -> None:
        self.denied = denied


def _import(
    engine: Engine, programme: Programme, source_text: str, actor: str, at: datetime, digest: str
) -> ImportResult:
    with unit_of_work(engine) as session:
        latest = latest_version(session)
        if latest is not None and latest.sha256 == digest:
            assert latest.id is not None
            return ImportResult(
                changed=False,
                version_id=latest.id,
                sha256=digest,
                programme_id=programme.id,
                people=len(programme.people),
                workstreams=len(programme.workstreams),
                board_members=len(programme.board.members),
            )
        denied = _import_refused(session, actor)
        if denied is not None:
            raise _Refused(denied)  # rolled back; recorded by the caller
        people = _store_people(session, programme)
        retired = _store_workstreams(session, programme, people.by_email)
        masked = mask_channels(source_text)
        version = ProgrammeVersion(
            sha256=digest,
            source=masked,
            # The file as loaded, sealed, only when it holds channels (for the replay).
            sealed_source=source_text if masked != source_text else None,
            loaded_at=at,
            loaded_by=actor,
        )
        session.add(version)
        session.flush()
        assert version.id is not None
        result = ImportResult(
            changed=True,
            version_id=version.id,
            sha256=digest,
            programme_id=programme.id,
            people=len(programme.people),
            workstreams=len(programme.workstreams),
            board_members=len(programme.board.members),
            added=people.added,
            updated=people.updated,
            deactivated=people.deactivated,
            reactivated=people.reactivated,
            retired_workstreams=retired,
        )
        payload = _audit_payload(programme, result)
        entry = audit.append(session, actor, AUDIT_ACTION, None, payload, at=at)
        # The reminder policy, the Board, its meetings or the people may have changed:
        # every venture is looked at again by the sweeps (models.due).
        due.mark_all_due(session)
        return replace(result, audit_seq=entry.seq)


def _import_refused(session: Session, actor: str) -> Denied | None:
    """Why `actor` may not import into this programme, or None (see import_programme)."""
    if session.exec(select(Person.id).limit(1)).first() is None:
        return None  # first set-up: nobody to ask yet
    person = session.exec(select(Person).where(Person.email == normalize_email(actor))).first()
    if person is None or not person.active:
        return deny("not-people-admin")
    roles = set(session.exec(select(PersonRole.role).where(PersonRole.person_id == person.id)))
    permission = may_administer(
        Actor(person_id=person.email, roles=frozenset(Role(r) for r in roles if r in set(Role)))
    )
    return permission if isinstance(permission, Denied) else None


def _audit_payload(programme: Programme, result: ImportResult) -> dict[str, Any]:
    # Emails and counts only: never a channel URL (a secret). The text itself is in
    # programme_version, found by its sha256.
    return {
        "programme": programme.id,
        "sha256": result.sha256,
        "version": result.version_id,
        "counts": {
            "people": result.people,
            "workstreams": result.workstreams,
            "board_members": result.board_members,
            "channels": sum(len(set(p.channels)) for p in programme.people),
            "gates": len(programme.gates),
            "decision_rules": len(programme.board.decision_rules),
        },
        "people": {
            "added": result.added,
            "updated": result.updated,
            "deactivated": result.deactivated,
            "reactivated": result.reactivated,
        },
        "retired_workstreams": result.retired_workstreams,
    }


@dataclass
class _People:
    by_email: dict[str, Person]
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)


def _store_people(session: Session, programme: Programme) -> _People:
    existing = {p.email: p for p in session.exec(select(Person))}
    result = _People(by_email={})
    changed: set[str] = set()
    for spec in programme.people:
        person = existing.get(spec.email)
        values: dict[str, Any] = {
            "name": spec.name,
            "lived_experience": spec.lived_experience,
            # Not asked: stored as "en" with no date, and messages go in both languages.
            "language": spec.language or "en",
            "language_asked_on": spec.language_asked_on if spec.language else None,
            "format": spec.format,
            "quiet_hours_from": spec.quiet_hours.start if spec.quiet_hours else None,
            "quiet_hours_to": spec.quiet_hours.end if spec.quiet_hours else None,
            "daily_digest": spec.digest == "daily",
        }
        if person is None:
            person = Person(email=spec.email, **values)
            session.add(person)
            result.added.append(spec.email)
        else:
            if not person.active:
                result.reactivated.append(spec.email)
            if any(getattr(person, k) != v for k, v in values.items()):
                changed.add(spec.email)
            for key, value in values.items():
                setattr(person, key, value)
            person.active = True
        result.by_email[spec.email] = person
    session.flush()  # ids for the new people
    for email, person in existing.items():
        if email not in result.by_email and person.active:
            person.active = False
            # No messages to people who left, and no role to act in: a Board that
            # counts its members by role must not count them.
            _replace_channels(session, person, [])
            _replace_roles(session, person, set())
            result.deactivated.append(email)
    for spec in programme.people:
        person = result.by_email[spec.email]
        supported = _id(result.by_email[spec.supports]) if spec.supports else None
        if person.supports_person_id != supported:
            person.supports_person_id = supported
            changed.add(spec.email)
        if _replace_roles(session, person, {str(r) for r in spec.roles}):
            changed.add(spec.email)
        if _replace_channels(session, person, spec.channels):
            changed.add(spec.email)
    result.updated = sorted(changed - set(result.added) - set(result.reactivated))
    for names in (result.added, result.deactivated, result.reactivated):
        names.sort()
    session.flush()
    return result


def _replace_roles(session: Session, person: Person, roles: set[str]) -> bool:
    current = {
        r.role for r in session.exec(select(PersonRole).where(PersonRole.person_id == person.id))
    }
    if current == roles:
        return False
    gone = current - roles
    if gone:
        session.exec(
            delete(PersonRole)
            .where(col(PersonRole.person_id) == person.id)
            .where(col(PersonRole.role).in_(sorted(gone)))
        )
    assert person.id is not None
    session.add_all(PersonRole(person_id=person.id, role=r) for r in sorted(roles - current))
    return True


def _replace_channels(session: Session, person: Person, urls: Sequence[str]) -> bool:
    """Keep a channel whose URL is still listed; deactivate the others (outbox messages
    refer to them, so they are never deleted); add the new ones."""
    wanted = list(dict.fromkeys(urls))
    channels = list(session.exec(select(Channel).where(Channel.person_id == person.id)))
    changed = False
    found: set[str] = set()
    for channel in channels:
        keep = channel.url in wanted and channel.url not in found
        found.add(channel.url)
        if channel.active != keep:
            channel.active = keep
            changed = True
    assert person.id is not None
    for url in wanted:
        if url not in found:
            session.add(Channel(person_id=person.id, url=url))
            changed = True
    return changed


def _store_workstreams(
    session: Session, programme: Programme, people: dict[str, Person]
) -> list[str]:
    """Upsert the workstreams and replace their members. A workstream no longer in the
    file keeps its row (ventures refer to it) but loses its members, so no venture
    starts there; its id is returned."""
    existing = {w.id: w for w in session.exec(select(Workstream))}
    listed: set[str] = set()
    for spec in programme.workstreams:
        listed.add(spec.id)
        stream = existing.get(spec.id)
        if stream is None:
            session.add(Workstream(id=spec.id, name=spec.name.en))
        elif stream.name != spec.name.en:
            stream.name = spec.name.en
    session.flush()
    for spec in programme.workstreams:
        wanted: dict[int, bool] = {}
        for email in spec.members:
            wanted[_id(people[email])] = False
        for email in spec.leads:
            wanted[_id(people[email])] = True
        _replace_members(session, spec.id, wanted)
    retired = sorted(set(existing) - listed)
    for stream_id in retired:
        _replace_members(session, stream_id, {})
    return retired


def _id(person: Person) -> int:
    assert person.id is not None
    return person.id


def _replace_members(session: Session, stream_id: str, wanted: dict[int, bool]) -> None:
    statement = select(WorkstreamMember).where(WorkstreamMember.workstream_id == stream_id)
    for row in list(session.exec(statement)):
        if row.person_id not in wanted:
            session.delete(row)
        else:
            row.is_lead = wanted.pop(row.person_id)
    session.add_all(
        WorkstreamMember(workstream_id=stream_id, person_id=pid, is_lead=lead)
        for pid, lead in sorted(wanted.items())
    )
    session.flush()


# --- reading -------------------------------------------------------------------------------


def current_programme(session: Session) -> Programme:
    """The programme in force: the latest imported version. NoProgrammeError if none.

    Every page's next actions read it: the version's id and digest are read first (a
    row of two short columns), and its source only when this process has not parsed
    that version yet."""
    found = session.connection().execute(_LATEST).first()
    if found is None:
        raise NoProgrammeError()
    key = (found.id, found.sha256)
    programme = _PARSED.get(key)
    if programme is None:
        # Its masked text only: the whole row would open the sealed copy too (the key
        # read and the cipher imported), which the programme in force never needs.
        source = session.connection().execute(_SOURCE, {"id": found.id}).scalar()
        if source is None:  # deleted since: as if read a moment later
            raise NoProgrammeError()
        programme = _programme_from_source(source)
        if len(_PARSED) >= 16:
            _PARSED.clear()
        _PARSED[key] = programme
    return programme


_VERSION = cast(Table, ProgrammeVersion.__table__)  # type: ignore[attr-defined]
_LATEST = core_select(_VERSION.c.id, _VERSION.c.sha256).order_by(_VERSION.c.id.desc()).limit(1)
_SOURCE = core_select(_VERSION.c.source).where(_VERSION.c.id == bindparam("id"))
# Parsed programmes by (version id, sha256): a stored version never changes, and the
# digest tells two databases' versions of the same id apart.
_PARSED: dict[tuple[int, str], Programme] = {}


# Where the programme in force is kept parsed between processes (`use_cache_dir`).
_cache_dir: Path | None = None


def use_cache_dir(folder: Path | None) -> None:
    """Keep the parsed programme in `folder` (the edge says which: Cyd's cache folder)."""
    global _cache_dir
    _cache_dir = folder


@functools.lru_cache(maxsize=4)
def _programme_from_source(source: str) -> Programme:
    # Checked in full when imported; here only parsed (no library lookups). Programme
    # is frozen, so sharing the cached value is safe.
    if _cache_dir is not None:
        from services import programme_cache

        return programme_cache.parsed(source, _cache_dir, _parse)
    return _parse(source)


def _parse(source: str) -> Programme:
    from checklists.yamlsource import parse

    doc = parse(source)
    return Programme.model_validate(doc.data)


def message_languages(person: Person) -> tuple[str, ...]:
    """The languages a person's own messages go in: the one they chose, or, if they
    were never asked (`language_asked_on` is None), Welsh and English together."""
    if person.language_asked_on is None:
        return BOTH_LANGUAGES
    return (person.language,)
