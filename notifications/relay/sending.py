"""The relay's run: claim due messages, render and send them a few at once, record what
came of them (see `notifications.relay`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

import settings
from models import faults
from models.db import SQLITE_BUSY_TIMEOUT_S, retrying, unit_of_work, utcnow
from models.outbox import MAX_ATTEMPTS
from models.tables import OutboxMessage
from notifications.relay.attachments import paths_sent, read_attachments
from notifications.relay.claiming import LEASE, claim, claim_due, route
from notifications.relay.jobs import Job, RelayReport, log
from notifications.relay.recording import load, record, reoffer
from notifications.relay.rendering import render

if TYPE_CHECKING:
    from notifications.channels import Attachment, Delivery

# How many times marking delivered messages is tried (each waits up to the busy
# timeout for a lock): in all well inside the lease, so that no other relay takes a
# message while this one is still marking it sent, and sends it again.
MARK_ATTEMPTS = 8
assert LEASE.total_seconds() / 2 > MARK_ATTEMPTS * SQLITE_BUSY_TIMEOUT_S
# The longest a claimed message may wait for a sender before its send starts: then the
# send (at most `SEND_TIMEOUT_S`) and the marking (at most half the lease) still end
# inside its lease. One that waited longer is not sent by this run: it is left to its
# lease, as if this relay had stopped.
SEND_TIMEOUT_S = 120.0  # as notifications.channels.SEND_TIMEOUT_S (not imported: apprise)
START_WITHIN_S = LEASE.total_seconds() / 2 - SEND_TIMEOUT_S
assert START_WITHIN_S > 60
# Claimed ahead of the senders, per sender: enough that none waits for a claim.
AHEAD = 2


@dataclass(frozen=True)
class _Sent:
    """What came of sending one claimed message (to be recorded)."""

    job: Job
    at: dt.datetime  # when it was claimed (the run's clock)
    delivery: Delivery | None  # None: not sent (it waited too long for a sender)
    carried: tuple[int, ...] = ()
    unrendered: dict[int, str] | None = None


def send_due(
    engine: Engine,
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
    concurrency: int | None = None,
) -> RelayReport:
    """Send up to `limit` due messages, `concurrency` at once (default: the setting
    `CYD_RELAY_CONCURRENCY`); see `notifications.relay`.

    This thread claims (a few messages a transaction, never more than the senders can
    start soon) and records (every send finished since the last record, in one
    transaction); the senders only render and send, and never touch the database."""
    workers = concurrency if concurrency is not None else settings.current().relay_concurrency
    workers = max(1, workers)
    report = RelayReport()
    left = limit
    exhausted = False
    # An error claiming or sending stops the claims; what is in flight is still sent and
    # recorded, and then the error is raised. (An error recording is raised at once.)
    failure: Exception | None = None
    in_flight: set[Future[_Sent]] = set()
    with _kept_smtp(), _senders(workers) as submit:
        while True:
            if failure is None and not exhausted and left > 0 and len(in_flight) < workers:
                at = now or utcnow()
                # (One sender sends as it claims: one at a time, as claimed.)
                ahead = AHEAD * workers if workers > 1 else 1
                want = min(left, ahead - len(in_flight))
                try:
                    jobs = retrying(lambda: claim_due(engine, at, report, want))  # noqa: B023
                except Exception as error:
                    failure, jobs = error, []
                exhausted = not jobs
                left -= len(jobs)
                for job in jobs:
                    faults.reached("relay-claimed")
                    in_flight.add(submit(_send, job, at, time.monotonic()))
            if not in_flight:
                break
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            sent: list[_Sent] = []
            for future in finished:
                try:
                    sent.append(future.result())
                except Exception as error:  # a bug: that message stays claimed (its lease)
                    failure = failure or error
            _mark(engine, sent, report, max_attempts, max_attempts)
    if failure is not None:
        raise failure
    return report


@contextmanager
def _kept_smtp() -> Iterator[None]:
    """Email sends of this run keep their SMTP connections for the next message to the
    same server (`notifications.channels.kept_smtp`); apprise is imported on first use."""
    from notifications.channels import kept_smtp

    with kept_smtp():
        yield


@contextmanager
def _senders(workers: int) -> Iterator[Callable[..., Future[_Sent]]]:
    """`submit(fn, *args)`: run in a pool of `workers` threads, or here and now for one.
    On leaving with an error, what has not started is not sent (it stays claimed, for
    its lease to run out); what has started ends first."""
    if workers == 1:

        def now(fn: Callable[..., _Sent], *args: Any) -> Future[_Sent]:
            done: Future[_Sent] = Future()
            done.set_result(fn(*args))
            return done

        yield now
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cyd-relay")
    try:
        yield pool.submit
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def send_now(
    engine: Engine,
    message_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    secrets: Mapping[int, Mapping[str, Any]] | None = None,
    outage_after: int = MAX_ATTEMPTS,
) -> RelayReport:
    """Send these pending messages now, one at a time, whatever quiet hours or digests
    say (`cyd notify test`, a sign-in message).

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
            _mark(engine, [_send(job, at, time.monotonic())], report, max_attempts, outage_after)
    return report


def _claim(engine: Engine, message_id: int, at: dt.datetime) -> Job | None:
    with unit_of_work(engine) as session:
        row = session.get(OutboxMessage, message_id)
        if row is None or row.status != "pending":
            return None
        if row.idea_id is not None:  # a reply to a proposer: found through its idea
            return route(session, row, at, RelayReport())
        return claim(session, row, at)


def _send(job: Job, at: dt.datetime, claimed: float) -> _Sent:
    """Render and send one claimed message (in a sender: no database here)."""
    from notifications.channels import Delivery, Outgoing, deliver, takes_attachments

    if time.monotonic() - claimed > START_WITHIN_S:
        return _Sent(job, at, None)
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
    return _Sent(job, at, delivery, carried, unrendered)


def _mark(
    engine: Engine,
    sent: list[_Sent],
    report: RelayReport,
    max_attempts: int,
    outage_after: int,
) -> None:
    """Record what came of these sends, in one transaction."""
    late = [s for s in sent if s.delivery is None]
    for each in late:
        log.warning(
            "outbox message %s (%s) waited too long for a sender: not sent now; it goes"
            " when its lease is over",
            each.job.message_id,
            each.job.event,
        )
    recorded = [s for s in sent if s.delivery is not None]
    if not recorded:
        return
    done = RelayReport()

    def mark() -> None:
        nonlocal done
        done = RelayReport()  # (counted afresh on each try: only the committed one counts)
        delivered_on: set[int] = set()
        with unit_of_work(engine) as session:
            load(session, (i for s in recorded for i in (s.job.message_id, *s.carried)))
            for each in recorded:
                assert each.delivery is not None
                record(
                    session,
                    each.job,
                    each.delivery,
                    each.carried,
                    each.unrendered or {},
                    each.at,
                    done,
                    max_attempts,
                    outage_after,
                    delivered_on=delivered_on,
                )
            reoffer(session, delivered_on, max(s.at for s in recorded), done, outage_after)

    # What came of the sends is recorded whatever a lock or a lost connection does to
    # the first tries: a delivered message left claimed would be sent again when its
    # lease ran out. Recording is idempotent (`record` leaves a message already
    # recorded as it is), so a commit whose outcome was unknown is tried again too.
    retrying(mark, attempts=MARK_ATTEMPTS, after_commit=True)
    report.add(done)
    for _ in recorded:
        faults.reached("relay-marked")
