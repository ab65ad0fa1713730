"""Done when: a person with an email address and a person who reads Welsh in Easy Read
each receive the right messages from the governance path, through a real SMTP server
on loopback, none lost or repeated across an outage of the mail server.

The governance path is the one the `cyd venture|review|board` commands take
(`services.commands`), on SQLite and PostgreSQL; the relay runs between the steps, as
the scheduled `cyd notify send-due` would, with the relay's clock moved forward
instead of waiting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy.engine import Engine

from checklists.loader import load_library
from models.db import utcnow
from models.tables import Channel, OutboxMessage
from notifications import mailbox
from notifications.compose import render_for
from notifications.relay import RelayReport, addressee, send_due
from services.commands import (
    Cyd,
    answer,
    close_vote,
    record_review,
    start_venture,
    submit,
    vote,
)
from tests.notifications.conftest import SmtpServer, load_programme, messages, person_of
from tests.services.test_commands import CO_PRODUCER, REVIEWERS, fill_checklist

LEAD = "gareth.jones@example.org"  # an email address; English, standard
NIA = "nia.morgan@example.org"  # Welsh, Easy Read; a co-producer in the workstream
CHAIR = "megan.lloyd@example.org"


class Clock:
    """The commands' clock: from now on, a second per action."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def test_email_and_welsh_easy_read_through_an_outage(engine: Engine, smtp: SmtpServer) -> None:
    load_programme(engine, {LEAD: [smtp.url(LEAD)], NIA: [smtp.url(NIA)]})
    cyd = Cyd(engine, load_library(), clock=Clock())
    relay_at = utcnow()
    reports: list[RelayReport] = []

    def relay(minutes: float) -> RelayReport:
        nonlocal relay_at
        relay_at = max(relay_at, cyd.clock()) + dt.timedelta(minutes=minutes)
        report = send_due(engine, now=relay_at)
        reports.append(report)
        return report

    # Returned with reasons: told to the workstream (the lead and Nia among them).
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer(cyd, venture, "venture-summary", "A café run with the people who use it. " * 2, by=LEAD)
    assert submit(cyd, venture, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]
    assert relay(1).sent > 0
    assert len(smtp.to(LEAD)) == len(smtp.to(NIA)) == 1

    # The mail server goes down while the venture goes to review and to the Board.
    smtp.stop()
    fill_checklist(cyd, venture, CO_PRODUCER)
    submit(cyd, venture, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(cyd, venture, by=reviewer, recommend="go", note="Well co-produced.")
    down = relay(1)
    assert down.failed >= 2  # the two email channels; the mailboxes still work
    assert all(p.channel == "mailto://***" for p in down.problems)
    for member in ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org"):
        vote(cyd, venture, member=member, choice="approve")
    vote(cyd, venture, member=CHAIR, choice="approve")
    decided = close_vote(cyd, venture, by=CHAIR)
    assert decided.advanced is not None
    assert decided.advanced.gate_id == "delivery"  # decided, and the next gate opened
    relay(2)
    relay(5)

    # Back up: everything waiting goes, once.
    smtp.start()
    relay(30)
    relay(60 * 24)
    assert relay(60 * 24 * 7).sent == 0

    for email in (LEAD, NIA):
        person = person_of(engine, email)
        rows = messages(engine, OutboxMessage.person_id == person.id)
        channel_rows = [r for r in rows if _channel_url(engine, r.channel_id).startswith("mailto")]
        assert channel_rows, email
        assert all(r.status == "sent" for r in channel_rows), email
        received = smtp.to(email)
        keys = [r.key for r in received]
        # None lost, none repeated.
        assert Counter(keys) == Counter(r.idempotency_key for r in channel_rows), email
        by_key = {r.key: r for r in received}
        for row in channel_rows:
            got = by_key[row.idempotency_key]
            expected = render_for(addressee(person), row.event, row.payload)
            assert str(got.message["Subject"]) == expected.subject  # the right message
            assert got.message["Content-Language"] == ", ".join(expected.languages)
            html = got.body("html")
            assert ('class="easy-read"' in html) == (email == NIA)
            # Every message in the language the person chose, a group's news too.
            assert got.message["Content-Language"] == person.language
            assert f'<html lang="{person.language}">' in html
        events = {row.event for row in channel_rows}
        assert {"venture.returned", "venture.decision", "venture.next-gate-opened"} <= events

    # The others got theirs in their mailboxes.
    assert mailbox.messages("sam.bennett")
    assert mailbox.messages("megan.lloyd")
    assert sum(r.dead for r in reports) == 0


def _channel_url(engine: Engine, channel_id: int) -> str:
    from models.db import read_session

    with read_session(engine) as session:
        channel = session.get(Channel, channel_id)
        assert channel is not None
        return channel.url
