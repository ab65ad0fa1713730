"""The audit head sent for safe keeping: `cyd audit anchor --send-to EMAIL` queues an
`audit-anchor` message (the head, its entry number and when it was read) to each
named person on each of their channels, in their language and format, for the relay
to send like any message (retried, held in quiet hours, re-offered after an outage).

A Board secretary's mailbox is out of reach of whoever runs Cyd's database: a head
kept there catches a rewritten chain or a cut-off tail (`cyd audit verify --head`).

The message is not written to the audit log: an entry recording the anchoring would
move the head it sends. Replay leaves it out, as it does channel test messages.
Sending the same head to the same person again queues nothing new (the key names the
entry and its hash).

    send_anchor(engine, anchor, emails) -> int   # messages queued now
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import col, select

from models import outbox
from models import tables as t
from models.anchors import Anchor
from models.db import unit_of_work
from notifications.relay.jobs import ANCHOR_EVENT
from notifications.tell import messages_for


class UnknownRecipient(LookupError):
    """An email that names no active person in the programme: nothing is queued."""


def send_anchor(engine: Engine, anchor: Anchor, emails: Sequence[str]) -> int:
    """Queue the anchor to each person named (all or none: one unknown email queues
    nothing). Returns how many messages were queued now (0: all queued before)."""
    wanted = sorted({t.normalize_email(e) for e in emails})
    with unit_of_work(engine) as session:
        people = session.exec(
            select(t.Person).where(col(t.Person.email).in_(wanted)).where(col(t.Person.active))
        ).all()
        missing = sorted(set(wanted) - {p.email for p in people})
        if missing:
            raise UnknownRecipient(
                f"no active person with email '{missing[0]}' in the programme: nothing was sent"
            )
        messages = messages_for(
            session,
            people,
            ANCHOR_EVENT,
            {
                "group": False,
                "anchor": {"entry": anchor.seq, "head": anchor.head, "at": anchor.at.isoformat()},
            },
            key=f"anchor:{anchor.seq}:{anchor.head}",
        )
        return outbox.enqueue_many(session, messages)
