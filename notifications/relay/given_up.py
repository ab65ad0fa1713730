"""Messages given up on, listed and offered again (`cyd notify dead`, `cyd notify retry`).

A message is given up on after its last attempt (an outage: the relay also offers it
again by itself once its channel takes a message, `models.outbox.reoffer`) or at once
when trying again cannot help (a configuration error, a refusal for good). Either way
an admin may offer it again, once the cause is put right; its idempotency key stays,
so a receiver that did get it drops the copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import outbox
from models.db import read_session, unit_of_work, utcnow
from models.tables import Channel, OutboxMessage, Person


def dead_messages(engine: Engine, *, limit: int = 200) -> list[dict[str, Any]]:
    """The messages given up on, newest first: who for, on which channel (masked), why."""
    with read_session(engine) as session:
        rows = outbox.dead(session, limit=limit)
        people = {p.id: p.email for p in session.exec(select(Person))}
        ids = {r.channel_id for r in rows}
        channels = {
            c.id: c.masked_url
            for c in session.exec(select(Channel).where(col(Channel.id).in_(ids)))
        }
    return [
        {
            "id": r.id,
            "event": r.event,
            "venture": r.venture_id,
            "person": people.get(r.person_id, "?"),
            "channel": channels.get(r.channel_id, "?"),
            "attempts": r.attempts,
            "in_digest": r.digest_id,
            "reason": r.last_error,
        }
        for r in rows
    ]


def retry_messages(
    engine: Engine, ids: list[int] | None, *, now: dt.datetime | None = None
) -> tuple[int, list[int]]:
    """Offer again the given-up messages `ids` (None: every one), with a digest what it
    carries: (how many are pending again, the ids that are not given-up messages)."""
    at = now or utcnow()
    with unit_of_work(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.status == "dead")
        if ids is not None:
            query = query.where(col(OutboxMessage.id).in_(ids))
        rows = list(session.exec(query.order_by(col(OutboxMessage.id))))
        found = {r.id for r in rows}
        again = outbox.retry(session, rows, at=at)
    return again, [i for i in ids or [] if i not in found]
