"""Real receivers on loopback for the delivery tests, and the example programme with
channels pointed at them.

- `smtp`: an aiosmtpd SMTP server on 127.0.0.1 (a free port) that wants a login
  (plain SMTP, AUTH allowed without TLS: it is loopback), can be stopped and started
  again on the same port (a channel outage), and keeps every message it accepted;
- `http_receiver`: an HTTP server on 127.0.0.1 for apprise's `json://`, keeping each
  request's headers and JSON body; it can be told to answer with an error;
- every test gets its own mailbox folder (`CYD_MAILBOX_DIR`) and the programme's
  time zone fixed to Europe/London.

The database fixtures (`backend`, `engine`) are the persistence suite's: each test
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.yamlsource import parse
from models import outbox
from models.db import read_session, unit_of_work, utcnow
from models.tables import Channel, OutboxMessage, Person
from notifications.samples import sample_payload
from services.programme_import import import_programme, parse_programme
from tests.models.conftest import (  # noqa: F401  (the database fixtures, shared)
    backend,
    engine,
    postgres_database,
    postgres_server,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "programme.yaml"
SMTP_USER = "cyd"
PASSWORD = "Fake-Pa55word-4-tests"  # noqa: S105 - a made-up one, looked for in every output
LONDON = ZoneInfo("Europe/London")
IDEMPOTENCY = "X-Cyd-Idempotency-Key"

# What the daily digest's cover and the admins' alert say, in each language and
# format: (the start of the subject, a sentence of the body). "{person}" is the
# email of the person whose message was given up.
FORMS: tuple[tuple[str, str], ...] = (
    ("en", "standard"),
    ("en", "easy-read"),
    ("cy", "standard"),
    ("cy", "easy-read"),
)
DIGEST_SAYS: dict[tuple[str, str], tuple[str, str]] = {
    ("en", "standard"): (
        "Your Cyd messages for ",
        "You get your Cyd messages together, once a day.",
    ),
    ("en", "easy-read"): (
        "Your messages from Cyd for ",
        "You get your messages together, once a day.",
    ),
    ("cy", "standard"): (
        "Eich negeseuon Cyd ar gyfer ",
        "Rydych chi'n cael eich negeseuon Cyd gyda'i gilydd, unwaith y dydd.",
    ),
    ("cy", "easy-read"): (
        "Eich negeseuon Cyd ar gyfer ",
        "Rydych chi'n cael eich negeseuon gyda'i gilydd, unwaith y dydd.",
    ),
}
ALERT_SAYS: dict[tuple[str, str], tuple[str, str]] = {
    ("en", "standard"): (
        "Cyd could not deliver a message to {person}",
        "Cyd has stopped trying to send a message to {person}.",
    ),
    ("en", "easy-read"): (
        "A message from Cyd could not be sent",
        "The message was for {person}.",
    ),
    ("cy", "standard"): (
        "Methodd Cyd ag anfon neges at {person}",
        "Mae Cyd wedi rhoi'r gorau i geisio anfon neges at {person}.",
    ),
    ("cy", "easy-read"): (
        "Doedd dim modd anfon neges Cyd",
        "Roedd y neges ar gyfer {person}.",
    ),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- SMTP ----------------------------------------------------------------------------------


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def key(self) -> str:
        return str(self.message[IDEMPOTENCY])

    def body(self, kind: str) -> str:
        part = self.message.get_body((kind,))
        assert part is not None, f"no {kind} part"
        return str(part.get_content())  # type: ignore[attr-defined]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self,
        _server: SMTP,
        _session: Session,
        envelope: Envelope,
        address: str,
        _options: list[str],
    ) -> str:
        if self.server.refuse_recipient:
            return self.server.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        if self.server.refuse_data:
            return self.server.refuse_data
        raw = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on loopback that takes a login and keeps what it gets."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        # A reply to give instead of "250 OK" (e.g. "554 5.6.0 Message refused").
        self.refuse_data: str | None = None
        self.refuse_recipient: str | None = None
        self.controller: Controller | None = None
        self.logins = 0  # each connection logs in once: how many connections sent

    def _authenticate(
        self, _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(),
            PASSWORD.encode(),
        )
        with self.lock:
            self.logins += 1
        return AuthResult(success=ok)

    def start(self, tls_context: Any = None) -> None:
        """`tls_context` (an `ssl.SSLContext` of the server's): STARTTLS, and required."""
        assert self.controller is None
        secure: dict[str, Any] = (
            {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
        )
        self.controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,  # loopback only
            **secure,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, to: str) -> str:
        return (
            f"mailto://{SMTP_USER}:{PASSWORD}@127.0.0.1:{self.port}"
            f"?from=cyd@example.org&to={to}&name=Cyd"
        )

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def keys(self, address: str | None = None) -> list[str]:
        got = self.to(address) if address else list(self.received)
        return [r.key for r in got]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class HttpRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class HttpReceiver:
    port: int
    requests: list[HttpRequest] = field(default_factory=list)
    status: int = 200

    def url(self, secret: str = PASSWORD) -> str:
        return f"json://cyd:{secret}@127.0.0.1:{self.port}/hook"

    def keys(self) -> list[str]:
        return [r.headers.get(IDEMPOTENCY, "") for r in self.requests]


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            receiver.requests.append(
                HttpRequest(self.path, dict(self.headers.items()), json.loads(raw or b"{}"))
            )
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the mailbox folder and the clock --------------------------------------------------------


@pytest.fixture(autouse=True)
def mailbox_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mailbox"
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(folder))
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    return folder


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in the programme's time zone, as UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(dt.UTC)


def a_day_ahead(days: int = 2) -> dt.date:
    """A local date safely after every row queued by a test (queued 'now')."""
    return (utcnow().astimezone(LONDON) + dt.timedelta(days=days)).date()


# --- the programme ---------------------------------------------------------------------------


def example_data() -> dict[str, Any]:
    data = parse(EXAMPLE.read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def load_programme(
    db: Engine,
    channels: dict[str, list[str]] | None = None,
    change: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Import the example programme with some people's channels (and more) changed."""
    data = example_data()
    for person in data["people"]:
        if channels and person["email"] in channels:
            person["channels"] = channels[person["email"]]
    if change is not None:
        change(data)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    import_programme(db, parse_programme(text, "programme.yaml"), text, "admin@example.org")
    return data


def person_of(db: Engine, email: str) -> Person:
    with read_session(db) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        return person


def queue(
    db: Engine,
    email: str,
    event: str = "venture.reminder",
    *,
    payload: dict[str, Any] | None = None,
    tag: str = "",
) -> list[int]:
    """Queue `event` for the person on each of their active channels; the message ids."""
    ids = []
    with unit_of_work(db) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        channels = session.exec(
            select(Channel)
            .where(Channel.person_id == person.id)
            .where(col(Channel.active))
            .order_by(col(Channel.id))
        ).all()
        for channel in channels:
            assert person.id is not None
            assert channel.id is not None
            message, _ = outbox.enqueue(
                session,
                event=event,
                person_id=person.id,
                channel_id=channel.id,
                language=person.language,
                format=person.format,
                payload=payload if payload is not None else sample_payload(event),
                discriminator=tag or f"{event}:{utcnow().isoformat()}",
            )
            assert message.id is not None
            ids.append(message.id)
    return ids


def messages(db: Engine, *where: Any) -> list[OutboxMessage]:
    with read_session(db) as session:
        statement = select(OutboxMessage).order_by(col(OutboxMessage.id))
        for clause in where:
            statement = statement.where(clause)
        return list(session.exec(statement))
