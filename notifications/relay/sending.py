"""The relay's run: claim a due message, render it, send it, record what came of it
(see `notifications.relay`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from models import faults
from models.db import SQLITE_BUSY_TIMEOUT_S, retrying, unit_of_work, utcnow
from models.outbox import MAX_ATTEMPTS
from models.tables import OutboxMessage
from notifications.relay.attachments import paths_sent, read_attachments
from notifications.relay.claiming import LEASE, claim, claim_next
from notifications.relay.jobs import Job, RelayReport, log
from notifications.relay.recording import record
from notifications.relay.rendering import render

if TYPE_CHECKING:
    from notifications.channels import Attachment, Delivery

# How many times marking a delivered message is tried (each waits up to the busy
# timeout for a lock): in all well inside the lease, so that no other relay takes the
# message while this one is still marking it sent, and sends it again.
MARK_ATTEMPTS = 8
assert LEASE.total_seconds() / 2 > MARK_ATTEMPTS * SQLITE_BUSY_TIMEOUT_S


def send_due(
    engine: Engine,
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> RelayReport:
    """Send up to `limit` due messages, one at a time; see `notifications.relay`."""
    report = RelayReport()
    for _ in range(limit):
        at = now or utcnow()
        job = retrying(lambda: claim_next(engine, at, report))  # noqa: B023 (run at once)
        if job is None:
            break
        faults.reached("relay-claimed")
        _process(engine, job, at, report, max_attempts, max_attempts)
    return report


def send_now(
    engine: Engine,
    message_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    secrets: Mapping[int, Mapping[str, Any]] | None = None,
    outage_after: int = MAX_ATTEMPTS,
) -> RelayReport:
    """Send these pending messages now, whatever quiet hours or digests say
    (`cyd notify test`, a sign-in message).

    `secrets`: by message id, values added to its payload for rendering only, never
    written anywhere (a sign-in message's link and code). `outage_after`: how many
    attempts the relay makes before it gives up on a message (a test is tried once,
    but a message given up on after one attempt was refused, not caught in an outage).
    """
    report = RelayReport()
    for message_id in message_ids:
        at = now or utcnow()
        job = retrying(lambda: _claim(engine, message_id, at))  # noqa: B023 (run at once)
        if job is not None:
            faults.reached("relay-claimed")
            hidden = (secrets or {}).get(message_id)
            if hidden:
                job = replace(job, payload={**job.payload, **hidden})
            _process(engine, job, at, report, max_attempts, outage_after)
    return report


def _claim(engine: Engine, message_id: int, at: dt.datetime) -> Job | None:
    with unit_of_work(engine) as session:
        row = session.get(OutboxMessage, message_id)
        return claim(session, row, at) if row is not None and row.status == "pending" else None


def _process(
    engine: Engine,
    job: Job,
    at: dt.datetime,
    report: RelayReport,
    max_attempts: int,
    outage_after: int,
) -> None:
    from notifications.channels import Delivery, Outgoing, deliver, takes_attachments

    wanted = job.attachments or any(files for *_, files in job.items)
    carries = bool(wanted) and takes_attachments(job.url)
    rendered, carried, unrendered = render(job, carries)
    if rendered is None:
        delivery = Delivery(False, unrendered.get(job.message_id, "template error"), True)
    else:
        files: tuple[Attachment, ...] = ()
        problem: Delivery | None = None
        if carries:
            files, problem = read_attachments(paths_sent(job, carried))
        elif wanted:
            log.info(
                "outbox message %s (%s): %s carries no files; the message says where they are",
                job.message_id,
                job.event,
                job.masked,
            )
        if problem is not None:
            delivery = problem
        else:
            outgoing = Outgoing(
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                languages=rendered.languages,
                key=job.key,
                to=job.person.to,
                format=rendered.format,
                attachments=files,
                pictures=rendered.pictures,
            )
            delivery = deliver(job.url, outgoing)
    if delivery.ok:
        faults.reached("relay-sent")

    def mark() -> None:
        with unit_of_work(engine) as session:
            record(
                session, job, delivery, carried, unrendered, at, report, max_attempts, outage_after
            )

    # What came of the send is recorded whatever a lock or a lost connection does to the
    # first tries: a delivered message left claimed would be sent again when its lease
    # ran out. Recording is idempotent (`record` leaves a message already recorded as
    # it is), so a commit whose outcome was unknown is tried again too.
    retrying(mark, attempts=MARK_ATTEMPTS, after_commit=True)
    faults.reached("relay-marked")
