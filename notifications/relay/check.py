"""A test message (`cyd notify test`): one to each of a person's channels, sent now
and tried once, saying whether each channel works."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import outbox
from models.db import read_session, unit_of_work, utcnow
from models.tables import Channel, OutboxMessage, Person
from notifications.relay.jobs import TEST_EVENT
from notifications.relay.sending import send_now
from notifications.tell import messages_for


@dataclass(frozen=True)
class ChannelResult:
    channel: str  # masked
    label: str
    message_id: int
    sent: bool
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def send_test(
    engine: Engine, email: str, *, now: dt.datetime | None = None, channel_id: int | None = None
) -> list[ChannelResult]:
    """Queue a `test` message to each of the person's channels (or only the channel
    `channel_id`, the admin pages' "send a test message") and send them now."""
    at = now or utcnow()
    with unit_of_work(engine) as session:
        person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
        if person is None:
            raise LookupError(f"no person with email '{email}'")
        messages = messages_for(
            session,
            [person],
            TEST_EVENT,
            {"group": False, "requested_at": at.isoformat()},
            key=f"test:{at.isoformat()}",
            not_before=at,
        )
        if channel_id is not None:
            messages = tuple(m for m in messages if m.channel_id == channel_id)
        outbox.enqueue_many(session, messages)
        queued: list[tuple[int, Channel]] = []
        for message in messages:
            row = outbox.get(session, message.key)
            channel = session.get(Channel, message.channel_id)
            assert row is not None
            assert row.id is not None
            assert channel is not None
            queued.append((row.id, channel))
    # A test is tried once: it says whether the channel works now.
    send_now(engine, [message_id for message_id, _ in queued], now=at, max_attempts=1)
    results = []
    with read_session(engine) as session:
        for message_id, channel in queued:
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            results.append(
                ChannelResult(
                    channel=channel.masked_url,
                    label=channel.label,
                    message_id=message_id,
                    sent=row.status == "sent",
                    reason=row.last_error,
                )
            )
    return results
