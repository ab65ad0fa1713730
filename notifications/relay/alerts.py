"""The admins' alert when a message is given up on: one `delivery-failed` message on
each admin's channels, once per dead message."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.tables import OutboxMessage, Person, PersonRole, mask_url, redact_urls
from notifications.relay.jobs import ALERT_EVENT
from notifications.tell import tell


def alert_admins(
    session: Session,
    dead: OutboxMessage,
    person: str,
    channel: str,
    *,
    at: dt.datetime | None = None,
) -> int:
    """Queue a `delivery-failed` message to each admin's channels, once per dead
    message (keyed by it). Returns how many were queued now."""
    assert dead.id is not None
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
    told = tell(
        session, admins, ALERT_EVENT, payload, key=f"dead:{dead.idempotency_key}", not_before=at
    )
    return told.queued
