"""The relay on SQLite and PostgreSQL, sending to real receivers on loopback: languages
and formats, outages, crashes, dead letters and the admins' alert (in the admin's
language and format, with no secret in it), configuration and template errors,
secrets, quiet hours and the daily digest (its cover in the person's language and
format)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models import outbox
from models.db import make_engine, utcnow
from models.migrate import upgrade
from models.tables import OutboxMessage
from notifications import channels, mailbox
from notifications.relay import (
    LEASE,
    dead_messages,
    retry_messages,
    send_due,
    send_test,
    status,
)
from tests.notifications.conftest import (
    ALERT_SAYS,
    DIGEST_SAYS,
    FORMS,
    PASSWORD,
    HttpReceiver,
    SmtpServer,
    a_day_ahead,
    free_port,
    load_programme,
    local,
    messages,
    person_of,
    queue,
)

LEAD = "gareth.jones@example.org"  # English, standard
NIA = "nia.morgan@example.org"  # Welsh, Easy Read
ADMIN = "admin@example.org"  # mailbox://programme-office


def later(seconds: float = 1) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=seconds)


def reading(email: str, language: str | None, fmt: str, *, digest: bool = False) -> Any:
    """A change to the programme: the person reads `language` (None: never asked) in
    `fmt`, and (digest) has a daily digest."""

    def change(data: dict[str, Any]) -> None:
        for person in data["people"]:
            if person["email"] == email:
                if language is None:
                    person.pop("language", None)
                    person.pop("language_asked_on", None)
                else:
                    person["language"] = language
                    person.setdefault("language_asked_on", dt.date(2026, 9, 1))
                person["format"] = fmt
                if digest:
                    person["digest"] = "daily"

    return change


# Each language and format, and a person never asked their language (both, Welsh first).
READERS = [*FORMS, (None, "easy-read")]
READER_IDS = [f"{language or 'never-asked'}-{fmt}" for language, fmt in READERS]


def forms_of(language: str | None, fmt: str) -> list[tuple[str, str]]:
    return [(language, fmt)] if language else [("cy", fmt), ("en", fmt)]


def bodies(letter: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a letter in the mailbox."""
    found = []
    for kind in ("plain", "html"):
        part = letter.get_body((kind,))
        assert part is not None, kind
        found.append(str(part.get_content()))  # type: ignore[attr-defined]
    return found[0], found[1]


# --- languages and formats ---------------------------------------------------------------------


def test_each_person_gets_their_language_and_format_for_a_groups_news_too(
    engine: Engine, smtp: SmtpServer
) -> None:
    load_programme(engine, {LEAD: [smtp.url(LEAD)], NIA: [smtp.url(NIA)]})
    for who in (LEAD, NIA):
        queue(engine, who, "venture.reminder")  # their own message
        queue(engine, who, "venture.board-papers")  # a group message
    report = send_due(engine, now=later())
    assert (report.sent, report.failed, report.dead) == (4, 0, 0)

    def by_event(address: str) -> dict[str, Any]:
        got = {}
        for received in smtp.to(address):
            subject = str(received.message["Subject"]).lower()
            got["group" if "papers" in subject or "papurau" in subject else "own"] = received
        return got

    lead, nia = by_event(LEAD), by_event(NIA)
    assert 'class="easy-read"' in nia["own"].body("html")
    assert 'class="easy-read"' not in lead["own"].body("html")
    # The group's news in the language each chose, not both at once (it would double
    # an Easy Read reader's message, and tell a Welsh reader nothing more).
    for got, language in ((lead["own"], "en"), (lead["group"], "en")):
        assert got.message["Content-Language"] == language
    for got in (nia["own"], nia["group"]):
        assert got.message["Content-Language"] == "cy"
        assert " / " not in str(got.message["Subject"])
        html = got.body("html")
        assert '<html lang="cy">' in html
        assert 'lang="en"' not in html
        assert "This message is in Welsh and English" not in got.body("plain")
    # Nothing twice, and nothing more on a second run.
    assert len(smtp.keys()) == len(set(smtp.keys())) == 4
    assert send_due(engine, now=later(5)).sent == 0
    assert len(smtp.received) == 4
    assert all(m.status == "sent" and m.attempts == 1 for m in messages(engine))


def test_a_person_never_asked_their_language_gets_both(engine: Engine, smtp: SmtpServer) -> None:
    def unasked(data: dict[str, Any]) -> None:
        for person in data["people"]:
            if person["email"] == LEAD:
                del person["language"], person["language_asked_on"]

    load_programme(engine, {LEAD: [smtp.url(LEAD)]}, unasked)
    queue(engine, LEAD, "venture.reminder")
    assert send_due(engine, now=later()).sent == 1
    [got] = smtp.to(LEAD)
    assert got.message["Content-Language"] == "cy, en"


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_run_keeps_its_smtp_connections_open_across_its_messages(
    engine: Engine, smtp: SmtpServer, concurrency: int
) -> None:
    """A run logs in at most once a sender, not once a message; every message is sent
    and marked once."""
    load_programme(engine, {LEAD: [smtp.url(LEAD)], NIA: [smtp.url(NIA)]})
    for n in range(6):
        queue(engine, LEAD, tag=f"lead-{n}")
        queue(engine, NIA, tag=f"nia-{n}")
    report = send_due(engine, now=later(), concurrency=concurrency)
    assert (report.sent, report.failed) == (12, 0)
    assert 1 <= smtp.logins <= concurrency
    rows = messages(engine)
    assert sorted(smtp.keys()) == sorted(m.idempotency_key for m in rows)
    assert all(m.status == "sent" and m.attempts == 1 for m in rows)


# --- outages, crashes, dead letters ------------------------------------------------------------


def test_a_channel_down_for_a_while_gets_every_message_exactly_once(
    engine: Engine, smtp: SmtpServer
) -> None:
    load_programme(engine, {LEAD: [smtp.url(LEAD)], NIA: [smtp.url(NIA)]})
    for n in range(3):
        queue(engine, LEAD, tag=f"lead-{n}")
        queue(engine, NIA, tag=f"nia-{n}")
    smtp.stop()
    start = later()
    first = send_due(engine, now=start)
    assert (first.sent, first.failed) == (0, 6)
    assert all("Connection refused" in p.reason for p in first.problems)
    # Not due again before the backoff; then failing again, and the clock moves on.
    assert send_due(engine, now=start + dt.timedelta(seconds=30)).failed == 0
    assert send_due(engine, now=start + dt.timedelta(minutes=1, seconds=1)).failed == 6
    smtp.start()
    assert send_due(engine, now=start + dt.timedelta(minutes=2)).sent == 0  # backoff: 2 min
    recovered = send_due(engine, now=start + dt.timedelta(minutes=10))
    assert (recovered.sent, recovered.failed) == (6, 0)
    assert send_due(engine, now=start + dt.timedelta(hours=1)).sent == 0
    rows = messages(engine)
    assert sorted(smtp.keys()) == sorted(m.idempotency_key for m in rows)  # once each
    assert all(m.status == "sent" and m.attempts == 3 and m.last_error is None for m in rows)


def test_a_crash_between_sending_and_marking_resends_once_with_the_same_key(
    engine: Engine, http_receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_programme(engine, {LEAD: [http_receiver.url()]})
    first_id = queue(engine, LEAD, tag="one")[0]
    queue(engine, LEAD, tag="two")
    real_mark_sent = outbox.mark_sent
    crashed: list[int] = []

    def crash_once(session: Any, message: OutboxMessage, **kwargs: Any) -> None:
        if not crashed:
            crashed.append(message.id or 0)
            raise RuntimeError("the process died here")
        real_mark_sent(session, message, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", crash_once)
    start = later()
    with pytest.raises(RuntimeError, match="died"):
        send_due(engine, now=start, concurrency=1)  # one at a time
    assert crashed == [first_id]
    assert len(http_receiver.requests) == 1  # it went out, and was not marked
    [first] = messages(engine, OutboxMessage.id == first_id)
    assert (first.status, first.attempts) == ("pending", 0)

    # The next run sends what was never claimed; the crashed one waits for its lease.
    assert send_due(engine, now=start + dt.timedelta(seconds=1)).sent == 1
    assert send_due(engine, now=start + LEASE + dt.timedelta(seconds=1)).sent == 1
    assert send_due(engine, now=start + LEASE * 3).sent == 0
    keys = http_receiver.keys()
    assert len(keys) == 3  # one resend, no more
    assert keys.count(first.idempotency_key) == 2  # ... with the same key
    assert set(keys) == {m.idempotency_key for m in messages(engine)}  # de-duplicated: all
    assert all(m.status == "sent" for m in messages(engine))


def test_a_crash_while_sending_several_at_once_resends_each_in_flight_once(
    engine: Engine, http_receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent four at a time, a run that stops while marking leaves every message it had
    claimed to its lease: each is sent again once after it, with its key, never before."""
    load_programme(engine, {LEAD: [http_receiver.url()]})
    ids = [queue(engine, LEAD, tag=f"m{n}")[0] for n in range(6)]
    real_mark_sent = outbox.mark_sent
    crashed: list[int] = []

    def crash_once(session: Any, message: OutboxMessage, **kwargs: Any) -> None:
        if not crashed:
            crashed.append(message.id or 0)
            raise RuntimeError("the process died here")
        real_mark_sent(session, message, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", crash_once)
    start = later()
    with pytest.raises(RuntimeError, match="died"):
        send_due(engine, now=start, concurrency=4)
    first = http_receiver.keys()
    assert 1 <= len(first) == len(set(first)) <= 6  # what was in flight went out once
    claimed = [m for m in messages(engine) if m.next_attempt_at > start]
    assert all(m.status == "pending" and m.attempts == 0 for m in messages(engine))
    assert {m.idempotency_key for m in claimed} >= set(first)
    # Before the lease is over, only what was never claimed goes; after it, the rest.
    again = send_due(engine, now=start + dt.timedelta(seconds=1), concurrency=4)
    assert again.sent == len(ids) - len(claimed)
    after = send_due(engine, now=start + LEASE + dt.timedelta(seconds=1), concurrency=4)
    assert after.sent == len(claimed)
    assert send_due(engine, now=start + LEASE * 3).sent == 0
    keys = http_receiver.keys()
    assert sorted(set(keys)) == sorted(m.idempotency_key for m in messages(engine))
    for key in set(keys):  # each sent once, or twice (in flight at the crash) with its key
        assert keys.count(key) == (2 if key in first else 1)
    assert all(m.status == "sent" for m in messages(engine))


def test_a_lock_held_while_marking_a_sent_message_never_sends_it_twice(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: a SQLite lock held past the busy timeout just as the relay marks a
    delivered message sent. The relay waits it out (it does not stop with the message
    still claimed), and the message is delivered once, however often the relay runs."""
    monkeypatch.setenv("CYD_TEST_LOCK_WAIT", "0.3")
    path = tmp_path / "cyd.db"
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    releases: list[threading.Timer] = []
    real_deliver = channels.deliver

    def deliver_then_lock(url: str, message: Any, **options: Any) -> channels.Delivery:
        delivered = real_deliver(url, message, **options)
        holder.execute("BEGIN IMMEDIATE")  # held for 4 busy timeouts
        releases.append(threading.Timer(1.2, lambda: holder.execute("COMMIT")))
        releases[-1].start()
        return delivered

    try:
        load_programme(db, {LEAD: [smtp.url(LEAD)]})
        [message_id] = queue(db, LEAD, tag="locked")
        monkeypatch.setattr(channels, "deliver", deliver_then_lock)
        start = later()
        report = send_due(db, now=start)
        assert (report.sent, report.failed) == (1, 0)
        assert len(releases) == 1
        # Every later run, the lease long over, finds nothing to send.
        for after in (LEASE + dt.timedelta(seconds=1), LEASE * 3):
            assert send_due(db, now=start + after).sent == 0
        [row] = messages(db, OutboxMessage.id == message_id)
        assert (row.status, row.attempts) == ("sent", 1)
        assert smtp.keys() == [row.idempotency_key]  # delivered exactly once
    finally:
        for release in releases:
            release.join()
        holder.close()
        db.dispose()


def test_given_up_after_n_attempts_the_admins_are_alerted_once(
    engine: Engine, mailbox_dir: Any
) -> None:
    closed = f"json://cyd:{PASSWORD}@127.0.0.1:{free_port()}/"
    load_programme(engine, {LEAD: [closed]})
    [message_id] = queue(engine, LEAD)
    start = later()
    reports = [
        send_due(engine, now=start + dt.timedelta(minutes=minutes), max_attempts=3)
        for minutes in (0, 2, 10)
    ]
    assert [r.failed for r in reports] == [1, 1, 0]
    assert [r.dead for r in reports] == [0, 0, 1]
    assert reports[-1].alerts == 1
    assert reports[-1].sent == 1  # the alert went out in the same run
    [dead] = messages(engine, OutboxMessage.id == message_id)
    assert (dead.status, dead.attempts) == ("dead", 3)
    [alert] = messages(engine, OutboxMessage.event == "delivery-failed")
    assert alert.person_id == person_of(engine, ADMIN).id
    assert alert.payload["failed"]["message_id"] == message_id
    assert alert.payload["failed"]["channel"] == "json://***"
    # The alert went to the admin's mailbox, once, however often the relay runs.
    for minutes in (20, 60, 600):
        again = send_due(engine, now=start + dt.timedelta(minutes=minutes))
        assert (again.alerts, again.sent) == (0, 0)
    [letter] = mailbox.messages("programme-office")
    assert "Cyd could not deliver a message" in str(letter["Subject"])
    body = letter.get_body(("plain",))
    assert body is not None
    assert "json://***" in body.get_content()  # type: ignore[attr-defined]
    assert PASSWORD not in letter.as_string()
    assert len(messages(engine, OutboxMessage.event == "delivery-failed")) == 1


def test_an_outage_is_one_alert_and_what_it_gave_up_on_goes_when_it_is_over(
    engine: Engine, smtp: SmtpServer, mailbox_dir: Any
) -> None:
    load_programme(engine, {LEAD: [smtp.url(LEAD)]})
    ids = [queue(engine, LEAD, tag=f"down-{n}")[0] for n in range(3)]
    smtp.stop()
    start = later()
    reports = [
        send_due(engine, now=start + dt.timedelta(minutes=minutes), max_attempts=2)
        for minutes in (0, 2)
    ]
    assert [r.dead for r in reports] == [0, 3]
    assert reports[-1].alerts == 1  # one outage, one alert, not one per message
    assert len(mailbox.messages("programme-office")) == 1
    assert {row["id"] for row in dead_messages(engine)} == set(ids)
    # The server is back: the next message it takes brings back what the outage gave up on.
    smtp.start()
    queue(engine, LEAD, tag="after")
    back = send_due(engine, now=start + dt.timedelta(minutes=30), max_attempts=2)
    assert back.offered_again == 3
    assert back.sent == 4  # the new one, then the three offered again, in the same run
    assert sorted(smtp.keys()) == sorted(
        m.idempotency_key
        for m in messages(engine, OutboxMessage.person_id == person_of(engine, LEAD).id)
    )
    assert dead_messages(engine) == []
    # A second outage is a second alert.
    smtp.stop()
    queue(engine, LEAD, tag="down-again")
    for minutes in (40, 45):
        again = send_due(engine, now=start + dt.timedelta(minutes=minutes), max_attempts=2)
    assert (again.dead, again.alerts) == (1, 1)


def test_a_refusal_for_good_waits_for_an_admin_to_offer_it_again(
    engine: Engine, smtp: SmtpServer
) -> None:
    load_programme(engine, {LEAD: [smtp.url(LEAD)]})
    smtp.refuse_data = "554 5.6.0 Message refused"
    [refused] = queue(engine, LEAD, tag="refused")
    start = later()
    assert send_due(engine, now=start).dead == 1
    smtp.refuse_data = None
    queue(engine, LEAD, tag="fine")
    fine = send_due(engine, now=start + dt.timedelta(minutes=1))
    assert (fine.sent, fine.offered_again) == (1, 0)  # given up at once: not an outage
    assert [row["id"] for row in dead_messages(engine)] == [refused]
    # An admin, the cause put right, offers it again: from a first attempt, same key.
    assert retry_messages(engine, [refused, 999_999]) == (1, [999_999])
    [row] = messages(engine, OutboxMessage.id == refused)
    assert (row.status, row.attempts) == ("pending", 0)
    assert send_due(engine, now=start + dt.timedelta(minutes=2)).sent == 1
    assert smtp.keys().count(row.idempotency_key) == 1
    assert retry_messages(engine, None) == (0, [])


def test_the_alert_avoids_the_failing_channel_when_the_admin_has_another(
    engine: Engine, mailbox_dir: Any
) -> None:
    closed = f"json://cyd:{PASSWORD}@127.0.0.1:{free_port()}/"
    load_programme(engine, {ADMIN: [closed, "mailbox://programme-office"]})
    queue(engine, ADMIN)  # on each of the admin's channels: the json one fails
    report = send_due(engine, now=later(), max_attempts=1)
    assert (report.dead, report.alerts) == (1, 1)
    alerts = messages(engine, OutboxMessage.event == "delivery-failed")
    assert len(alerts) == 1  # on the mailbox only, not again on the failing channel
    assert len(mailbox.messages("programme-office")) == 2  # the message, and the alert


def test_an_alert_that_fails_alerts_nobody(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["nosuch://lead"], ADMIN: ["nosuch://office"]})
    queue(engine, LEAD)
    start = later()
    first = send_due(engine, now=start)
    # The message died, its alert was queued, tried at once, and died: no alert about it.
    assert (first.dead, first.alerts) == (2, 1)
    assert send_due(engine, now=start + dt.timedelta(days=1)).dead == 0
    rows = messages(engine)
    assert [m.event for m in rows] == ["venture.reminder", "delivery-failed"]
    assert all(m.status == "dead" for m in rows)


@pytest.mark.parametrize(("language", "fmt"), READERS, ids=READER_IDS)
def test_the_admins_alert_comes_in_their_language_and_format(
    engine: Engine, language: str | None, fmt: str
) -> None:
    load_programme(engine, {LEAD: ["nosuch://lead"]}, reading(ADMIN, language, fmt))
    queue(engine, LEAD)
    report = send_due(engine, now=later())
    assert (report.dead, report.alerts, report.sent) == (1, 1, 1)
    [letter] = mailbox.messages("programme-office")
    text, html = bodies(letter)
    forms = forms_of(language, fmt)
    subjects = str(letter["Subject"]).split(" / ")
    assert len(subjects) == len(forms)
    for form, subject in zip(forms, subjects, strict=True):
        start, said = (words.format(person=LEAD) for words in ALERT_SAYS[form])
        assert subject.startswith(start)
        assert said in text
        assert said in html
    assert letter["Content-Language"] == ", ".join(lang for lang, _ in forms)
    assert f'<html lang="{forms[0][0]}">' in html
    assert ('class="easy-read"' in html) == (fmt == "easy-read")
    assert letter["X-Cyd-Format"] == fmt
    if fmt == "standard":  # the details, masked: it was a configuration error
        assert "nosuch://***" in text
        assert "cyd notify status" in text
    else:  # Easy Read says the kind of problem in plain words
        assert "nosuch" not in text
        assert "cyd notify status" in text


def test_a_secret_in_a_failed_deliverys_error_never_reaches_the_alert(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hook = f"json://cyd:{PASSWORD}@127.0.0.1:{free_port()}/hook"
    # A service that answers with an error quoting URLs with the secret in them, in
    # forms a careless redaction misses (run on from a word or a digit).
    said = (
        f"refused by mailto://cyd:{PASSWORD}@smtp.example.org:587?to={LEAD}; "
        f"retry x_json://cyd:{PASSWORD}@127.0.0.1:9/ or 2json://{PASSWORD}@h/ later"
    )
    real = channels.deliver

    def answer(url: str, message: Any, **options: Any) -> channels.Delivery:
        if url.startswith("mailbox://"):
            return real(url, message, **options)
        return channels.Delivery(False, said, permanent=True)

    monkeypatch.setattr(channels, "deliver", answer)
    load_programme(engine, {LEAD: [hook]}, reading(ADMIN, "cy", "standard"))
    queue(engine, LEAD)
    # And an alert queued with the secrets in its payload (by hand, or by an older
    # Cyd): it is rendered masked all the same.
    raw = {"group": False, "failed": {"message_id": 1, "event": "venture.reminder"}}
    raw["failed"] |= {"venture_id": None, "person": LEAD, "channel": hook, "attempts": 8}
    raw["failed"] |= {"reason": f"{hook} did not answer"}
    [by_hand] = queue(engine, ADMIN, "delivery-failed", payload=raw, tag="by-hand")
    report = send_due(engine, now=later())
    assert (report.dead, report.alerts, report.sent) == (1, 1, 2)
    letters = mailbox.messages("programme-office")
    assert len(letters) == 2
    for letter in letters:
        written = letter.as_string()
        assert PASSWORD not in written
        assert "127.0.0.1" not in written
        assert "smtp.example.org" not in written
        text, _html = bodies(letter)
        assert "Sianel: json://***" in text  # the admin reads Welsh
    texts = "\n".join(bodies(letter)[0] for letter in letters)
    for masked in ("mailto://***", "x_json://***", "2json://***", "json://*** did not answer"):
        assert masked in texts
    # Nothing Cyd wrote holds the secret (the payload queued by hand above aside).
    rows = [m for m in messages(engine) if m.id != by_hand]
    stored = [m.last_error or "" for m in messages(engine)]
    stored += [json.dumps(m.payload) for m in rows]
    for text in [caplog.text, *stored]:
        assert PASSWORD not in text


def test_no_service_for_a_url_is_a_configuration_error_not_retried(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["nosuch://x"]})
    [message_id] = queue(engine, LEAD)
    report = send_due(engine, now=later())
    assert report.dead == 1
    assert report.failed == 0
    [row] = messages(engine, OutboxMessage.id == message_id)
    assert (row.status, row.attempts) == ("dead", 1)
    assert row.last_error is not None
    assert row.last_error.startswith("configuration error")
    assert "nosuch://***" in row.last_error


def test_a_message_the_mail_server_refuses_for_good_is_given_up_at_once(
    engine: Engine, smtp: SmtpServer
) -> None:
    """Not retried for two hours: trying again cannot help, and the admins hear now."""
    smtp.refuse_data = "554 5.6.0 Message refused"
    load_programme(engine, {LEAD: [smtp.url(LEAD)]})
    [message_id] = queue(engine, LEAD)
    report = send_due(engine, now=later())
    assert (report.dead, report.failed, report.alerts) == (1, 0, 1)
    [row] = messages(engine, OutboxMessage.id == message_id)
    assert (row.status, row.attempts) == ("dead", 1)
    assert (row.last_error or "").startswith("mailto://*** refused the message for good (SMTP 554)")
    [alert] = messages(engine, OutboxMessage.event == "delivery-failed")
    assert alert.person_id == person_of(engine, ADMIN).id
    assert alert.payload["failed"]["message_id"] == message_id
    smtp.refuse_data = "451 4.3.0 Try again later"  # a refusal for now is retried
    [again] = queue(engine, LEAD, tag="later")
    report = send_due(engine, now=later())
    assert (report.dead, report.failed) == (0, 1)
    [row] = messages(engine, OutboxMessage.id == again)
    assert (row.status, row.attempts) == ("pending", 1)


def test_a_template_error_fails_that_message_never_the_relay(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["mailbox://gareth"]})
    broken = queue(engine, LEAD, "venture.returned", payload={"group": False}, tag="broken")
    unknown = queue(engine, LEAD, "venture.no-such-event", payload={"group": False}, tag="x")
    good = queue(engine, LEAD, "venture.reminder", tag="good")
    report = send_due(engine, now=later())
    # The good one and an alert about each bad one (to the admin's mailbox) went out.
    assert (report.sent, report.dead, report.alerts) == (3, 2, 2)
    for ids, words in ((broken, "Undefined"), (unknown, "TemplateMissing")):
        [row] = messages(engine, OutboxMessage.id == ids[0])
        assert row.status == "dead"
        assert row.last_error is not None
        assert row.last_error.startswith("template error: 'venture.")
        assert words in row.last_error
    [ok] = messages(engine, OutboxMessage.id == good[0])
    assert ok.status == "sent"


def test_channel_urls_never_reach_a_log_an_error_or_a_report(
    engine: Engine, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    down = f"mailto://cyd:{PASSWORD}@127.0.0.1:{free_port()}?from=cyd@example.org&to={NIA}"
    load_programme(
        engine,
        {
            LEAD: [smtp.url(LEAD)],  # works, with a password in its URL
            NIA: [down, f"json://cyd:{PASSWORD}@127.0.0.1:{free_port()}/hook"],
            ADMIN: [f"nosuch://office:{PASSWORD}@example.org"],
        },
    )
    queue(engine, LEAD)
    queue(engine, NIA)
    start = later()
    reports = [send_due(engine, now=start + dt.timedelta(minutes=m)) for m in (0, 1, 5)]
    assert reports[0].sent == 1
    everything = [
        caplog.text,
        json.dumps([r.as_json() for r in reports]),
        json.dumps(status(engine), default=str),
        *(m.last_error or "" for m in messages(engine)),
        *(json.dumps(m.payload) for m in messages(engine)),
    ]
    assert any("mailto://***" in text for text in everything)
    for text in everything:
        assert PASSWORD not in text
        assert "127.0.0.1:" not in text


# --- several relays at once ----------------------------------------------------------------------


def test_relays_running_at_once_send_each_message_once(
    engine: Engine, http_receiver: HttpReceiver
) -> None:
    load_programme(engine, {LEAD: [http_receiver.url()]})
    for n in range(12):
        queue(engine, LEAD, tag=f"m{n}")
    at = later()
    errors: list[BaseException] = []

    def relay() -> None:
        try:
            send_due(engine, now=at)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=relay) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    keys = http_receiver.keys()
    assert len(keys) == len(set(keys)) == 12
    assert all(m.status == "sent" for m in messages(engine))


# --- quiet hours and the daily digest ----------------------------------------------------------


def quiet(email: str, start: str, end: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        for person in data["people"]:
            if person["email"] == email:
                person["quiet_hours"] = {"from": start, "to": end}

    return change


def test_quiet_hours_move_a_message_to_their_end_without_an_attempt(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["mailbox://gareth"]}, quiet(LEAD, "21:00", "08:00"))
    [message_id] = queue(engine, LEAD)
    day = a_day_ahead()
    evening = send_due(engine, now=local(day, 22, 30))
    assert (evening.sent, evening.deferred) == (0, 1)
    [row] = messages(engine, OutboxMessage.id == message_id)
    assert row.next_attempt_at == local(day + dt.timedelta(days=1), 8)
    assert row.attempts == 0
    assert send_due(engine, now=local(day + dt.timedelta(days=1), 7, 59)).sent == 0
    assert send_due(engine, now=local(day + dt.timedelta(days=1), 8)).sent == 1
    assert len(mailbox.messages("gareth")) == 1


def test_quiet_hours_in_the_day_and_a_test_message_ignores_them(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["mailbox://gareth"]}, quiet(LEAD, "12:00", "14:00"))
    queue(engine, LEAD)
    day = a_day_ahead()
    assert send_due(engine, now=local(day, 11, 59)).sent == 1  # not yet quiet
    queue(engine, LEAD, tag="lunch")
    assert send_due(engine, now=local(day, 13)).deferred == 1
    [result] = send_test(engine, LEAD, now=local(day, 13, 5))
    assert result.sent
    assert result.channel == "mailbox://***"
    assert send_due(engine, now=local(day, 14)).sent == 1
    assert len(mailbox.messages("gareth")) == 3


def digest(email: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        for person in data["people"]:
            if person["email"] == email:
                person["digest"] = "daily"

    return change


def test_a_daily_digest_carries_the_days_messages_in_one(engine: Engine) -> None:
    load_programme(engine, {NIA: ["mailbox://nia"]}, digest(NIA))
    queued = [
        queue(engine, NIA, event, tag=event)[0]
        for event in ("venture.reminder", "venture.board-papers", "venture.decision")
    ]
    day = a_day_ahead()
    morning = send_due(engine, now=local(day, 7))
    assert (morning.sent, morning.deferred) == (0, 3)
    assert mailbox.messages("nia") == []

    at_nine = send_due(engine, now=local(day, 9))
    assert (at_nine.digests, at_nine.sent) == (1, 4)  # the digest and what it carries
    [letter] = mailbox.messages("nia")
    assert letter["Subject"].startswith("Eich negeseuon Cyd ar gyfer")  # Nia reads Welsh
    text = letter.get_body(("plain",))
    assert text is not None
    content = text.get_content()  # type: ignore[attr-defined]
    rows = {m.id: m for m in messages(engine)}
    [digest_row] = [m for m in rows.values() if m.event == "digest"]
    for message_id in queued:
        assert rows[message_id].status == "sent"
        assert rows[message_id].digest_id == digest_row.id
    assert all(f"[{n}/3]" in content for n in (1, 2, 3))  # three messages in it
    assert "Caffi cymunedol" in content  # the sample venture's Welsh title: she reads Welsh

    # A message after the day's digest waits for the next day's.
    late = queue(engine, NIA, tag="late")[0]
    assert send_due(engine, now=local(day, 10)).deferred == 1
    [row] = messages(engine, OutboxMessage.id == late)
    assert row.next_attempt_at == local(day + dt.timedelta(days=1), 9)
    next_day = send_due(engine, now=local(day + dt.timedelta(days=1), 9))
    assert (next_day.digests, next_day.sent) == (1, 2)
    assert len(mailbox.messages("nia")) == 2


@pytest.mark.parametrize(("language", "fmt"), READERS, ids=READER_IDS)
def test_the_digest_comes_in_the_persons_language_and_format(
    engine: Engine, language: str | None, fmt: str
) -> None:
    load_programme(engine, {NIA: ["mailbox://nia"]}, reading(NIA, language, fmt, digest=True))
    queue(engine, NIA, "venture.reminder", tag="own")  # in the person's language
    queue(engine, NIA, "venture.decision", tag="group")  # to a group: in theirs too
    day = a_day_ahead()
    report = send_due(engine, now=local(day, 9))
    assert (report.digests, report.sent) == (1, 3)
    [letter] = mailbox.messages("nia")
    text, html = bodies(letter)
    forms = forms_of(language, fmt)
    subjects = str(letter["Subject"]).split(" / ")
    assert len(subjects) == len(forms)
    for form, subject in zip(forms, subjects, strict=True):
        start, said = DIGEST_SAYS[form]
        assert subject.startswith(start)
        assert str(day.year) in subject
        assert said in text
        assert said in html
    # The cover in the person's language(s) first, then the two messages as they are.
    assert f'<html lang="{forms[0][0]}">' in html
    assert ('class="easy-read"' in html) == (fmt == "easy-read")
    assert letter["X-Cyd-Format"] == fmt
    # The group's news too is in the person's language(s).
    assert letter["Content-Language"] == ", ".join(f for f, _ in forms)
    assert text.index(DIGEST_SAYS[forms[0]][1]) < text.index("[1/2]") < text.index("[2/2]")
    assert html.count("<section") == 2


def test_a_digest_that_cannot_be_delivered_gives_up_what_it_carries(engine: Engine) -> None:
    closed = f"json://127.0.0.1:{free_port()}/"
    load_programme(engine, {NIA: [closed]}, digest(NIA))
    queue(engine, NIA, tag="a")
    queue(engine, NIA, tag="b")
    day = a_day_ahead()
    first = send_due(engine, now=local(day, 9), max_attempts=2)
    assert (first.digests, first.failed) == (1, 1)
    second = send_due(engine, now=local(day, 10), max_attempts=2)
    assert second.dead == 3  # the digest and the two it carried
    assert second.alerts == 1  # one alert: about the digest
    assert {m.status for m in messages(engine) if m.event != "delivery-failed"} == {"dead"}


def test_a_message_for_a_removed_channel_goes_to_the_current_ones(engine: Engine) -> None:
    load_programme(engine, {LEAD: ["mailbox://gareth.old"]})
    [old_id] = queue(engine, LEAD)
    load_programme(engine, {LEAD: ["mailbox://gareth.new"]})  # the admin changed it
    report = send_due(engine, now=later())
    assert (report.rerouted, report.sent) == (1, 1)
    [old] = messages(engine, OutboxMessage.id == old_id)
    assert old.status == "dead"
    assert "removed" in (old.last_error or "")
    assert mailbox.messages("gareth.old") == []
    assert len(mailbox.messages("gareth.new")) == 1


def test_status_counts_and_names_the_failing_channels_masked(engine: Engine) -> None:
    load_programme(
        engine,
        {LEAD: ["mailbox://gareth"], NIA: [f"json://cyd:{PASSWORD}@127.0.0.1:{free_port()}/"]},
    )
    queue(engine, LEAD)
    queue(engine, NIA)
    send_due(engine, now=later())
    state = status(engine)
    assert (state["pending"], state["sent"], state["dead"]) == (1, 1, 0)
    [failing] = state["failing_channels"]
    assert failing["channel"] == "json://***"
    assert failing["person"] == NIA
    assert failing["retrying"] == 1
    assert PASSWORD not in json.dumps(state)
