"""People admin: an admin adds people, changes them, deactivates them, and sets the
channels their messages go to. Every command checks the admin rule in the domain
(`governance.permissions.may_administer`): a refusal is recorded (a `Denial` row and
a `denied` audit entry) and raised as `PermissionDenied`; the pages answer it with a
404. Every change is one unit of work with one audit entry.

    list_people(cyd, by=, role=None)                  -> list[PersonView]
    person_view(cyd, by=, person_id=)                 -> PersonView
    add_person(cyd, by=, email=, name=, roles=(), language=None, format="standard",
               lived_experience=False)                -> int (the new person's id)
    change_name / change_roles / change_language / change_format /
    change_lived_experience / change_supporters / change_workstreams /
    change_quiet_hours / change_digest(cyd, by=, person_id=, ...)  -> bool (changed?)
    deactivate(cyd, by=, person_id=)                  -> bool
    add_channel / replace_channel / remove_channel(cyd, by=, person_id=, ...)
    send_test_message(cyd, by=, person_id=, channel_id=) -> ChannelResult

Validation is the programme file's: an email, a channel URL and quiet hours are
checked by the same validators as the file (`governance.programme`), a name against
the same column limit, roles, languages and formats against the tables' vocabularies,
and the cross-person rules the file's checker applies (one chair; a supporter never
holds a Board role; a workstream lead has the role `lead`) are applied here too.

Deactivating. A deactivated person is kept (history refers to them), as the
programme import keeps someone who left the file, and treated the same way: their
roles and workstream places are removed and their channels switched off, so every
read that counts people by role or membership (the Board's quorum, reviewers,
workstreams, next actions) leaves them out even where it does not look at `active`;
and `active` false stops sign-in (`services.sign_in` refuses them and ends their
sessions' use at once) and assignment (reviewers are chosen among active people).
What they had is in the audit entry, so nothing is lost. An admin cannot deactivate
themselves or take away their own admin role: a programme must not lock its last
admin out by a slip.

Channels are secrets (apprise URLs can hold passwords and tokens). They are taken
whole (replaced, never edited in place, so a page never needs to show one back),
shown only masked (`Channel.masked_url`), and never written to the audit log or an
error: the log records the channel's id and masked form.

The whole-file import (`services.programme_import`) stays for set-up; after it,
people are changed here. Importing the file again replaces people with what the
file says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.permissions import BOARD_ROLES, Denied, Role, may_administer
from governance.programme import Channel as ChannelUrl
from governance.programme import Email, QuietHours
from models import audit, due, queries
from models import tables as t
from models.db import read_session, unit_of_work
from services.commands import CommandError, Cyd, NotFound, record_denial
from services.people import actor_for
from services.reminders import local_zone

PERSON_ADDED = "person.added"
PERSON_CHANGED = "person.changed"
PERSON_DEACTIVATED = "person.deactivated"
CHANNEL_ADDED = "channel.added"
CHANNEL_REPLACED = "channel.replaced"
CHANNEL_REMOVED = "channel.removed"
CHANNEL_TESTED = "channel.tested"
# The action names of a refusal (the audit log's `denied` entries).
ADMINISTER = "people.administer"

NAME_MAX = 200  # person.name
EMAIL_MAX = 320  # person.email
URL_MAX = 2000  # a longer one is not a channel anyone typed
LABEL_MAX = 100  # channel.label

_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_URL: TypeAdapter[str] = TypeAdapter(ChannelUrl)


@dataclass(frozen=True)
class ChannelView:
    id: int
    masked: str  # never the URL
    label: str


@dataclass(frozen=True)
class WorkstreamPlace:
    id: str
    name: str
    is_lead: bool


@dataclass(frozen=True)
class PersonView:
    """A person as the admin pages show them (no secret in it)."""

    id: int
    email: str
    name: str
    active: bool
    roles: tuple[str, ...]
    lived_experience: bool
    language: str
    language_asked: bool
    format: str
    supports: str | None  # the email of whom they support
    supporters: tuple[tuple[int, str, str], ...]  # (id, name, email) of who supports them
    workstreams: tuple[WorkstreamPlace, ...]
    quiet_hours: tuple[str, str] | None
    daily_digest: bool
    channels: tuple[ChannelView, ...]


# --- plumbing ------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, denied: Denied) -> None:
        self.denied = denied


@contextmanager
def _as_admin(cyd: Cyd, by: str, *, write: bool = True) -> Iterator[tuple[Session, t.Person]]:
    """A unit of work (or a read) for the admin `by`; a non-admin's attempt is rolled
    back, then recorded as a refusal and raised as PermissionDenied."""
    try:
        with unit_of_work(cyd.engine) if write else read_session(cyd.engine) as session:
            admin = queries.person_by_email(session, by)
            if admin is None or not admin.active:
                raise NotFound("person-not-found", email=by)
            permission = may_administer(actor_for(session, admin))
            if isinstance(permission, Denied):
                raise _Refused(permission)
            yield session, admin
    except _Refused as refused:
        record_denial(cyd.engine, ADMINISTER, by, None, refused.denied, cyd.clock())


def _person(session: Session, person_id: int) -> t.Person:
    person = session.get(t.Person, person_id)
    if person is None:
        raise NotFound("person-id-not-found", person=person_id)
    return person


def _active(session: Session, person_id: int) -> t.Person:
    person = _person(session, person_id)
    if not person.active:
        raise CommandError("person-deactivated", email=person.email)
    return person


def _roles(session: Session, person: t.Person) -> set[str]:
    return set(session.exec(select(t.PersonRole.role).where(t.PersonRole.person_id == person.id)))


def _record(
    session: Session,
    admin: t.Person,
    action: str,
    person: t.Person,
    details: dict[str, Any],
    now: dt.datetime,
) -> None:
    audit.append(session, admin.email, action, None, {"person": person.email, **details}, at=now)
    # A person's roles, standing or supporters change who is reminded: every venture is
    # looked at again by the sweeps (models.due).
    due.mark_all_due(session)


def _change(
    session: Session,
    admin: t.Person,
    person: t.Person,
    field: str,
    was: Any,
    now_value: Any,
    at: dt.datetime,
) -> bool:
    if was == now_value:
        return False
    _record(
        session, admin, PERSON_CHANGED, person, {"field": field, "was": was, "now": now_value}, at
    )
    return True


# --- validation (the programme file's) -----------------------------------------------------


def valid_email(value: str) -> str:
    try:
        email = _EMAIL.validate_python(value)
    except ValidationError:
        raise CommandError("person-email-invalid") from None
    if len(email) > EMAIL_MAX:
        raise CommandError("person-email-invalid")
    return email


def valid_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > NAME_MAX:
        raise CommandError("person-name-invalid", limit=NAME_MAX)
    return name


def valid_roles(values: Iterable[str]) -> set[str]:
    roles = set(values)
    if not roles <= set(t.ROLES):
        raise CommandError("person-role-unknown")
    return roles


def valid_language(value: str) -> str:
    if value not in t.LANGUAGES:
        raise CommandError("person-language-unknown")
    return value


def valid_format(value: str) -> str:
    if value not in t.FORMATS:
        raise CommandError("person-format-unknown")
    return value


def valid_url(value: str) -> str:
    # Never echoes the value: it is a secret, even when mistyped.
    try:
        url = _URL.validate_python(value)
    except ValidationError:
        raise CommandError("channel-url-invalid") from None
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        raise CommandError("channel-url-invalid")
    return url


def valid_quiet_hours(start: str, end: str) -> tuple[str, str]:
    try:
        hours = QuietHours.model_validate({"from": start, "to": end})
    except ValidationError:
        raise CommandError("quiet-hours-invalid") from None
    return hours.start, hours.end


def _check_roles(session: Session, person: t.Person, roles: set[str]) -> None:
    """The programme file's cross-person rules on roles, for one person."""
    if Role.CHAIR.value in roles:
        other = session.exec(
            select(t.Person.email)
            .join(t.PersonRole, col(t.PersonRole.person_id) == col(t.Person.id))
            .where(t.PersonRole.role == Role.CHAIR.value)
            .where(col(t.Person.active))
            .where(t.Person.id != person.id)
        ).first()
        if other is not None:
            raise CommandError("chair-taken", email=other)
    if person.supports_person_id is not None and roles & {r.value for r in BOARD_ROLES}:
        raise CommandError("supporter-on-board")
    if person.id is not None and Role.LEAD.value not in roles:
        leads = session.exec(
            select(t.WorkstreamMember.workstream_id)
            .where(t.WorkstreamMember.person_id == person.id)
            .where(col(t.WorkstreamMember.is_lead))
        ).first()
        if leads is not None:
            raise CommandError("lead-role-needed", workstream=leads)


# --- reads ---------------------------------------------------------------------------------


def list_people(cyd: Cyd, *, by: str, role: str | None = None) -> list[PersonView]:
    """Everyone (the active first, then by name), or those with `role`; admins only."""
    if role is not None:
        valid_roles([role])
    with _as_admin(cyd, by, write=False) as (session, _admin):
        people = list(session.exec(select(t.Person).order_by(col(t.Person.name))))
        views = [_view(session, p) for p in people]
    if role is not None:
        views = [v for v in views if role in v.roles]
    return sorted(views, key=lambda v: (not v.active, v.name.lower(), v.email))


def person_view(cyd: Cyd, *, by: str, person_id: int) -> PersonView:
    with _as_admin(cyd, by, write=False) as (session, _admin):
        return _view(session, _person(session, person_id))


def workstreams(cyd: Cyd, *, by: str) -> list[tuple[str, str]]:
    """Every workstream (id, name), for the admin's choice of places."""
    with _as_admin(cyd, by, write=False) as (session, _admin):
        return [
            (w.id, w.name)
            for w in session.exec(select(t.Workstream).order_by(col(t.Workstream.name)))
        ]


def is_admin(engine: Engine, email: str) -> bool:
    """Whether `email` is an active admin (for the pages' navigation; not a check)."""
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        return person is not None and person.active and Role.ADMIN.value in _roles(session, person)


def _view(session: Session, person: t.Person) -> PersonView:
    assert person.id is not None
    supports = (
        session.get(t.Person, person.supports_person_id) if person.supports_person_id else None
    )
    supporters = session.exec(
        select(t.Person)
        .where(t.Person.supports_person_id == person.id)
        .where(col(t.Person.active))
        .order_by(col(t.Person.name))
    ).all()
    places = session.exec(
        select(t.WorkstreamMember, t.Workstream)
        .join(t.Workstream, col(t.Workstream.id) == col(t.WorkstreamMember.workstream_id))
        .where(t.WorkstreamMember.person_id == person.id)
        .order_by(col(t.Workstream.name))
    ).all()
    channels = session.exec(
        select(t.Channel)
        .where(t.Channel.person_id == person.id)
        .where(col(t.Channel.active))
        .order_by(col(t.Channel.id))
    ).all()
    quiet = (
        (person.quiet_hours_from, person.quiet_hours_to)
        if person.quiet_hours_from and person.quiet_hours_to
        else None
    )
    return PersonView(
        id=person.id,
        email=person.email,
        name=person.name,
        active=person.active,
        roles=tuple(r for r in t.ROLES if r in _roles(session, person)),
        lived_experience=person.lived_experience,
        language=person.language,
        language_asked=person.language_asked_on is not None,
        format=person.format,
        supports=supports.email if supports else None,
        supporters=tuple((s.id, s.name, s.email) for s in supporters if s.id is not None),
        workstreams=tuple(WorkstreamPlace(w.id, w.name, m.is_lead) for m, w in places),
        quiet_hours=quiet,
        daily_digest=person.daily_digest,
        channels=tuple(
            ChannelView(c.id, c.masked_url, c.label) for c in channels if c.id is not None
        ),
    )


# --- commands ------------------------------------------------------------------------------


def add_person(
    cyd: Cyd,
    *,
    by: str,
    email: str,
    name: str,
    roles: Iterable[str] = (),
    language: str | None = None,
    format: str = "standard",
    lived_experience: bool = False,
) -> int:
    """Add a person; their id. `language` None: not asked (messages in both languages)."""
    email, name, wanted = valid_email(email), valid_name(name), valid_roles(roles)
    if language is not None:
        valid_language(language)
    valid_format(format)
    now = cyd.clock()
    with _as_admin(cyd, by) as (session, admin):
        if queries.person_by_email(session, email) is not None:
            raise CommandError("person-email-taken", email=email)
        person = t.Person(
            email=email,
            name=name,
            lived_experience=lived_experience,
            language=language or "en",
            language_asked_on=now.astimezone(local_zone()).date() if language else None,
            format=format,
        )
        _check_roles(session, person, wanted)
        session.add(person)
        session.flush()
        assert person.id is not None
        session.add_all(t.PersonRole(person_id=person.id, role=r) for r in sorted(wanted))
        _record(
            session,
            admin,
            PERSON_ADDED,
            person,
            {
                "name": name,
                "roles": sorted(wanted),
                "language": language,
                "format": format,
                "lived_experience": lived_experience,
            },
            now,
        )
        return person.id


def change_name(cyd: Cyd, *, by: str, person_id: int, name: str) -> bool:
    name = valid_name(name)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was, person.name = person.name, name
        return _change(session, admin, person, "name", was, name, cyd.clock())


def change_roles(cyd: Cyd, *, by: str, person_id: int, roles: Iterable[str]) -> bool:
    wanted = valid_roles(roles)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        if person.id == admin.id and Role.ADMIN.value not in wanted:
            raise CommandError("own-admin-role")
        _check_roles(session, person, wanted)
        current = _roles(session, person)
        if current == wanted:
            return False
        for row in session.exec(select(t.PersonRole).where(t.PersonRole.person_id == person.id)):
            if row.role not in wanted:
                session.delete(row)
        assert person.id is not None
        session.add_all(t.PersonRole(person_id=person.id, role=r) for r in sorted(wanted - current))
        return _change(
            session, admin, person, "roles", sorted(current), sorted(wanted), cyd.clock()
        )


def change_language(cyd: Cyd, *, by: str, person_id: int, language: str) -> bool:
    """The language the person chose (told to the admin): it counts as asked today."""
    valid_language(language)
    now = cyd.clock()
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was = person.language if person.language_asked_on else None
        if was == language:
            return False
        person.language = language
        person.language_asked_on = now.astimezone(local_zone()).date()
        return _change(session, admin, person, "language", was, language, now)


def change_format(cyd: Cyd, *, by: str, person_id: int, format: str) -> bool:
    valid_format(format)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was, person.format = person.format, format
        return _change(session, admin, person, "format", was, format, cyd.clock())


def change_lived_experience(cyd: Cyd, *, by: str, person_id: int, lived_experience: bool) -> bool:
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was, person.lived_experience = person.lived_experience, lived_experience
        return _change(
            session, admin, person, "lived_experience", was, lived_experience, cyd.clock()
        )


def change_supporters(cyd: Cyd, *, by: str, person_id: int, supporters: Iterable[int]) -> bool:
    """Who supports the person: each supporter supports one person and holds no Board
    role (a supporter never votes), as in the programme file."""
    wanted = set(supporters)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        if person.id in wanted:
            raise CommandError("supporter-self")
        current: set[int] = {
            p.id
            for p in session.exec(select(t.Person).where(t.Person.supports_person_id == person.id))
            if p.id is not None
        }
        for supporter_id in sorted(wanted - current):
            supporter = _active(session, supporter_id)
            if supporter.supports_person_id not in (None, person.id):
                raise CommandError("supporter-elsewhere", email=supporter.email)
            if _roles(session, supporter) & {r.value for r in BOARD_ROLES}:
                raise CommandError("supporter-on-board")
            supporter.supports_person_id = person.id
        for gone_id in current - wanted:
            _person(session, gone_id).supports_person_id = None

        def emails(ids: set[Any]) -> list[str]:
            return sorted(_person(session, i).email for i in ids)

        return _change(
            session, admin, person, "supporters", emails(current), emails(wanted), cyd.clock()
        )


def change_workstreams(cyd: Cyd, *, by: str, person_id: int, places: Mapping[str, bool]) -> bool:
    """The person's workstreams: id -> leads it. A lead needs the role `lead`."""
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        assert person.id is not None
        for stream_id in places:
            if session.get(t.Workstream, stream_id) is None:
                raise NotFound("workstream-not-found", workstream=stream_id)
        if any(places.values()) and Role.LEAD.value not in _roles(session, person):
            stream = next(s for s, lead in places.items() if lead)
            raise CommandError("lead-role-needed", workstream=stream)
        rows = {
            m.workstream_id: m
            for m in session.exec(
                select(t.WorkstreamMember).where(t.WorkstreamMember.person_id == person.id)
            )
        }
        was = {s: m.is_lead for s, m in sorted(rows.items())}
        for stream_id, row in rows.items():
            if stream_id not in places:
                session.delete(row)
            else:
                row.is_lead = places[stream_id]
        session.add_all(
            t.WorkstreamMember(workstream_id=s, person_id=person.id, is_lead=lead)
            for s, lead in sorted(places.items())
            if s not in rows
        )
        return _change(
            session, admin, person, "workstreams", was, dict(sorted(places.items())), cyd.clock()
        )


def change_quiet_hours(
    cyd: Cyd, *, by: str, person_id: int, start: str | None, end: str | None
) -> bool:
    """No messages between `start` and `end` (local time); both None: none."""
    hours = None if start is None and end is None else valid_quiet_hours(start or "", end or "")
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was = [person.quiet_hours_from, person.quiet_hours_to] if person.quiet_hours_from else None
        person.quiet_hours_from, person.quiet_hours_to = hours if hours else (None, None)
        now_value = list(hours) if hours else None
        return _change(session, admin, person, "quiet_hours", was, now_value, cyd.clock())


def change_digest(cyd: Cyd, *, by: str, person_id: int, daily: bool) -> bool:
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        was, person.daily_digest = person.daily_digest, daily
        return _change(session, admin, person, "daily_digest", was, daily, cyd.clock())


def deactivate(cyd: Cyd, *, by: str, person_id: int) -> bool:
    """Deactivate a person (see the module's description); False if already inactive."""
    with _as_admin(cyd, by) as (session, admin):
        person = _person(session, person_id)
        if person.id == admin.id:
            raise CommandError("deactivate-self")
        if not person.active:
            return False
        roles = sorted(_roles(session, person))
        for row in session.exec(select(t.PersonRole).where(t.PersonRole.person_id == person.id)):
            session.delete(row)
        places = session.exec(
            select(t.WorkstreamMember).where(t.WorkstreamMember.person_id == person.id)
        ).all()
        was_in = {m.workstream_id: m.is_lead for m in places}
        for place in places:
            session.delete(place)
        channels = session.exec(
            select(t.Channel).where(t.Channel.person_id == person.id).where(col(t.Channel.active))
        ).all()
        for channel in channels:
            channel.active = False
        person.active = False
        _record(
            session,
            admin,
            PERSON_DEACTIVATED,
            person,
            {"roles": roles, "workstreams": was_in, "channels": [c.id for c in channels]},
            cyd.clock(),
        )
        return True


# --- channels ------------------------------------------------------------------------------


def _channel(session: Session, person: t.Person, channel_id: int) -> t.Channel:
    channel = session.get(t.Channel, channel_id)
    if channel is None or channel.person_id != person.id or not channel.active:
        raise NotFound("channel-not-found")
    return channel


def _label(label: str) -> str:
    return " ".join(label.split())[:LABEL_MAX]


def add_channel(cyd: Cyd, *, by: str, person_id: int, url: str, label: str = "") -> int:
    url = valid_url(url)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        assert person.id is not None
        channel = t.Channel(person_id=person.id, url=url, label=_label(label))
        session.add(channel)
        session.flush()
        assert channel.id is not None
        _record(
            session,
            admin,
            CHANNEL_ADDED,
            person,
            {"channel": channel.id, "masked": channel.masked_url},
            cyd.clock(),
        )
        return channel.id


def replace_channel(cyd: Cyd, *, by: str, person_id: int, channel_id: int, url: str) -> int:
    """Replace a channel's URL whole: the old row is switched off (outbox messages refer
    to it) and a new one takes its label; the new channel's id."""
    url = valid_url(url)
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        old = _channel(session, person, channel_id)
        old.active = False
        new = t.Channel(person_id=old.person_id, url=url, label=old.label)
        session.add(new)
        session.flush()
        assert new.id is not None
        _record(
            session,
            admin,
            CHANNEL_REPLACED,
            person,
            {"channel": new.id, "replaces": old.id, "masked": new.masked_url},
            cyd.clock(),
        )
        return new.id


def remove_channel(cyd: Cyd, *, by: str, person_id: int, channel_id: int) -> None:
    with _as_admin(cyd, by) as (session, admin):
        person = _active(session, person_id)
        channel = _channel(session, person, channel_id)
        channel.active = False
        _record(
            session,
            admin,
            CHANNEL_REMOVED,
            person,
            {"channel": channel.id, "masked": channel.masked_url},
            cyd.clock(),
        )


@dataclass(frozen=True)
class TestResult:
    channel: str  # masked
    sent: bool
    reason: str | None  # masked, from the notifications layer

    __test__ = False  # not a pytest class


def send_test_message(cyd: Cyd, *, by: str, person_id: int, channel_id: int) -> TestResult:
    """Send the `test` message to one channel now, through the outbox and the relay
    (`notifications.relay.check.send_test`), tried once: whether the channel works now."""
    from notifications.relay.check import send_test

    with _as_admin(cyd, by, write=False) as (session, admin):
        person = _active(session, person_id)
        _channel(session, person, channel_id)
        email, admin_email = person.email, admin.email
    now = cyd.clock()
    results = send_test(cyd.engine, email, now=now, channel_id=channel_id)
    if not results:  # switched off between the check and the send
        raise NotFound("channel-not-found")
    result = results[0]
    with unit_of_work(cyd.engine) as session:
        audit.append(
            session,
            admin_email,
            CHANNEL_TESTED,
            None,
            {
                "person": email,
                "channel": channel_id,
                "masked": result.channel,
                "sent": result.sent,
                "message": result.message_id,
            },
            at=now,
        )
    return TestResult(result.channel, result.sent, result.reason)
