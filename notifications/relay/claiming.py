"""Claiming: the next due message that may go now, leased to this relay; the ones that
must wait are moved (quiet hours, the daily digest), and those that cannot go as
they are are rerouted or given up (a removed channel, someone who has left)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import outbox
from models.db import unit_of_work
from models.tables import Channel, OutboxMessage, Person
from notifications.compose import Addressee
from notifications.relay.jobs import (
    ALERT_EVENT,
    DIGEST_EVENT,
    SIGN_IN_EVENT,
    TEST_EVENT,
    Job,
    RelayReport,
    addressee,
    log,
)
from notifications.relay.recording import give_up
from notifications.relay.timing import digest_time, local_zone, quiet_until
from notifications.tell import tell

LEASE = dt.timedelta(minutes=10)  # how long a claimed message is left to its relay
_SCAN = 25  # due messages looked at per statement, at most
_CONTACT = "cyd_relay_contact"  # the programme's contact, in `session.info`
# Events that never wait for a digest, and those that ignore quiet hours too.
_NOT_DIGESTED = frozenset({DIGEST_EVENT, TEST_EVENT, ALERT_EVENT, SIGN_IN_EVENT})
_URGENT = frozenset({TEST_EVENT, SIGN_IN_EVENT})
# Why a sign-in message met by the sweep is not sent.
SIGN_IN_TOO_LATE = (
    "not sent: a sign-in message is sent when it is asked for or not at all"
    " (its link and code are not kept); the person can ask again"
)


def claim_due(engine: Engine, at: dt.datetime, report: RelayReport, size: int) -> list[Job]:
    """Lease up to `size` due messages that may go now, in one transaction; move the
    ones that must wait. None left: an empty list.

    What the routing did is added to `report` only once the transaction has committed
    (it may be run again after a lock or a lost connection)."""
    jobs: list[Job] = []
    done = RelayReport()
    with unit_of_work(engine) as session:
        while len(jobs) < size:
            rows = outbox.due(session, now=at, limit=min(_SCAN, size - len(jobs)))
            if not rows:
                break
            _load_people_and_channels(session, rows)
            for row in rows:
                job = route(session, row, at, done)
                if job is not None:
                    jobs.append(job)
                    if len(jobs) == size:
                        break
            # A row claimed, moved, folded or given up on is no longer due: look again.
    report.add(done)
    return jobs


def _load_people_and_channels(session: Session, rows: list[OutboxMessage]) -> None:
    """Read the rows' people and channels in two statements (the session keeps them:
    routing and claiming each row then finds them without asking the database)."""
    people = {row.person_id for row in rows if row.person_id is not None}
    channels = {row.channel_id for row in rows if row.channel_id is not None}
    if people:
        session.exec(select(Person).where(col(Person.id).in_(sorted(people)))).all()
    if channels:
        session.exec(select(Channel).where(col(Channel.id).in_(sorted(channels)))).all()


def route(session: Session, row: OutboxMessage, at: dt.datetime, report: RelayReport) -> Job | None:
    if row.idea_id is not None:
        return _route_to_proposer(session, row, at, report)
    person = session.get(Person, row.person_id)
    channel = session.get(Channel, row.channel_id)
    assert person is not None
    assert channel is not None
    assert row.id is not None
    if not person.active:
        give_up(session, row, "not sent: the person is no longer in the programme", at)
        report.dead += 1
        return None
    if not channel.active:
        report.rerouted += reroute(session, row, person, at)
        report.dead += 1
        return None
    if row.event == SIGN_IN_EVENT:
        give_up(session, row, SIGN_IN_TOO_LATE, at)
        log.warning("outbox message %s (sign-in) was not sent when asked for: given up", row.id)
        report.dead += 1
        return None
    if row.event not in _URGENT:
        until = quiet_until(at, person.quiet_hours_from, person.quiet_hours_to)
        if until is not None:
            defer(session, row, until, report)
            return None
    if person.daily_digest and row.event not in _NOT_DIGESTED:
        hold_for_digest(session, row, person, at, report)
        return None
    return claim(session, row, at)


def _route_to_proposer(
    session: Session, row: OutboxMessage, at: dt.datetime, report: RelayReport
) -> Job | None:
    """A reply to an idea's proposer: to the address they gave, through the programme's
    reply channel; never held for quiet hours or a digest (they set neither). Their
    address is never in a report or a log: the addressee is named by the idea."""
    from models.tables import Idea
    from notifications.idea_replies import reply_channel, to_address

    idea = session.get(Idea, row.idea_id)
    if idea is None or not idea.contact_email:
        give_up(session, row, "not sent: the proposer's contact details were erased", at)
        report.dead += 1
        return None
    channel = reply_channel(session)
    if channel is None:
        give_up(session, row, "not sent: the programme names no ideas.reply_channel", at)
        report.dead += 1
        return None
    person = Addressee(
        name=idea.contact_name or "",
        email=f"the proposer of idea {idea.id}",
        language=row.language,
        asked=True,
        format=row.format,
        address=idea.contact_email,
    )
    return claim(session, row, at, url=to_address(channel, idea.contact_email), to=person)


def claim(
    session: Session,
    row: OutboxMessage,
    at: dt.datetime,
    *,
    url: str | None = None,
    to: Addressee | None = None,
) -> Job:
    """Lease `row`; its Job. `url` and `to`: a reply to a proposer (no person row)."""
    assert row.id is not None
    if url is None or to is None:
        person = session.get(Person, row.person_id)
        channel = session.get(Channel, row.channel_id)
        assert person is not None
        assert channel is not None
        url, to = channel.url, addressee(person)
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
    from notifications.contact import programme_contact  # only what sends needs it

    # Read once a transaction (a claim of several messages asks once).
    if _CONTACT not in session.info:
        session.info[_CONTACT] = programme_contact(session)
    return Job(
        message_id=row.id,
        key=row.idempotency_key,
        event=row.event,
        payload=dict(row.payload),
        url=url,
        person=to,
        attempts=row.attempts,
        digest_day=day,
        items=items,
        attachments=tuple(row.attachments or ()),
        contact=session.info[_CONTACT],
    )


def defer(session: Session, row: OutboxMessage, until: dt.datetime, report: RelayReport) -> None:
    row.next_attempt_at = until
    session.add(row)
    report.deferred += 1


def hold_for_digest(
    session: Session, row: OutboxMessage, person: Person, at: dt.datetime, report: RelayReport
) -> None:
    """Wait for today's digest time; then make today's digest and attach what waits."""
    today = at.astimezone(local_zone()).date()
    moment = digest_time(today)
    if at < moment:
        defer(session, row, moment, report)
        return
    assert person.id is not None
    assert row.channel_id is not None  # only a person's messages wait for a digest
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
        defer(session, row, digest_time(today + dt.timedelta(days=1)), report)
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


def reroute(session: Session, row: OutboxMessage, person: Person, at: dt.datetime) -> int:
    """Copy a message for a removed channel to the person's current channels."""
    told = tell(
        session,
        [person],
        row.event,
        dict(row.payload),
        key=f"reroute:{row.idempotency_key}",
        venture_id=row.venture_id,
        attachments=row.attachments or (),
        not_before=at,
    )
    where = "its current channels" if told.messages else "no channel now (it has none)"
    give_up(
        session, row, f"not sent: the channel was removed from the programme; sent to {where}", at
    )
    return told.queued
