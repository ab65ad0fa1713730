"""Telling people: one message, fanned out to each person's channels as outbox rows.

`tell(session, people, event, payload, key=...)` queues, in the caller's unit of
work, one outbox row for each person and each of their active channels, and one for
each supporter's copy it is given, and says what it queued (`Told`). Every way Cyd
tells people something goes through it: a venture's news (`services.advance`), a
vote extended (`services.commands`), reminders (`services.reminders`), Board papers
(`services.board_pack`), and in the relay the admins' alerts, a message's copies
for a removed channel, and a test message. `messages_for` is its first half (the
rows, not yet queued), for a caller that must know what is new before it writes
anything else (Board papers: their audit entry, which the messages name).

Why here: it imports only models (storage), so the services and the relay can both
call it (notifications/ never imports services). It is not in `models.outbox`
because it decides who is sent what (which channels, a supporter's copy and what it
says), where `models.outbox` is only the queue: keys, insert, due, mark.

Decided here, when a message is queued:

- Channels: each of the person's active channels, oldest first. A person with no
  active channel gets no row (there is nowhere to send one). A person no longer
  active is queued for if named (callers that leave them out do so themselves): the
  relay gives such a message up when it comes to send it.
- Keys: each row's idempotency key is made from the event, the venture, gate and
  ballot, the person, the channel and `key` (what happened: an audit entry, a
  meeting, a reminder's step), so the same call made again (a retried unit of work,
  a flow run twice) queues nothing new, and a repeated person is queued once.
- Language and format recorded on the row: the person's own when it is queued.
- A message waiting for a translation (the venture's title, under the programme's
  `wait` policy: services.translations): held for the readers of the language it is
  being translated into, until it is due at the latest.
- Supporters' copies: who gets one is the rules' decision (`Due.copies` in
  `governance.reminders`, `papers_copies` in `governance.board_pack`), passed as
  `copies`. A copy is the same payload with `supporting` (the name and email of the
  person it is about), on each of the supporter's channels, in the supporter's
  language and format, keyed apart from the person's own by `copy_key` (by default
  `key` and the supported person's id).

Decided when it is sent, in the relay (`notifications.relay`), and not here: the
language(s) and format it is rendered in (the person as they are then: the language
they chose, a group's news too; Welsh and English together only for a person never
asked), quiet hours, the daily
digest, and what becomes of a message for a removed channel or someone who has left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import outbox
from models.tables import Channel, Person


@dataclass(frozen=True)
class Copy:
    """A supporter's copy of a message: `to` the supporter, about the person `supporting`."""

    to: Person
    supporting: Person


@dataclass(frozen=True)
class Told:
    """What `tell` did."""

    # One per person (or supporter's copy) and channel, in the order queued; those
    # queued before are here too, as they would have been queued.
    messages: tuple[outbox.Outgoing, ...]
    queued: int  # how many of them were queued now

    @property
    def keys(self) -> list[str]:
        return [message.key for message in self.messages]


def tell(
    session: Session,
    people: Iterable[Person],
    event: str,
    payload: Mapping[str, Any],
    *,
    key: str,
    venture_id: str | None = None,
    gate_id: str | None = None,
    ballot: int | None = None,
    copies: Iterable[Copy] = (),
    copy_key: str | None = None,
    attachments: Sequence[str] = (),
    not_before: dt.datetime | None = None,
) -> Told:
    """Queue `event` with `payload` on each active channel of each of `people`, then
    each of `copies` on its supporter's channels; see the module's description.

    `key` tells this message apart from others of the same event to the same person
    (e.g. 'audit:42'); `copy_key`, if given, does so for the copies, and may then only
    be used for copies about one person. `attachments` (paths in the data folder) go
    with every row; `not_before` holds every row until then. Call inside a unit of
    work: the rows are written with it, or not at all.
    """
    messages = messages_for(
        session,
        people,
        event,
        payload,
        key=key,
        venture_id=venture_id,
        gate_id=gate_id,
        ballot=ballot,
        copies=copies,
        copy_key=copy_key,
        attachments=attachments,
        not_before=not_before,
    )
    # One call however many rows (one query for the keys there, one insert).
    return Told(messages, outbox.enqueue_many(session, messages))


def messages_for(
    session: Session,
    people: Iterable[Person],
    event: str,
    payload: Mapping[str, Any],
    *,
    key: str,
    venture_id: str | None = None,
    gate_id: str | None = None,
    ballot: int | None = None,
    copies: Iterable[Copy] = (),
    copy_key: str | None = None,
    attachments: Sequence[str] = (),
    not_before: dt.datetime | None = None,
    channels: Mapping[int, Sequence[int]] | None = None,
) -> tuple[outbox.Outgoing, ...]:
    """The rows `tell` would queue (those queued before included), each key once,
    without queueing them: `outbox.enqueue_many` queues them. `channels`: each person's
    active channels, when the caller has read them already for many messages
    (`active_channels`)."""
    people = [person for person in people if person.id is not None]
    copies = [copy for copy in copies if copy.to.id is not None]
    about = {copy.supporting.id for copy in copies}
    if copy_key is not None and len(about) > 1:
        raise ValueError("a copy_key names the copies about one person; these are about more")
    files = tuple(attachments)
    if channels is None:
        channels = active_channels(session, [*people, *(copy.to for copy in copies)])
    own = dict(payload)
    addressed = [(person, own, key) for person in people] + [
        (
            copy.to,
            {**own, "supporting": {"name": copy.supporting.name, "email": copy.supporting.email}},
            copy_key if copy_key is not None else f"{key}:supporting:{copy.supporting.id}",
        )
        for copy in copies
    ]
    messages: dict[str, outbox.Outgoing] = {}
    waits_for = _waits_for_translation(own)
    for person, body, discriminator in addressed:
        assert person.id is not None
        hold = not_before
        for lang, until in waits_for.items():
            if lang in _reads(person):
                hold = max(hold, until) if hold is not None else until
        for channel_id in channels.get(person.id, ()):
            message = outbox.Outgoing(
                event=event,
                person_id=person.id,
                channel_id=channel_id,
                language=person.language,
                format=person.format,
                payload=body,
                venture_id=venture_id,
                gate_id=gate_id,
                ballot=ballot,
                discriminator=discriminator,
                attachments=files,
                not_before=hold,
            )
            messages.setdefault(message.key, message)
    return tuple(messages.values())


def _reads(person: Person) -> tuple[str, ...]:
    """The languages a person's messages go in: theirs, or both if never asked."""
    return (person.language,) if person.language_asked_on is not None else ("cy", "en")


def _waits_for_translation(payload: Mapping[str, Any]) -> dict[str, dt.datetime]:
    """{the language being translated into: until when} when the venture's title, or a
    text the message quotes (services.free_text), is being translated and the
    programme's policy is to wait (their `held_until`): a message to a reader of that
    language is held until the translation is given (which sends it at once) or, at
    the latest, until it is due."""
    held: dict[str, dt.datetime] = {}

    def hold(written: Any, until: Any) -> None:
        lang = "cy" if written == "en" else "en"
        moment = dt.datetime.fromisoformat(str(until))
        held[lang] = max(held[lang], moment) if lang in held else moment

    venture = payload.get("venture")
    if isinstance(venture, Mapping) and venture.get("held_until"):
        hold(venture.get("title_lang", "en"), venture["held_until"])

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            if "free" in value and value.get("held_until") and not value.get("other"):
                hold(value.get("lang", "en"), value["held_until"])
                return
            for key, inner in value.items():
                if key != "venture":
                    walk(inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                walk(inner)

    walk(payload)
    return held


def active_channels(session: Session, people: Sequence[Person]) -> dict[int, list[int]]:
    """Each person's active channels (ids, oldest first), in one query for them all."""
    ids = sorted({person.id for person in people if person.id is not None})
    channels: dict[int, list[int]] = {}
    if not ids:
        return channels
    rows = session.exec(
        select(Channel.person_id, Channel.id)
        .where(col(Channel.person_id).in_(ids))
        .where(col(Channel.active))
        .order_by(col(Channel.id))
    )
    for person_id, channel_id in rows:
        if channel_id is not None:
            channels.setdefault(person_id, []).append(channel_id)
    return channels
