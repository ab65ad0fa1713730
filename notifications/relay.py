"""The relay: sends what is due in the outbox through apprise, exactly once where it can.

`send_due(engine)` takes due messages one at a time. For each:

1. **Claim** (a short write transaction): the message is leased — its
   `next_attempt_at` moves `LEASE` ahead — so another relay leaves it alone while it
   is being sent, and the transaction is over before anything leaves (no lock is
   held while a mail server answers). The person's quiet hours and daily digest are
   applied here (below); they move a message, they do not count as attempts.
2. **Render** it in the person's language and format as they are now (their latest
   choice, not the one when it was queued; `notifications.compose`).
   A template that fails (missing, a missing variable, anything else) fails that
   message for good with the reason, and the admins are told; the relay goes on.
3. **Send** it to its one channel with a fresh `apprise.Apprise()` holding only that
   URL (`notifications.channels.deliver`), and read the answer strictly: success
   is sent; a failure is retried later with exponential backoff
   (`models.outbox.mark_failed`); no service for the URL is a configuration error,
   which no retry mends: the message is given up at once.
4. **Mark** it in its own transaction straight after sending. A crash between 3 and
   4 leaves the message claimed; when the lease runs out it is sent again, once,
   with the same idempotency key (the `X-Cyd-Idempotency-Key` header), so a
   receiver can drop the copy. An error while marking stops the run.

A message given up on (`dead`: after `max_attempts`, or at once for a configuration
or template error) makes one alert (`delivery-failed`) for each admin's channels,
keyed by the dead message, so it is queued once however often the relay runs. An
alert that itself dies alerts nobody (no loop); it is logged.

Quiet hours (`person.quiet_hours_from/to`, local time in `CYD_TIMEZONE`, default
Europe/London): a message due inside them waits until they end. The `test` and
`sign-in` messages ignore them.

Daily digest (`person.daily_digest`): the person's messages wait for the day's
digest time (`DIGEST_AT`, local). The first time the relay finds one of them due at
or after it, it queues that day's digest message on the channel (keyed by person,
channel and day, so there is one a day) and attaches to it every message then
waiting on that channel (`digest_id`): they are no longer due alone. The digest is
sent like any message, carrying each of them rendered as it would have been sent;
when it is sent they are marked sent with it, and if it is given up on, so are they.
A message arriving after the day's digest was made waits for the next day's. Tests,
sign-in messages and alerts to admins never wait for a digest. The digest's cover (the `digest`
templates) is in the person's language(s) and format, and says whether the files of
what it carries go with it.

Attachments (`outbox_message.attachments`, e.g. a Board member's papers): paths in
the data folder, read when the message is sent (`_read_attachments`) and handed to
apprise with it. The message is rendered knowing whether its channel carries files
(`attached` in the template's variables): one that cannot (an SMS or chat service)
gets the message saying where the files are filed instead. A file that is missing
or unreadable fails that attempt with the file named, and is tried again with
backoff like any failure (it may come back: a data folder on a share, a pack being
made again) until the message is given up on and the admins are alerted; it is never
sent without its files. A path that is not inside the data folder is refused for
good. A digest carries the files of the messages it carries.

A message for a channel removed from the programme goes instead to the person's
current channels (a copy each, keyed by the original); a message for a person no
longer in the programme is given up on (no alert: the programme was changed).

Sign-in messages (`sign-in`: a one-time link and code) are urgent and secret. The
service that asks for one (`services.sign_in`) queues it leased, so no sweep takes it,
and sends it at once with `send_now(..., secrets=...)`: the link and the code are
handed over in memory, merged into the payload to render it, and never stored (the
outbox row holds the rest of the payload only). It is tried once; a sign-in message
that reaches the sweep (its sender stopped before sending it) is given up on, since
its link and code are gone: the person asks again.

Channel URLs are secrets: the relay logs, stores and reports them masked only.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models import outbox
from models.db import data_dir, read_session, unit_of_work, utcnow
from models.outbox import MAX_ATTEMPTS, AttachmentRefused
from models.tables import Channel, OutboxMessage, Person, PersonRole, mask_url, redact_urls

if TYPE_CHECKING:
    from notifications.channels import Attachment, Delivery
    from notifications.compose import Addressee
    from notifications.render import Rendered

log = logging.getLogger(__name__)

# The event names (as in notifications.compose, which is imported only to render:
# `cyd notify status` needs neither the templates nor apprise).
DIGEST_EVENT = "digest"
ALERT_EVENT = "delivery-failed"
TEST_EVENT = "test"
SIGN_IN_EVENT = "sign-in"

LEASE = dt.timedelta(minutes=10)  # how long a claimed message is left to its relay
DIGEST_AT = dt.time(9, 0)  # local time of the daily digest
TIMEZONE_ENV = "CYD_TIMEZONE"
DEFAULT_TIMEZONE = "Europe/London"
_SCAN = 25  # due messages looked at per claim
# The most one message may carry in files: more is refused for good, as a mail
# server would refuse it, but here with the reason said.
ATTACHMENTS_MAX_BYTES = 20 * 1024 * 1024
# Events that never wait for a digest, and those that ignore quiet hours too.
_NOT_DIGESTED = frozenset({DIGEST_EVENT, TEST_EVENT, ALERT_EVENT, SIGN_IN_EVENT})
_URGENT = frozenset({TEST_EVENT, SIGN_IN_EVENT})
# Why a sign-in message met by the sweep is not sent.
SIGN_IN_TOO_LATE = (
    "not sent: a sign-in message is sent when it is asked for or not at all"
    " (its link and code are not kept); the person can ask again"
)


def local_zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE)


@dataclass
class Problem:
    message_id: int
    event: str
    person: str
    channel: str  # masked
    reason: str  # masked
    dead: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RelayReport:
    """What one run did. `sent` counts messages delivered, digest contents included."""

    sent: int = 0
    failed: int = 0  # attempts that failed and will be tried again
    dead: int = 0  # messages given up on
    deferred: int = 0  # moved to the end of quiet hours or to the digest time
    digests: int = 0  # daily digests made
    alerts: int = 0  # alerts queued for the admins
    rerouted: int = 0  # copies made for a person's current channels
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [p.as_json() for p in self.problems]
        return data


@dataclass(frozen=True)
class _Job:
    """A claimed message, with all that sending it needs (read in the claim)."""

    message_id: int
    key: str
    event: str
    payload: dict[str, Any] = field(repr=False)  # a sign-in's holds its link and code
    url: str = field(repr=False)  # a secret
    person: Addressee
    attempts: int
    digest_day: dt.date | None = None
    # a digest's carried messages: (id, event, payload, attachments)
    items: tuple[tuple[int, str, dict[str, Any], tuple[str, ...]], ...] = ()
    attachments: tuple[str, ...] = ()  # paths in the data folder

    @property
    def masked(self) -> str:
        return mask_url(self.url)


# --- running ---------------------------------------------------------------------------------


def send_due(
    engine: Engine,
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> RelayReport:
    """Send up to `limit` due messages, one at a time; see the module's description."""
    report = RelayReport()
    for _ in range(limit):
        at = now or utcnow()
        job = _claim_next(engine, at, report)
        if job is None:
            break
        _process(engine, job, at, report, max_attempts)
    return report


def send_now(
    engine: Engine,
    message_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    secrets: Mapping[int, Mapping[str, Any]] | None = None,
) -> RelayReport:
    """Send these pending messages now, whatever quiet hours or digests say
    (`cyd notify test`, a sign-in message).

    `secrets`: by message id, values added to its payload for rendering only, never
    written anywhere (a sign-in message's link and code).
    """
    report = RelayReport()
    for message_id in message_ids:
        at = now or utcnow()
        with unit_of_work(engine) as session:
            row = session.get(OutboxMessage, message_id)
            job = _claim(session, row, at) if row is not None and row.status == "pending" else None
        if job is not None:
            hidden = (secrets or {}).get(message_id)
            if hidden:
                job = replace(job, payload={**job.payload, **hidden})
            _process(engine, job, at, report, max_attempts)
    return report


def _process(
    engine: Engine, job: _Job, at: dt.datetime, report: RelayReport, max_attempts: int
) -> None:
    from notifications.channels import Delivery, Outgoing, deliver, takes_attachments

    wanted = job.attachments or any(files for *_, files in job.items)
    carries = bool(wanted) and takes_attachments(job.url)
    rendered, carried, unrendered = _render(job, carries)
    if rendered is None:
        delivery = Delivery(False, unrendered.get(job.message_id, "template error"), True)
    else:
        files: tuple[Attachment, ...] = ()
        problem: Delivery | None = None
        if carries:
            files, problem = _read_attachments(_paths_sent(job, carried))
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
            )
            delivery = deliver(job.url, outgoing)
    with unit_of_work(engine) as session:
        _record(session, job, delivery, carried, unrendered, at, report, max_attempts)


def _paths_sent(job: _Job, carried: tuple[int, ...]) -> list[str]:
    """The files of the message, or of the digest's messages that are sent in it."""
    if job.event != DIGEST_EVENT:
        return list(job.attachments)
    sent = set(carried)
    paths = [p for message_id, _, _, files in job.items if message_id in sent for p in files]
    return list(dict.fromkeys(paths))  # a file carried twice is sent once


def _read_attachments(paths: list[str]) -> tuple[tuple[Attachment, ...], Delivery | None]:
    """The files, read from the data folder; or the failure that stops the send.

    A refused path (outside the data folder) or files too large to send fail for
    good; a missing or unreadable file fails this attempt (see the module's text).
    """
    from notifications.channels import Attachment, Delivery

    data = data_dir()
    files: list[Attachment] = []
    total = 0
    for path in paths:
        try:
            real = outbox.attachment_path(data, path)
            content = real.read_bytes()
        except AttachmentRefused as error:
            return (), Delivery(False, f"attachment refused: {error}", permanent=True)
        except OSError as error:
            why = error.strerror or type(error).__name__
            return (), Delivery(False, f"attachment {path} could not be read ({why}): not sent")
        total += len(content)
        if total > ATTACHMENTS_MAX_BYTES:
            limit = ATTACHMENTS_MAX_BYTES // (1024 * 1024)
            reason = f"attachments too large to send (over {limit} MB): not sent"
            return (), Delivery(False, reason, permanent=True)
        name = path.rsplit("/", 1)[-1]
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(Attachment(name=name, content=content, mimetype=kind))
    return tuple(files), None


# --- claiming --------------------------------------------------------------------------------


def _claim_next(engine: Engine, at: dt.datetime, report: RelayReport) -> _Job | None:
    """Lease the next due message that may go now; move the ones that must wait."""
    while True:
        with unit_of_work(engine) as session:
            rows = outbox.due(session, now=at, limit=_SCAN)
            if not rows:
                return None
            for row in rows:
                job = _route(session, row, at, report)
                if job is not None:
                    return job
            # Every row looked at was moved, folded or given up on: look again.


def _route(
    session: Session, row: OutboxMessage, at: dt.datetime, report: RelayReport
) -> _Job | None:
    person = session.get(Person, row.person_id)
    channel = session.get(Channel, row.channel_id)
    assert person is not None
    assert channel is not None
    assert row.id is not None
    if not person.active:
        _give_up(session, row, "not sent: the person is no longer in the programme", at)
        report.dead += 1
        return None
    if not channel.active:
        report.rerouted += _reroute(session, row, person, at)
        report.dead += 1
        return None
    if row.event == SIGN_IN_EVENT:
        _give_up(session, row, SIGN_IN_TOO_LATE, at)
        log.warning("outbox message %s (sign-in) was not sent when asked for: given up", row.id)
        report.dead += 1
        return None
    if row.event not in _URGENT:
        until = quiet_until(at, person.quiet_hours_from, person.quiet_hours_to)
        if until is not None:
            _defer(session, row, until, report)
            return None
    if person.daily_digest and row.event not in _NOT_DIGESTED:
        _hold_for_digest(session, row, person, at, report)
        return None
    return _claim(session, row, at)


def _claim(session: Session, row: OutboxMessage, at: dt.datetime) -> _Job:
    person = session.get(Person, row.person_id)
    channel = session.get(Channel, row.channel_id)
    assert person is not None
    assert channel is not None
    assert row.id is not None
    row.next_attempt_at = at + LEASE
    session.add(row)
    items: tuple[tuple[int, str, dict[str, Any], tuple[str, ...]], ...] = ()
    day = None
    if row.event == DIGEST_EVENT:
        carried = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.digest_id == row.id)
            .where(OutboxMessage.status == "pending")
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        ).all()
        items = tuple(
            (m.id, m.event, dict(m.payload), tuple(m.attachments or ()))
            for m in carried
            if m.id is not None
        )
        day = dt.date.fromisoformat(str(row.payload.get("day")))
    return _Job(
        message_id=row.id,
        key=row.idempotency_key,
        event=row.event,
        payload=dict(row.payload),
        url=channel.url,
        person=addressee(person),
        attempts=row.attempts,
        digest_day=day,
        items=items,
        attachments=tuple(row.attachments or ()),
    )


def addressee(person: Person) -> Addressee:
    from notifications.compose import addressee as of

    return of(person)


def _defer(session: Session, row: OutboxMessage, until: dt.datetime, report: RelayReport) -> None:
    row.next_attempt_at = until
    session.add(row)
    report.deferred += 1


def quiet_until(at: dt.datetime, start: str | None, end: str | None) -> dt.datetime | None:
    """When the quiet hours around `at` end (UTC), or None if `at` is not in them.

    `start` and `end` are 'HH:MM' local times; quiet hours may run past midnight.
    """
    if not start or not end:
        return None
    zone = local_zone()
    local = at.astimezone(zone)
    begins, ends = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    now = local.time().replace(tzinfo=None)
    if begins < ends:
        inside, end_day = begins <= now < ends, local.date()
    else:  # e.g. 21:00 to 08:00: past midnight
        inside = now >= begins or now < ends
        end_day = local.date() + dt.timedelta(days=1) if now >= begins else local.date()
    if not inside:
        return None
    until = dt.datetime.combine(end_day, ends, tzinfo=zone).astimezone(dt.UTC)
    return until if until > at else None  # (a clock change can fold the end back)


def digest_time(day: dt.date) -> dt.datetime:
    """The moment (UTC) of the digest of the local day `day`."""
    return dt.datetime.combine(day, DIGEST_AT, tzinfo=local_zone()).astimezone(dt.UTC)


def _hold_for_digest(
    session: Session, row: OutboxMessage, person: Person, at: dt.datetime, report: RelayReport
) -> None:
    """Wait for today's digest time; then make today's digest and attach what waits."""
    today = at.astimezone(local_zone()).date()
    moment = digest_time(today)
    if at < moment:
        _defer(session, row, moment, report)
        return
    assert person.id is not None
    digest, created = outbox.enqueue(
        session,
        event=DIGEST_EVENT,
        person_id=person.id,
        channel_id=row.channel_id,
        language=person.language,
        format=person.format,
        payload={"group": False, "day": today.isoformat()},
        discriminator=f"digest:{today.isoformat()}",
        not_before=at,
    )
    if not created:  # today's digest is made (and maybe sent): tomorrow's, then
        _defer(session, row, digest_time(today + dt.timedelta(days=1)), report)
        return
    waiting = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .where(OutboxMessage.channel_id == row.channel_id)
        .where(OutboxMessage.status == "pending")
        .where(col(OutboxMessage.digest_id).is_(None))
        .where(col(OutboxMessage.event).not_in(sorted(_NOT_DIGESTED)))
    ).all()
    for message in waiting:
        message.digest_id = digest.id
        session.add(message)
    report.digests += 1
    session.flush()


def _reroute(session: Session, row: OutboxMessage, person: Person, at: dt.datetime) -> int:
    """Copy a message for a removed channel to the person's current channels."""
    channels = session.exec(
        select(Channel).where(Channel.person_id == person.id).where(col(Channel.active))
    ).all()
    copies = 0
    for channel in channels:
        assert channel.id is not None
        assert person.id is not None
        _, created = outbox.enqueue(
            session,
            event=row.event,
            person_id=person.id,
            channel_id=channel.id,
            language=row.language,
            format=row.format,
            payload=dict(row.payload),
            venture_id=row.venture_id,
            discriminator=f"reroute:{row.idempotency_key}",
            not_before=at,
            attachments=row.attachments or (),
        )
        copies += created
    where = "its current channels" if channels else "no channel now (it has none)"
    _give_up(
        session, row, f"not sent: the channel was removed from the programme; sent to {where}", at
    )
    return copies


def _give_up(session: Session, row: OutboxMessage, reason: str, at: dt.datetime) -> None:
    outbox.mark_failed(session, row, reason, at=at, max_attempts=row.attempts + 1)


# --- rendering -------------------------------------------------------------------------------


def _with_attached(
    payload: dict[str, Any], files: tuple[str, ...], carries: bool
) -> dict[str, Any]:
    """The payload a message with files is rendered from: `attached` says whether
    the files go with it (else the message says where they are filed)."""
    return {**payload, "attached": carries} if files else payload


def _render(
    job: _Job, carries: bool = False
) -> tuple[Rendered | None, tuple[int, ...], dict[int, str]]:
    """The message to send, the digest items it carries, and what failed to render
    (message id → reason). A message that cannot be rendered gives None.
    `carries`: whether the channel sends files with a message."""
    from notifications.compose import render_alert, render_for

    if job.event == DIGEST_EVENT:
        return _render_digest(job, carries)
    try:
        if job.event == ALERT_EVENT:
            return render_alert(job.person, job.payload), (), {}
        payload = _with_attached(job.payload, job.attachments, carries)
        return render_for(job.person, job.event, payload), (), {}
    except Exception as error:  # a template bug fails this message, never the relay
        return None, (), {job.message_id: template_problem(job.event, job.person, error)}


def _render_digest(
    job: _Job, carries: bool
) -> tuple[Rendered | None, tuple[int, ...], dict[int, str]]:
    from notifications.compose import compose_digest, render_for

    rendered: list[Rendered] = []
    carried: list[int] = []
    unrendered: dict[int, str] = {}
    with_files = False
    for message_id, event, payload, files in job.items:
        try:
            rendered.append(render_for(job.person, event, _with_attached(payload, files, carries)))
            carried.append(message_id)
            with_files = with_files or bool(files)
        except Exception as error:
            unrendered[message_id] = template_problem(event, job.person, error)
    if not rendered:
        unrendered[job.message_id] = "the digest has no message that could be rendered"
        return None, (), unrendered
    assert job.digest_day is not None
    try:
        # The cover says whether the files of what it carries go with it.
        digest = compose_digest(
            job.person, job.digest_day, rendered, attached=carries if with_files else None
        )
    except Exception as error:  # the cover's template: the digest fails, not the relay
        unrendered[job.message_id] = template_problem(job.event, job.person, error)
        return None, (), unrendered
    return digest, tuple(carried), unrendered


def template_problem(event: str, person: Addressee, error: Exception) -> str:
    languages = "+".join(person.languages)
    return (
        f"template error: '{event}' in {languages}, {person.format}: "
        f"{type(error).__name__}: {error}"
    )


# --- recording -------------------------------------------------------------------------------


def _record(
    session: Session,
    job: _Job,
    delivery: Delivery,
    carried: tuple[int, ...],
    unrendered: dict[int, str],
    at: dt.datetime,
    report: RelayReport,
    max_attempts: int,
) -> None:
    row = session.get(OutboxMessage, job.message_id)
    assert row is not None
    for message_id, reason in unrendered.items():
        if message_id == job.message_id:
            continue
        item = session.get(OutboxMessage, message_id)
        if item is not None and item.status == "pending":
            _give_up(session, item, reason, at)
            _after_failure(session, item, job, reason, report, at)
    if delivery.ok:
        outbox.mark_sent(session, row, at=at)
        report.sent += 1
        for message_id in carried:
            item = session.get(OutboxMessage, message_id)
            if item is not None and item.status == "pending":
                outbox.mark_sent(session, item, at=at)
                report.sent += 1
        log.info("sent outbox message %s (%s) to %s", row.id, row.event, job.masked)
        return
    reason = delivery.reason or "not delivered"
    if delivery.permanent:
        _give_up(session, row, reason, at)
    else:
        outbox.mark_failed(session, row, reason, at=at, max_attempts=max_attempts)
    _after_failure(session, row, job, reason, report, at)
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


def _after_failure(
    session: Session,
    row: OutboxMessage,
    job: _Job,
    reason: str,
    report: RelayReport,
    at: dt.datetime,
) -> None:
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
    report.alerts += alert_admins(session, row, job.person.email, job.masked, at=at)


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
    queued = 0
    for admin in admins:
        channels = session.exec(
            select(Channel).where(Channel.person_id == admin.id).where(col(Channel.active))
        ).all()
        for admin_channel in channels:
            assert admin.id is not None
            assert admin_channel.id is not None
            _, created = outbox.enqueue(
                session,
                event=ALERT_EVENT,
                person_id=admin.id,
                channel_id=admin_channel.id,
                language=admin.language,
                format=admin.format,
                payload=payload,
                discriminator=f"dead:{dead.idempotency_key}",
                not_before=at,
            )
            queued += created
    return queued


# --- status ----------------------------------------------------------------------------------


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


# --- a test message --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelResult:
    channel: str  # masked
    label: str
    message_id: int
    sent: bool
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def send_test(engine: Engine, email: str, *, now: dt.datetime | None = None) -> list[ChannelResult]:
    """Queue a `test` message to each of the person's channels and send them now."""
    at = now or utcnow()
    with unit_of_work(engine) as session:
        person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
        if person is None:
            raise LookupError(f"no person with email '{email}'")
        assert person.id is not None
        channels = session.exec(
            select(Channel)
            .where(Channel.person_id == person.id)
            .where(col(Channel.active))
            .order_by(col(Channel.id))
        ).all()
        queued: list[tuple[int, Channel]] = []
        for channel in channels:
            assert channel.id is not None
            message, _ = outbox.enqueue(
                session,
                event=TEST_EVENT,
                person_id=person.id,
                channel_id=channel.id,
                language=person.language,
                format=person.format,
                payload={"group": False, "requested_at": at.isoformat()},
                discriminator=f"test:{at.isoformat()}",
                not_before=at,
            )
            assert message.id is not None
            queued.append((message.id, channel))
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
