"""The notifications outbox: messages leave Cyd only through here.

A command enqueues its messages in its own unit of work, so a message exists if
and only if the state change that causes it was committed. Each message carries a
deterministic idempotency key (what happened, to whom, on which channel), so a
command or flow that runs again enqueues nothing new: the key is checked first,
and the UNIQUE constraint with INSERT … ON CONFLICT DO NOTHING is the last line of
defence. The deliverer (notifications/) takes `due` messages, sends them and marks
them `sent`, or records the failure and retries later with backoff until `dead`.

A message may carry files (`attachments`, e.g. a Board member's papers): paths
relative to Cyd's data folder, never absolute and never leading out of it. They are
checked when queued (`check_attachment`, pure) and again when sent
(`attachment_path`, which also follows links), so a payload or a row changed by hand
cannot make the deliverer send any other file on the machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, SQLModel, col, func, select

from models.audit import canonical_json
from models.db import is_postgresql, planned_for_now, utcnow
from models.queries import one_of
from models.tables import OutboxMessage, redact_urls

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.sql.dml import ReturningInsert

TABLE = "outbox_message"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTACHMENTS = 8
_ATTACHMENT_PATH_MAX = 512


class AttachmentRefused(ValueError):
    """An attachment path that may not be sent: not a plain path inside the data folder."""


def check_attachment(path: str) -> str:
    """`path` if it is a plain relative POSIX path (no '..', no drive, no control
    characters), else AttachmentRefused. Pure: says nothing of the file itself."""
    if not isinstance(path, str) or not path or len(path) > _ATTACHMENT_PATH_MAX:
        raise AttachmentRefused("an attachment is a non-empty path of at most 512 characters")
    if any(ord(c) < 32 or ord(c) == 127 or c in "\\:" for c in path):
        # A backslash or a colon could mean a Windows path or a drive: refused everywhere.
        raise AttachmentRefused(f"the attachment path {path!r} has a character not allowed")
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("..", ".") for part in path.split("/")):
        raise AttachmentRefused(f"the attachment {path!r} is not a path inside the data folder")
    if "" in path.split("/"):
        raise AttachmentRefused(f"the attachment path {path!r} has an empty part")
    return path


def attachment_path(data: Path, path: str) -> Path:
    """The file `path` names inside the data folder `data`, links followed, or
    AttachmentRefused if it leads out of the folder. Whether it exists is the
    caller's question (a missing file is worth trying again; a refused one is not)."""
    check_attachment(path)
    root = data.resolve()
    real = (root / path).resolve()
    if not real.is_relative_to(root):
        raise AttachmentRefused(f"the attachment {path!r} leads out of the data folder")
    return real


def idempotency_key(
    event: str,
    *,
    person_id: int,
    channel_id: int,
    venture_id: str | None = None,
    gate_id: str | None = None,
    ballot: int | None = None,
    discriminator: str = "",
) -> str:
    """sha256 of what the message is about and whom it is for.

    `discriminator` tells apart messages that would otherwise share a key, e.g. the
    day of a daily reminder ('2025-03-01') or the deadline a reminder is about.
    """
    parts = [event, venture_id, gate_id, ballot, person_id, channel_id, discriminator]
    return hashlib.sha256(canonical_json(parts).encode("utf-8")).hexdigest()


def get(session: Session, key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()


def enqueue(
    session: Session,
    *,
    event: str,
    person_id: int,
    channel_id: int,
    language: str,
    format: str,
    payload: dict[str, Any],
    venture_id: str | None = None,
    gate_id: str | None = None,
    ballot: int | None = None,
    discriminator: str = "",
    key: str | None = None,
    not_before: datetime | None = None,
    attachments: Sequence[str] = (),
) -> tuple[OutboxMessage, bool]:
    """Queue a message unless one with the same idempotency key exists.

    The key is `key` if given, else `idempotency_key(event, person_id=…, channel_id=…,
    venture_id=…, gate_id=…, ballot=…, discriminator=…)`. Returns the message and
    whether it was created now (False: it was queued before, and is left as it is).
    `attachments` are files sent with it, as paths relative to the data folder
    (AttachmentRefused for any other path, before anything is written).
    """
    files = _check_attachments(attachments)
    if key is None:
        key = idempotency_key(
            event,
            person_id=person_id,
            channel_id=channel_id,
            venture_id=venture_id,
            gate_id=gate_id,
            ballot=ballot,
            discriminator=discriminator,
        )
    existing = get(session, key)
    if existing is not None:
        return existing, False
    now = utcnow()
    values: dict[str, Any] = {
        "idempotency_key": key,
        "event": event,
        "venture_id": venture_id,
        "person_id": person_id,
        "channel_id": channel_id,
        "language": language,
        "format": format,
        "payload": payload,
        "attachments": files or None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    session.flush()  # pending rows first (the person or channel may be new)
    inserted = session.connection().execute(_insert_new(session).values(**values))
    created = inserted.first() is not None  # no row back: the key was there already
    message = get(session, key)
    if message is None:  # pragma: no cover - the row was inserted or already there
        raise RuntimeError(f"outbox message {key} vanished")
    return message, created


def enqueue_reply(
    session: Session,
    *,
    event: str,
    idea_id: str,
    language: str,
    format: str,
    payload: dict[str, Any],
    discriminator: str,
    venture_id: str | None = None,
) -> tuple[OutboxMessage, bool]:
    """Queue a reply to the proposer of an idea (who may not be in the programme: the
    message names the idea, and the relay finds their address there when it sends).
    Keyed by the event, the idea and `discriminator` (what happened), so the same call
    made again queues nothing new. Returns the message and whether it is new."""
    key = hashlib.sha256(
        canonical_json(["idea-reply", event, idea_id, discriminator]).encode("utf-8")
    ).hexdigest()
    existing = get(session, key)
    if existing is not None:
        return existing, False
    now = utcnow()
    values: dict[str, Any] = {
        "idempotency_key": key,
        "event": event,
        "venture_id": venture_id,
        "idea_id": idea_id,
        "language": language,
        "format": format,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    session.flush()
    inserted = session.connection().execute(_insert_new(session).values(**values))
    created = inserted.first() is not None
    message = get(session, key)
    if message is None:  # pragma: no cover - the row was inserted or already there
        raise RuntimeError(f"outbox message {key} vanished")
    return message, created


@dataclass(frozen=True)
class Outgoing:
    """One message for `enqueue_many`: what `enqueue` takes, its key made the same way."""

    event: str
    person_id: int
    channel_id: int
    language: str
    format: str
    payload: dict[str, Any]
    venture_id: str | None = None
    gate_id: str | None = None
    ballot: int | None = None
    discriminator: str = ""
    attachments: tuple[str, ...] = ()  # as `enqueue`'s: paths in the data folder
    not_before: datetime | None = None

    @property
    def key(self) -> str:
        return idempotency_key(
            self.event,
            person_id=self.person_id,
            channel_id=self.channel_id,
            venture_id=self.venture_id,
            gate_id=self.gate_id,
            ballot=self.ballot,
            discriminator=self.discriminator,
        )


# Keys asked about in one query: well under any database's limit of bound parameters.
_KEYS_PER_QUERY = 500


def enqueue_many(session: Session, messages: Iterable[Outgoing]) -> int:
    """Queue each message unless one with its idempotency key exists, as `enqueue` one
    after another would (a key repeated here is queued once, the first time), and say
    how many were created now.

    One query for the keys already there and one insert for the rest, where `enqueue`
    takes three queries a message: a unit of work that tells everyone about a venture
    queues a dozen or more. The insert keeps ON CONFLICT DO NOTHING, and counts only
    the rows it wrote.
    """
    wanted: dict[str, Outgoing] = {}
    for message in messages:
        _check_attachments(message.attachments)
        wanted.setdefault(message.key, message)
    if not wanted:
        return 0
    existing = queued_keys(session, wanted)
    now = utcnow()
    rows = [
        {
            "idempotency_key": key,
            "event": message.event,
            "venture_id": message.venture_id,
            "person_id": message.person_id,
            "channel_id": message.channel_id,
            "language": message.language,
            "format": message.format,
            "payload": message.payload,
            "attachments": list(message.attachments) or None,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": message.not_before or now,
            "created_at": now,
        }
        for key, message in wanted.items()
        if key not in existing
    ]
    if not rows:
        return 0
    session.flush()  # pending rows first (the person or channel may be new)
    # Many parameter sets with RETURNING: SQLAlchemy sends them as multi-row INSERTs,
    # the rows in the order given (as `enqueue` one by one would write them).
    inserted = session.connection().execute(_insert_new(session), rows)
    return len(inserted.all())


def queued_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Those of `keys` that a message in the outbox has (queued before, in any state)."""
    wanted = list(dict.fromkeys(keys))
    existing: set[str] = set()
    # The outbox grows under a sweep's batches, each asking this (models.db).
    with planned_for_now(session):
        for start in range(0, len(wanted), _KEYS_PER_QUERY):
            chunk = wanted[start : start + _KEYS_PER_QUERY]
            existing.update(
                session.exec(
                    select(OutboxMessage.idempotency_key).where(
                        one_of(col(OutboxMessage.idempotency_key), "keys")
                    ),
                    params={"keys": chunk},
                )
            )
    return existing


def _check_attachments(paths: Sequence[str]) -> list[str]:
    files = [check_attachment(path) for path in paths]
    if len(files) > MAX_ATTACHMENTS:
        raise AttachmentRefused(f"a message carries at most {MAX_ATTACHMENTS} attachments")
    return files


def _insert_new(session: Session) -> ReturningInsert[tuple[int]]:
    """INSERT INTO outbox_message … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id:
    a row comes back only if it was written."""
    table = SQLModel.metadata.tables[TABLE]
    # The dialect's own insert is imported here, for the database in use only: most
    # commands import this module and never queue a message.
    insert: postgresql.Insert | sqlite.Insert
    if is_postgresql(session):
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        insert = postgresql_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = sqlite_insert(table)
    return insert.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)


def due(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Pending messages whose next attempt is due, oldest first.

    A message carried by a daily digest (`digest_id` set) is not due by itself: it
    goes out inside its digest, and is marked when the digest is.
    On PostgreSQL the rows are locked (FOR UPDATE SKIP LOCKED) until the transaction
    ends, so several deliverers never take the same message.
    """
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending")
        .where(OutboxMessage.next_attempt_at <= (now or utcnow()))
        .where(col(OutboxMessage.digest_id).is_(None))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if is_postgresql(session):
        statement = statement.with_for_update(skip_locked=True)
    return list(session.exec(statement))


def mark_sent(session: Session, message: OutboxMessage, *, at: datetime | None = None) -> None:
    message.status = "sent"
    message.sent_at = at or utcnow()
    message.attempts += 1
    message.last_error = None
    session.add(message)


def dead(session: Session, *, limit: int = 200) -> list[OutboxMessage]:
    """Messages given up on, newest first (the daily digest's carried ones included)."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "dead")
            .order_by(col(OutboxMessage.id).desc())
            .limit(limit)
        )
    )


def retry(session: Session, messages: Iterable[OutboxMessage], *, at: datetime) -> int:
    """Offer given-up messages again, from a first attempt, now (a digest with what it
    carried). Their idempotency keys stay: a receiver that did get one drops it. How
    many are pending again."""
    again = 0
    for message in messages:
        if message.status != "dead":
            continue
        carried = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.digest_id == message.id)
            .where(OutboxMessage.status == "dead")
        ).all()
        for item in [message, *carried]:
            item.status, item.attempts, item.next_attempt_at = "pending", 0, at
            session.add(item)
            again += 1
    return again


def reoffer(
    session: Session,
    channel_id: int,
    *,
    at: datetime,
    outage_after: int,
    skip: Sequence[str] = (),
) -> int:
    """The channel works again: offer again what it gave up on after every attempt (an
    outage: `outage_after` attempts), not what was refused for good (given up on at
    once, before the last attempt), nor the events in `skip`. How many."""
    given_up = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.channel_id == channel_id)
        .where(OutboxMessage.status == "dead")
        .where(OutboxMessage.attempts >= outage_after)
        .where(col(OutboxMessage.event).not_in(skip))
        .where(col(OutboxMessage.digest_id).is_(None))
    ).all()
    return retry(session, given_up, at=at)


def last_sent_on(session: Session, channel_id: int) -> int:
    """The id of the last message a channel took (0 if none): where its outage began."""
    found = session.exec(
        select(func.max(OutboxMessage.id))
        .where(OutboxMessage.channel_id == channel_id)
        .where(OutboxMessage.status == "sent")
    ).one()
    return int(found or 0)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1 min, 2, 4, … at most 6 h."""
    return min(FIRST_RETRY * (1 << max(0, min(attempts, 20) - 1)), LONGEST_RETRY)


def mark_failed(
    session: Session,
    message: OutboxMessage,
    error: str,
    *,
    at: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    """Record a failed attempt (URLs in the error are masked); give up after `max_attempts`."""
    now = at or utcnow()
    message.attempts += 1
    message.last_error = redact_urls(error)[:2000]
    if message.attempts >= max_attempts:
        message.status = "dead"
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
    session.add(message)
