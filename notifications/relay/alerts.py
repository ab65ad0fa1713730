"""The admins' alert when a message is given up on: one `delivery-failed` message to
each admin, on their channels other than the failing one where they have another.
Once per outage of a channel, not once per message (an outage gives up on every
message queued for it: one alert says so, and `cyd notify dead` lists them all); once
per message given up on at once (a template error, a refusal for good: each its own)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models import outbox
from models.tables import OutboxMessage, Person, PersonRole, mask_url, redact_urls
from notifications.relay.jobs import ALERT_EVENT
from notifications.tell import messages_for


def alert_admins(
    session: Session,
    dead: OutboxMessage,
    person: str,
    channel: str,
    *,
    at: dt.datetime | None = None,
    outage: bool = False,
) -> int:
    """Queue a `delivery-failed` message to each admin: for an `outage` (given up after
    every attempt), once per outage of the dead message's channel (keyed by the last
    message the channel took before it failed); otherwise (given up at once: a template
    error, a refusal for good) once per message. Returns how many were queued now."""
    assert dead.id is not None
    if outage and dead.channel_id is not None:
        key = f"outage:{dead.channel_id}:{outbox.last_sent_on(session, dead.channel_id)}"
    else:
        key = f"dead:{dead.idempotency_key}"
    payload = {
        "group": False,
        "failed": {
            "message_id": dead.id,
            "event": dead.event,
            "venture_id": dead.venture_id,
            "person": person,
            "channel": mask_url(channel),  # masked already: never a URL, whatever came
            "attempts": dead.attempts,
            "reason": redact_urls(dead.last_error or ""),  # (redacted when recorded, too)
        },
    }
    admins = session.exec(
        select(Person)
        .join(PersonRole, col(PersonRole.person_id) == col(Person.id))
        .where(PersonRole.role == "admin")
        .where(col(Person.active))
    ).all()
    messages = messages_for(
        session,
        admins,
        ALERT_EVENT,
        payload,
        key=key,
        not_before=at,
    )
    others = {m.person_id for m in messages if m.channel_id != dead.channel_id}
    # An alert through the channel that fails would fail too: another, where there is one.
    chosen = [m for m in messages if m.channel_id != dead.channel_id or m.person_id not in others]
    return outbox.enqueue_many(session, chosen)
