"""Recording what came of a send: sent (with what a digest carried), failed (retried
with backoff) or given up on (and the admins alerted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from models import outbox
from models.tables import OutboxMessage
from notifications.relay.alerts import alert_admins
from notifications.relay.jobs import (
    ALERT_EVENT,
    DIGEST_EVENT,
    TEST_EVENT,
    Job,
    Problem,
    RelayReport,
    log,
)

if TYPE_CHECKING:
    from notifications.channels import Delivery


def give_up(session: Session, row: OutboxMessage, reason: str, at: dt.datetime) -> None:
    outbox.mark_failed(session, row, reason, at=at, max_attempts=row.attempts + 1)


def load(session: Session, message_ids: Iterable[int]) -> None:
    """Read these messages in one statement (the session keeps them for `record`)."""
    wanted = sorted(set(message_ids))
    if wanted:
        session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(wanted))).all()


def reoffer(
    session: Session,
    channel_ids: Iterable[int],
    at: dt.datetime,
    report: RelayReport,
    outage_after: int,
) -> None:
    """These channels took a message: what each gave up on during an outage goes now.
    (One statement finds the channels that have any such message; usually none.)"""
    wanted = sorted(set(channel_ids))
    if not wanted:
        return
    gave_up = session.exec(
        select(OutboxMessage.channel_id)
        .where(col(OutboxMessage.channel_id).in_(wanted))
        .where(OutboxMessage.status == "dead")
        .where(OutboxMessage.attempts >= outage_after)
        .distinct()
    ).all()
    for channel_id in sorted({c for c in gave_up if c is not None}):
        report.offered_again += outbox.reoffer(
            session, channel_id, at=at, outage_after=outage_after, skip=(TEST_EVENT,)
        )


def record(
    session: Session,
    job: Job,
    delivery: Delivery,
    carried: tuple[int, ...],
    unrendered: dict[int, str],
    at: dt.datetime,
    report: RelayReport,
    max_attempts: int,
    outage_after: int,
    *,
    delivered_on: set[int] | None = None,
) -> None:
    """Record what came of one send. `delivered_on`: where the channel of a message
    delivered is added, for the caller to `reoffer` once per channel; None: here."""
    row = session.get(OutboxMessage, job.message_id)
    assert row is not None
    if row.status != "pending" or row.attempts != job.attempts:
        return  # recorded already (a try whose commit was not known to have happened)
    for message_id, reason in unrendered.items():
        if message_id == job.message_id:
            continue
        item = session.get(OutboxMessage, message_id)
        if item is not None and item.status == "pending":
            give_up(session, item, reason, at)
            after_failure(session, item, job, reason, report, at)
    if delivery.ok:
        outbox.mark_sent(session, row, at=at)
        report.sent += 1
        # The channel works again: what it gave up on during the outage goes now.
        # (A reply to an idea's proposer has no channel row: nothing waits on it.)
        if row.channel_id is None:
            pass
        elif delivered_on is None:
            reoffer(session, (row.channel_id,), at, report, outage_after)
        else:
            delivered_on.add(row.channel_id)
        for message_id in carried:
            item = session.get(OutboxMessage, message_id)
            if item is not None and item.status == "pending":
                outbox.mark_sent(session, item, at=at)
                report.sent += 1
        log.info("sent outbox message %s (%s) to %s", row.id, row.event, job.masked)
        return
    reason = delivery.reason or "not delivered"
    if delivery.permanent:
        give_up(session, row, reason, at)
    else:
        outbox.mark_failed(session, row, reason, at=at, max_attempts=max_attempts)
    after_failure(session, row, job, reason, report, at, outage=not delivery.permanent)
    if row.status == "dead" and row.event == DIGEST_EVENT:
        for item in session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.digest_id == row.id)
            .where(OutboxMessage.status == "pending")
        ).all():
            item.status = "dead"
            item.last_error = f"its daily digest (outbox message {row.id}) was given up on"
            session.add(item)
            report.dead += 1


def after_failure(
    session: Session,
    row: OutboxMessage,
    job: Job,
    reason: str,
    report: RelayReport,
    at: dt.datetime,
    *,
    outage: bool = False,
) -> None:
    """`outage`: given up after every attempt (the channel was down), not at once."""
    dead = row.status == "dead"
    assert row.id is not None
    report.problems.append(
        Problem(row.id, row.event, job.person.email, job.masked, row.last_error or reason, dead)
    )
    if not dead:
        report.failed += 1
        log.warning(
            "outbox message %s (%s) to %s failed (attempt %s), will retry: %s",
            row.id,
            row.event,
            job.masked,
            row.attempts,
            row.last_error,
        )
        return
    report.dead += 1
    if row.event == TEST_EVENT:
        return  # whoever asked for the test is told at once
    if row.event == ALERT_EVENT:
        # No alert about an alert: that could go round for ever.
        log.error(
            "an alert to an admin could not be delivered to %s: %s", job.masked, row.last_error
        )
        return
    log.error(
        "outbox message %s (%s) to %s given up after %s attempt(s): %s",
        row.id,
        row.event,
        job.masked,
        row.attempts,
        row.last_error,
    )
    report.alerts += alert_admins(session, row, job.person.email, job.masked, at=at, outage=outage)
