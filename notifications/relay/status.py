"""What the outbox holds, for `cyd notify status`: counts, and the failing channels
(masked)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from models.db import read_session
from models.tables import Channel, OutboxMessage, Person


def status(engine: Engine) -> dict[str, Any]:
    """Counts of pending, sent and dead messages, and the channels that are failing
    (masked): those with a dead message or a pending one that has failed before."""
    with read_session(engine) as session:
        counts = dict(
            session.exec(
                select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
            ).all()
        )
        held = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .where(col(OutboxMessage.digest_id).is_not(None))
        ).one()
        failing = session.exec(
            select(OutboxMessage, Channel, Person)
            .join(Channel, col(Channel.id) == col(OutboxMessage.channel_id))
            .join(Person, col(Person.id) == col(OutboxMessage.person_id))
            .where(
                (col(OutboxMessage.status) == "dead")
                | ((col(OutboxMessage.status) == "pending") & (col(OutboxMessage.attempts) > 0))
            )
            .order_by(col(OutboxMessage.id))
        ).all()
    channels: dict[int, dict[str, Any]] = {}
    for message, channel, person in failing:
        assert channel.id is not None
        entry = channels.setdefault(
            channel.id,
            {
                "channel": channel.masked_url,
                "label": channel.label,
                "person": person.email,
                "active": channel.active,
                "dead": 0,
                "retrying": 0,
                "last_error": None,
                "last_failed_message": None,
            },
        )
        entry["dead" if message.status == "dead" else "retrying"] += 1
        entry["last_error"] = message.last_error
        entry["last_failed_message"] = message.id
    return {
        "pending": int(counts.get("pending", 0)),
        "sent": int(counts.get("sent", 0)),
        "dead": int(counts.get("dead", 0)),
        "held_in_digests": int(held),
        "failing_channels": sorted(channels.values(), key=lambda c: (c["person"], c["channel"])),
    }
