"""Signing in with a one-time link or code, on SQLite and PostgreSQL: the real outbox
and relay deliver the message to the local mailbox (`mailbox://` channels write .eml
files), and the link and code are read from the delivered message, as a person would.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text, update
from sqlmodel import col, select

from checklists.loader import Library
from governance.sign_in import (
    BROWSER_SESSION,
    LINK_LIFETIME,
    MAX_CODE_ATTEMPTS,
    PER_EMAIL,
    PER_NETWORK,
    PRINTED_CODE_LIFETIME,
    REMEMBERED_SESSION,
)
from models import audit, outbox
from models import tables as t
from models.db import read_session, unit_of_work
from notifications import mailbox, relay
from services.commands import PermissionDenied
from services.replay import compare, replay
from services.sign_in import (
    ANONYMOUS,
    BrowserSession,
    SignedIn,
    SignInFailed,
    issue_printed_code,
    network_of,
    redeem_code,
    redeem_link,
    request_sign_in,
    session_person,
    sign_out,
    sign_out_everywhere,
)
from tests.notifications.conftest import (  # noqa: F401  (http_receiver: a fixture)
    HttpReceiver,
    http_receiver,
    load_programme,
    local,
    queue,
)
from tests.services.test_replay import target  # noqa: F401  (a fixture)

LEAD = "gareth.jones@example.org"  # English, standard
NIA = "nia.morgan@example.org"  # Welsh, Easy Read
ALED = "aled.evans@example.org"  # English, Easy Read
SIAN = "sian.roberts@example.org"  # Welsh, standard
ADMIN = "admin@example.org"
BASE = "https://cyd.example.org"
HOME = "192.0.2.10"
NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # a Tuesday, 10am in London
LINK = re.compile(re.escape(BASE) + r"/sign-in/([A-Za-z0-9_-]{43})\b")
CODE = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


@pytest.fixture(autouse=True)
def mailboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mailbox"
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(folder))
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    return folder


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The example programme, every person with a local mailbox."""
    load_programme(engine)
    return engine


def inbox(email: str) -> list[EmailMessage]:
    return mailbox.messages(email.split("@")[0])


def body(message: EmailMessage, kind: str = "plain") -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_and_code(message: EmailMessage) -> tuple[str, str]:
    """The token of the link and the code, as a person reads them in the message."""
    text = body(message)
    links = LINK.findall(text)
    assert len(links) == 1, text
    codes = CODE.findall(text.replace(links[0], ""))
    assert len(codes) == 1, text
    return links[0], codes[0]


def ask(engine: Engine, email: str, at: dt.datetime = NOW, **kw: Any) -> tuple[str, str]:
    """Ask to sign in as `email`; the link's token and the code from the newest message."""
    before = len(inbox(email))
    request_sign_in(
        engine, email, from_address=kw.pop("address", HOME), now=at, base_url=BASE, **kw
    )
    got = inbox(email)
    assert len(got) == before + 1
    return link_and_code(got[-1])


def entries(engine: Engine, action: str | None = None) -> list[t.AuditEntry]:
    with read_session(engine) as session:
        statement = select(t.AuditEntry).order_by(col(t.AuditEntry.seq))
        if action is not None:
            statement = statement.where(t.AuditEntry.action == action)
        return list(session.exec(statement))


def failed(engine: Engine) -> list[dict[str, Any]]:
    return [e.payload for e in entries(engine, "sign-in.failed")]


def fails(reason: str, call: Any, *args: Any, **kw: Any) -> None:
    with pytest.raises(SignInFailed) as raised:
        call(*args, **kw)
    assert raised.value.reason == reason


# --- the whole path ------------------------------------------------------------------------


def test_a_code_from_the_message_signs_in_once(db: Engine) -> None:
    token, code = ask(db, LEAD)
    message = inbox(LEAD)[0]
    assert message["Subject"] == "Sign in to Cyd"
    assert message["Content-Language"] == "en"
    assert "work once only, for 15 minutes (until 10:15am)" in body(message)
    assert f">{code}</strong>" in body(message, "html")

    opened = redeem_code(
        db, LEAD.upper(), f" {code[:3]} {code[3:]} ", NOW + dt.timedelta(minutes=3)
    )
    assert isinstance(opened, BrowserSession)
    assert opened.remember is False
    assert opened.expires_at == NOW + dt.timedelta(minutes=3) + BROWSER_SESSION
    person = session_person(db, opened.token, NOW + dt.timedelta(minutes=4))
    assert isinstance(person, SignedIn)
    assert (person.email, person.name, person.language, person.format) == (
        LEAD,
        "Gareth Jones",
        "en",
        "standard",
    )
    assert opened.token not in repr(opened)

    # Once: the code again, and the link of the same message, no longer work.
    fails("used", redeem_code, db, LEAD, code, NOW + dt.timedelta(minutes=5))
    fails("used", redeem_link, db, token, NOW + dt.timedelta(minutes=5))
    [succeeded] = list(entries(db, "sign-in.succeeded"))
    assert succeeded.actor == LEAD
    assert succeeded.payload["via"] == "code"
    assert [p["reason"] for p in failed(db)] == ["used", "used"]
    with read_session(db) as session:
        assert audit.verify(session).ok


def test_the_link_signs_in_once_and_remembers_the_device_when_asked(db: Engine) -> None:
    token, code = ask(db, LEAD, remember=True)
    later = NOW + dt.timedelta(minutes=14)
    opened = redeem_link(db, token, later)
    assert opened.remember is True  # as chosen when asking
    assert opened.expires_at == later + REMEMBERED_SESSION
    assert session_person(db, opened.token, later + dt.timedelta(days=29)) is not None
    assert session_person(db, opened.token, later + REMEMBERED_SESSION) is None
    fails("used", redeem_link, db, token, later)
    fails("used", redeem_code, db, LEAD, code, later)
    # The choice can be made when the link is opened, too.
    again, _ = ask(db, LEAD, at=NOW + dt.timedelta(minutes=20))
    short = redeem_link(db, again, NOW + dt.timedelta(minutes=21), remember=False)
    assert short.expires_at == NOW + dt.timedelta(minutes=21) + BROWSER_SESSION


def test_a_link_or_code_stops_working_after_15_minutes(db: Engine) -> None:
    token, code = ask(db, LEAD)
    end = NOW + LINK_LIFETIME
    fails("expired", redeem_link, db, token, end)
    fails("expired", redeem_code, db, LEAD, code, end + dt.timedelta(seconds=1))
    token, code = ask(db, LEAD, at=NOW + dt.timedelta(minutes=30))
    just_in_time = NOW + dt.timedelta(minutes=30) + LINK_LIFETIME - dt.timedelta(seconds=1)
    assert redeem_code(db, LEAD, code, just_in_time).person.email == LEAD


def test_a_new_sign_in_ends_the_links_and_codes_still_out(db: Engine) -> None:
    first_token, _ = ask(db, LEAD)
    _, second_code = ask(db, LEAD, at=NOW + dt.timedelta(minutes=1))
    redeem_code(db, LEAD, second_code, NOW + dt.timedelta(minutes=2))
    fails("expired", redeem_link, db, first_token, NOW + dt.timedelta(minutes=3))


def test_wrong_codes_are_counted_and_lock_the_code_after_five(db: Engine) -> None:
    token, code = ask(db, LEAD)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    at = NOW + dt.timedelta(minutes=1)
    for n in range(1, MAX_CODE_ATTEMPTS):
        fails("wrong-code", redeem_code, db, LEAD, wrong, at)
        assert failed(db)[-1]["attempts_left"] == MAX_CODE_ATTEMPTS - n
    fails("locked", redeem_code, db, LEAD, "not a code", at)  # the fifth, typed badly
    fails("locked", redeem_code, db, LEAD, code, at)  # the right code, too late
    with read_session(db) as session:
        request = session.exec(select(t.SignInRequest)).one()
        assert request.attempts == MAX_CODE_ATTEMPTS
    # Guesses at the code never take the link from its owner: it cannot be guessed.
    assert redeem_link(db, token, at).person.email == LEAD
    reasons = [p["reason"] for p in failed(db)]
    assert reasons == ["wrong-code"] * 4 + ["locked", "locked"]


def test_an_unknown_email_is_answered_the_same_and_sent_nothing(db: Engine) -> None:
    stranger = "nobody.here@example.org"
    assert request_sign_in(db, stranger, from_address=HOME, now=NOW, base_url=BASE) is None
    assert request_sign_in(db, LEAD, from_address=HOME, now=NOW, base_url=BASE) is None
    assert not inbox(stranger)
    with read_session(db) as session:
        messages = session.exec(select(t.OutboxMessage)).all()
        rows = session.exec(select(t.SignInRequest).order_by(col(t.SignInRequest.id))).all()
    assert [m.event for m in messages] == ["sign-in"]  # Gareth's only
    assert [(r.outcome, r.person_id is None, r.link_hash is None) for r in rows] == [
        ("unknown", True, True),
        ("issued", False, False),
    ]
    requested = entries(db, "sign-in.requested")
    assert [(e.actor, e.payload["outcome"]) for e in requested] == [
        (stranger, "unknown"),
        (LEAD, "issued"),
    ]
    # A code typed with an unknown email fails like a wrong one would, and is audited.
    fails("unknown-email", redeem_code, db, stranger, "123456", NOW)
    assert failed(db)[-1]["reason"] == "unknown-email"
    assert entries(db, "sign-in.failed")[-1].actor == stranger
    # A person who left the programme is unknown too.
    with unit_of_work(db) as session:
        session.execute(update(t.Person).where(col(t.Person.email) == ALED).values(active=False))
    request_sign_in(db, ALED, from_address=HOME, now=NOW, base_url=BASE)
    assert not inbox(ALED)


def test_a_link_that_matches_nothing_is_refused_and_audited(db: Engine) -> None:
    fails("unknown-link", redeem_link, db, "x" * 43, NOW, from_address="198.51.100.7")
    fails("unknown-link", redeem_link, db, "y" * 5000, NOW)
    first, second = entries(db, "sign-in.failed")
    assert first.actor == ANONYMOUS
    assert first.payload == {"via": "link", "reason": "unknown-link", "from": "198.51.100.0/24"}
    assert second.payload["from"] is None


# --- rate limits ---------------------------------------------------------------------------


def test_at_most_five_requests_an_hour_for_one_email(db: Engine) -> None:
    for n in range(PER_EMAIL):
        ask(db, LEAD, at=NOW + dt.timedelta(minutes=n), address=f"198.51.100.{n}")
    refused_at = NOW + dt.timedelta(minutes=30)
    request_sign_in(db, LEAD, from_address="203.0.113.1", now=refused_at, base_url=BASE)
    assert len(inbox(LEAD)) == PER_EMAIL  # refused silently
    limited = entries(db, "sign-in.requested")[-1]
    assert limited.actor == LEAD
    assert limited.payload == {"outcome": "limited", "limit": "email", "from": "203.0.113.0/24"}
    # The hour is a sliding one: an hour after the first request, one more may go.
    ask(db, LEAD, at=NOW + dt.timedelta(hours=1, seconds=1))
    # The same holds for an email nobody has (the answer is the same as for Gareth's).
    for n in range(PER_EMAIL + 1):
        request_sign_in(db, "who@example.org", from_address=f"198.18.{n}.1", now=NOW, base_url=BASE)
    outcomes = [
        e.payload["outcome"]
        for e in entries(db, "sign-in.requested")
        if e.actor == "who@example.org"
    ]
    assert outcomes == ["unknown"] * PER_EMAIL + ["limited"]


def test_at_most_twenty_requests_an_hour_from_one_network(db: Engine) -> None:
    # Several addresses of one network count together; most emails are unknown ones.
    for n in range(PER_NETWORK - 1):
        request_sign_in(
            db, f"guess{n}@example.org", from_address=f"203.0.113.{n}", now=NOW, base_url=BASE
        )
    ask(db, NIA, address="203.0.113.200")  # the twentieth
    request_sign_in(db, SIAN, from_address="203.0.113.201", now=NOW, base_url=BASE)
    assert not inbox(SIAN)  # refused silently
    limited = entries(db, "sign-in.requested")[-1]
    assert limited.payload == {"outcome": "limited", "limit": "network", "from": "203.0.113.0/24"}
    ask(db, SIAN, address="198.51.100.1")  # from elsewhere: sent
    with read_session(db) as session:  # a refusal is no row: a flood does not grow the table
        assert len(session.exec(select(t.SignInRequest)).all()) == PER_NETWORK + 1


def test_only_the_network_of_an_address_is_kept() -> None:
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of(None) == "unknown"
    other = network_of("testclient")
    assert other.startswith("other:")
    assert "testclient" not in other


# --- sessions ------------------------------------------------------------------------------


def test_a_browser_session_lasts_twelve_hours_and_last_seen_is_written_once_a_minute(
    db: Engine,
) -> None:
    _, code = ask(db, LEAD)
    opened = redeem_code(db, LEAD, code, NOW)

    def last_seen() -> dt.datetime:
        with read_session(db) as session:
            return session.exec(select(t.SignInSession.last_seen)).one()

    assert last_seen() == NOW
    assert session_person(db, opened.token, NOW + dt.timedelta(seconds=59)) is not None
    assert last_seen() == NOW  # a page view is a read
    session_person(db, opened.token, NOW + dt.timedelta(seconds=61))
    assert last_seen() == NOW + dt.timedelta(seconds=61)
    session_person(db, opened.token, NOW + dt.timedelta(seconds=90))
    assert last_seen() == NOW + dt.timedelta(seconds=61)
    assert session_person(db, opened.token, NOW + BROWSER_SESSION - dt.timedelta(seconds=1))
    assert session_person(db, opened.token, NOW + BROWSER_SESSION) is None
    for bad in (None, "", "nonsense", opened.token + "x", "z" * 10_000):
        assert session_person(db, bad, NOW) is None


def test_sign_out_and_sign_out_everywhere(db: Engine) -> None:
    sessions = []
    for n in range(3):
        _, code = ask(db, LEAD, at=NOW + dt.timedelta(minutes=n))
        sessions.append(redeem_code(db, LEAD, code, NOW + dt.timedelta(minutes=n)))
    _, code = ask(db, NIA)
    nia = redeem_code(db, NIA, code, NOW)
    at = NOW + dt.timedelta(minutes=10)
    assert sign_out(db, sessions[0].token, now=at) is True
    assert sign_out(db, sessions[0].token, now=at) is False  # once
    assert session_person(db, sessions[0].token, at) is None
    me = session_person(db, sessions[1].token, at)
    assert me is not None
    assert sign_out_everywhere(db, me, now=at) == 2
    assert all(session_person(db, s.token, at) is None for s in sessions)
    assert session_person(db, nia.token, at) is not None  # somebody else's: untouched
    signed_out = [e.payload for e in entries(db, "sign-in.signed-out")]
    assert signed_out == [{"everywhere": False, "sessions": 1}, {"everywhere": True, "sessions": 2}]


def test_a_session_ends_when_the_person_leaves_the_programme(db: Engine) -> None:
    _, code = ask(db, NIA)
    opened = redeem_code(db, NIA, code, NOW)
    assert session_person(db, opened.token, NOW) is not None
    with unit_of_work(db) as session:
        session.execute(update(t.Person).where(col(t.Person.email) == NIA).values(active=False))
    assert session_person(db, opened.token, NOW) is None


# --- languages, formats, channels ----------------------------------------------------------


WELSH_EASY_READ = "Eich dolen i fewngofnodi i Cyd"


@pytest.mark.parametrize(
    ("email", "subject", "language", "says"),
    [
        (NIA, WELSH_EASY_READ, "cy", "Maen nhw'n stopio gweithio ar ôl 15 munud."),
        (ALED, "Your link to sign in to Cyd", "en", "They stop working after 15 minutes."),
        (SIAN, "Mewngofnodi i Cyd", "cy", "am 15 munud (tan 10:15 y bore)"),
    ],
)
def test_each_person_gets_it_in_their_language_and_format(
    db: Engine, email: str, subject: str, language: str, says: str
) -> None:
    _, code = ask(db, email)
    message = inbox(email)[0]
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    assert says in body(message)
    if subject != "Mewngofnodi i Cyd":  # Easy Read: a picture beside each point
        # Each picture is a PNG the message carries inline, named by its Content-ID.
        html = body(message, "html")
        assert html.count('<img class="pictogram" src="cid:') >= 7
        carried = {
            str(part["Content-ID"]).strip("<>")
            for part in message.walk()
            if part.get_content_type() == "image/png"
        }
        assert set(re.findall(r'src="cid:([^"]+)"', html)) == carried
    assert redeem_code(db, email, code, NOW).person.email == email


def test_it_goes_to_every_channel_of_the_person(engine: Engine) -> None:
    load_programme(engine, channels={LEAD: ["mailbox://gareth.jones", "mailbox://gareth.phone"]})
    token, code = ask(engine, LEAD)
    [copy] = mailbox.messages("gareth.phone")
    assert link_and_code(copy) == (token, code)
    with read_session(engine) as session:
        sent = session.exec(select(t.OutboxMessage)).all()
    assert [m.status for m in sent] == ["sent", "sent"]


def test_a_channel_that_fails_is_tried_once_and_the_admins_told_without_the_code(
    engine: Engine,
    http_receiver: HttpReceiver,  # noqa: F811  (the fixture)
) -> None:
    http_receiver.status = 500
    load_programme(engine, channels={LEAD: [http_receiver.url(), "mailbox://gareth.jones"]})
    token, code = ask(engine, LEAD)  # the mailbox got it
    assert len(http_receiver.requests) == 1  # tried, once
    with read_session(engine) as session:
        rows = session.exec(select(t.OutboxMessage).order_by(col(t.OutboxMessage.id))).all()
    by_event = {m.event: m for m in rows}
    assert [m.status for m in rows if m.event == "sign-in"] == ["dead", "sent"]
    alert = by_event["delivery-failed"]  # to the admin, queued for the relay
    assert alert.status == "pending"
    assert alert.payload["failed"]["event"] == "sign-in"
    assert token not in str(alert.payload)
    assert code not in str(alert.payload)
    assert "cyd:" not in str(alert.payload)  # the channel's password is masked
    # It is not tried again by the relay's next runs.
    relay.send_due(engine, now=NOW + dt.timedelta(hours=1))
    assert len(http_receiver.requests) == 1


def test_a_link_opened_in_several_browsers_at_once_signs_in_once(db: Engine) -> None:
    token, _ = ask(db, LEAD)
    results: list[str] = []

    def open_link() -> None:
        try:
            redeem_link(db, token, NOW + dt.timedelta(minutes=1))
            results.append("signed in")
        except SignInFailed as failure:
            results.append(failure.reason)

    threads = [threading.Thread(target=open_link) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["signed in", "used", "used", "used"]
    with read_session(db) as session:
        assert len(session.exec(select(t.SignInSession)).all()) == 1


def test_it_ignores_quiet_hours_and_the_daily_digest(db: Engine) -> None:
    night = local(NOW.date(), 23, 30)
    with unit_of_work(db) as session:
        session.execute(
            update(t.Person)
            .where(col(t.Person.email) == LEAD)
            .values(quiet_hours_from="21:00", quiet_hours_to="08:00", daily_digest=True)
        )
    # Another message to him waits, as his settings say ...
    [waiting] = queue(db, LEAD)
    report = relay.send_due(db, now=night)
    assert report.deferred == 1
    # ... but a sign-in message goes at once.
    _, code = ask(db, LEAD, at=night)
    assert redeem_code(db, LEAD, code, night + dt.timedelta(minutes=1)).person.email == LEAD
    # And it is not put into the next day's digest (it was sent already).
    relay.send_due(db, now=local(NOW.date() + dt.timedelta(days=1), 9, 5))
    with read_session(db) as session:
        rows = {m.event: m for m in session.exec(select(t.OutboxMessage))}
    assert rows["sign-in"].status == "sent"
    assert rows["sign-in"].digest_id is None
    assert rows["digest"].status == "sent"
    assert rows["venture.reminder"].id == waiting
    assert rows["venture.reminder"].digest_id == rows["digest"].id


def test_a_sign_in_message_the_sweep_finds_is_given_up_not_sent(db: Engine) -> None:
    """One queued but never sent (the service stopped before sending it): its link and
    code are gone, so the relay's sweep gives it up rather than send it without."""
    with unit_of_work(db) as session:
        person = session.exec(select(t.Person).where(t.Person.email == LEAD)).one()
        channel = session.exec(select(t.Channel).where(t.Channel.person_id == person.id)).one()
        assert person.id is not None
        assert channel.id is not None
        outbox.enqueue(
            session,
            event="sign-in",
            person_id=person.id,
            channel_id=channel.id,
            language="en",
            format="standard",
            payload={"group": False, "expires_at": NOW.isoformat(), "minutes": 15},
            discriminator="sign-in:lost",
            not_before=NOW,
        )
    report = relay.send_due(db, now=NOW + relay.LEASE)
    assert (report.sent, report.dead, report.alerts) == (0, 1, 0)
    assert not inbox(LEAD)
    with read_session(db) as session:
        row = session.exec(select(t.OutboxMessage)).one()
    assert row.status == "dead"
    assert row.last_error == relay.SIGN_IN_TOO_LATE


# --- a printed code ------------------------------------------------------------------------


def test_an_admin_prints_a_code_that_works_once_for_a_day(db: Engine) -> None:
    code = issue_printed_code(db, ADMIN, NIA, NOW)
    assert re.fullmatch(r"[0-9]{6}", code)
    assert not inbox(NIA)  # given in person, not sent
    fails("expired", redeem_code, db, NIA, code, NOW + PRINTED_CODE_LIFETIME)
    code = issue_printed_code(db, ADMIN, NIA, NOW + dt.timedelta(hours=1))
    almost = NOW + dt.timedelta(hours=1) + PRINTED_CODE_LIFETIME - dt.timedelta(minutes=1)
    opened = redeem_code(db, NIA, code, almost)
    assert opened.person.email == NIA
    fails("used", redeem_code, db, NIA, code, almost)
    printed = entries(db, "sign-in.code-printed")
    assert [(e.actor, e.payload["person"]) for e in printed] == [(ADMIN, NIA), (ADMIN, NIA)]
    assert entries(db, "sign-in.succeeded")[-1].payload["via"] == "printed-code"


def test_a_new_printed_code_replaces_the_last(db: Engine) -> None:
    first = issue_printed_code(db, ADMIN, NIA, NOW)
    second = issue_printed_code(db, ADMIN, NIA, NOW + dt.timedelta(minutes=1))
    if first != second:  # (a million codes: they may match by chance)
        # Against the live code, the old one is just a wrong one.
        fails("wrong-code", redeem_code, db, NIA, first, NOW + dt.timedelta(minutes=2))
    assert redeem_code(db, NIA, second, NOW + dt.timedelta(minutes=2)).person.email == NIA


def test_only_an_admin_prints_a_code_and_a_refusal_is_recorded(db: Engine) -> None:
    with pytest.raises(PermissionDenied) as refused:
        issue_printed_code(db, LEAD, NIA, NOW)
    assert refused.value.code == "not-admin"
    with read_session(db) as session:
        assert not session.exec(select(t.SignInRequest)).all()
        denial = session.exec(select(t.Denial)).one()
    assert (denial.actor, denial.action, denial.details) == (
        LEAD,
        "sign-in.print-code",
        {"code": "not-admin", "params": {}},
    )
    [entry] = entries(db, "denied")
    assert entry.payload["action"] == "sign-in.print-code"


# --- no secret is stored -------------------------------------------------------------------


def every_stored_value(engine: Engine) -> Iterator[tuple[str, str]]:
    """(table, value) for every cell of every table, as text."""
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                for value in row:
                    if value is not None:
                        yield table, str(value)


def test_no_link_code_or_session_token_is_stored_anywhere(db: Engine) -> None:
    token, code = ask(db, LEAD)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    fails("wrong-code", redeem_code, db, LEAD, wrong, NOW)
    nia_token, nia_code = ask(db, NIA)
    printed = issue_printed_code(db, ADMIN, SIAN, NOW)
    sessions = [
        redeem_code(db, LEAD, code, NOW).token,
        redeem_link(db, nia_token, NOW).token,
        redeem_code(db, SIAN, printed, NOW).token,
    ]
    secrets = [token, nia_token, *sessions]
    codes = [code, nia_code, printed, wrong]
    cells = list(every_stored_value(db))
    assert {table for table, _ in cells} >= {"sign_in_request", "sign_in_session", "audit_entry"}
    for table, value in cells:
        for secret in secrets:
            assert secret not in value, table
        for each in codes:
            assert not re.search(rf"(?<![0-9A-Za-z]){each}(?![0-9A-Za-z])", value), table
        if table in ("audit_entry", "outbox_message", "sign_in_request", "sign_in_session"):
            assert "mailbox://" not in value, table
            assert "/sign-in/" not in value, table
            assert HOME not in value, table  # only its network is kept
    # The audit chain is whole and says what happened, with no secret.
    with read_session(db) as session:
        assert audit.verify(session).ok
    actions = [e.action for e in entries(db) if e.action.startswith("sign-in.")]
    assert actions.count("sign-in.succeeded") == 3
    assert actions.count("sign-in.failed") == 1


# --- the audit log -------------------------------------------------------------------------


def test_a_log_with_sign_ins_replays_and_compares_equal(
    db: Engine,
    target: Engine,  # noqa: F811  (the fixture)
    library: Library,
) -> None:
    """Sign-in entries are kept as logged (their secrets cannot be made again), a
    refused printed code is refused again, and the governance state compares equal."""
    token, code = ask(db, LEAD)
    fails("wrong-code", redeem_code, db, LEAD, f"{(int(code) + 1) % 1_000_000:06d}", NOW)
    opened = redeem_link(db, token, NOW)
    request_sign_in(db, "nobody@example.org", from_address=HOME, now=NOW, base_url=BASE)
    with pytest.raises(PermissionDenied):
        issue_printed_code(db, LEAD, NIA, NOW)
    issue_printed_code(db, ADMIN, NIA, NOW)
    sign_out(db, opened.token, now=NOW)
    result = replay(db, target, library)
    assert result.ok, result.problems
    assert result.entries == len(entries(db))
    assert compare(db, target) == []
    # The comparison still sees a difference in what it compares.
    with unit_of_work(target) as session:
        session.execute(update(t.Denial).values(reason="changed"))
    assert any(line.startswith("denials:") for line in compare(db, target))
