"""Issue 4's benchmarks: queueing and rendering a Board's messages; relaying them by SMTP.

Each result comes with a baseline measured in the same run:
- the 'board-papers' message for a Board of 12 over 500 ventures, queued in one unit of
  work per venture (as `services.advance._notify` does) and rendered for each member in
  their format, against the same queueing without rendering; and rendering alone;
- `notifications.relay.send_due` sending N queued messages to an SMTP server on
  loopback with its senders (`CYD_RELAY_CONCURRENCY`), and one at a time, against
  apprise sending the same bodies to the same server directly (a fresh
  `apprise.Apprise()` and `notify()` per message, one after another), in turns; on a
  SQLite file and on PostgreSQL (`CYD_BENCH_POSTGRES_URL`, as the governance
  benchmarks).

CYD_BENCH_BOARD_VENTURES (default 500) and CYD_BENCH_MESSAGES (default 300) set the
sizes; CYD_BENCH_RELAY_ONLY=1 runs the relay's rows alone.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import apprise
import yaml
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import select

import settings
from benchmarks.bench_governance import POSTGRES_ADMIN_URL, postgres_database
from benchmarks.common import ROOT
from checklists.loader import Library, load_library
from models import tables as t
from models.db import make_engine, read_session, unit_of_work, utcnow
from models.migrate import upgrade
from notifications.compose import Addressee, addressee, render_for
from notifications.relay import send_due
from notifications.render import Rendered
from notifications.samples import sample_payload
from notifications.tell import tell
from services.people import board_people
from services.programme_import import import_programme, load_programme_source

Row = tuple[str, str, str]

PROGRAMME = ROOT / "examples" / "programme.yaml"
EVENT = "venture.board-papers"
WORKSTREAM = "day-opportunities"
LEAD = "gareth.jones@example.org"
VENTURES = int(os.environ.get("CYD_BENCH_BOARD_VENTURES", "500"))
MESSAGES = int(os.environ.get("CYD_BENCH_MESSAGES", "300"))
WARMUP = 10  # messages sent by each side before the timing starts
BATCH = 50  # messages per turn when the relay's two sides and apprise alternate
SMTP_USER = "cyd"
PASSWORD = "Bench-Pa55word-not-real"  # noqa: S105 - made up, for a loopback server

# Six members beside the example's six: a Board of 12 in both languages and formats,
# one never asked their language (messages in Welsh and English).
EXTRA_MEMBERS: tuple[tuple[str, str, str | None, str], ...] = (
    ("ffion.rees@example.org", "Ffion Rees", "cy", "easy-read"),
    ("john.ellis@example.org", "John Ellis", "en", "standard"),
    ("carys.jenkins@example.org", "Carys Jenkins", "cy", "standard"),
    ("mark.lewis@example.org", "Mark Lewis", "en", "easy-read"),
    ("bethan.owen@example.org", "Bethan Owen", None, "easy-read"),
    ("huw.parry@example.org", "Huw Parry", "cy", "standard"),
)


# --- the programme ---------------------------------------------------------------------


def board_of_12(folder: Path, channel: Callable[[str], str]) -> Path:
    """The example programme with six more Board members, each person's one channel
    `channel(email)`, written as YAML into `folder`."""
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    for n, (email, name, language, fmt) in enumerate(EXTRA_MEMBERS):
        person: dict[str, Any] = {
            "email": email,
            "name": name,
            "roles": ["board-member"],
            "lived_experience": n % 2 == 0,
            "format": fmt,
        }
        if language is not None:
            person |= {"language": language, "language_asked_on": dt.date(2026, 9, 8)}
        data["people"].append(person)
        data["board"]["members"].append(email)
    for person in data["people"]:
        person["channels"] = [channel(person["email"])]
    path = folder / "programme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def prepare(engine: Engine, programme: Path, library: Library, ventures: int) -> list[str]:
    """Migrate, import the programme (checked: a Board of 12), add `ventures` ventures
    at the Board; their ids."""
    upgrade(engine)
    parsed, text = load_programme_source(programme, library=library)
    result = import_programme(engine, parsed, text, "admin@example.org")
    assert result.board_members == 12, result
    now = utcnow()
    ids = [f"v-{n + 1:04d}" for n in range(ventures)]
    with unit_of_work(engine) as session:
        lead = session.exec(select(t.Person).where(t.Person.email == LEAD)).one()
        assert lead.id is not None
        for n, venture_id in enumerate(ids):
            session.add(
                t.Venture(
                    id=venture_id,
                    workstream_id=WORKSTREAM,
                    title=f"Venture {n + 1}",
                    lead_id=lead.id,
                    state="awaiting_board",
                    gate_id="design",
                    deadline=now + dt.timedelta(days=14),
                    created_at=now,
                    updated_at=now,
                )
            )
    return ids


def payload_for(template: dict[str, Any], venture_id: str, n: int) -> dict[str, Any]:
    """The sample 'board-papers' payload, about venture `venture_id`."""
    payload = copy.deepcopy(template)
    payload["venture"] = {"id": venture_id, "title": f"Venture {n + 1}", "gate": "design"}
    payload["audit_seq"] = n + 1
    return payload


def queue_board_papers(
    engine: Engine,
    venture_id: str,
    payload: dict[str, Any],
    discriminator: str,
    limit: int | None = None,
) -> list[Addressee]:
    """One unit of work: the message for each Board member on each of their channels,
    as `services.advance._notify` queues it (`notifications.tell`). The members it was
    queued for."""
    with unit_of_work(engine) as session:
        members = [person for person, _ in board_people(session)][:limit]
        tell(
            session,
            members,
            EVENT,
            payload,
            key=discriminator,
            venture_id=venture_id,
            gate_id="design",
            ballot=1,
        )
        return [addressee(person) for person in members]


# --- 1. queueing and rendering a Board's messages ----------------------------------------


def board_rows(ventures: int) -> list[Row]:
    """Per venture, interleaved (so drift and the outbox's growth hit all alike):
    queue and render; queue only; render only."""
    library = load_library()
    template = sample_payload(EVENT, library=library)
    with tempfile.TemporaryDirectory() as folder:
        programme = board_of_12(Path(folder), lambda email: f"mailbox://{email.split('@')[0]}")
        engine = make_engine(f"sqlite:///{Path(folder) / 'cyd.db'}")
        try:
            ids = prepare(engine, programme, library, ventures)
            with read_session(engine) as session:
                board = [addressee(person) for person, _ in board_people(session)]
            # Warm up: the templates compile on first use, the statements are cached.
            for member in board:
                render_for(member, EVENT, template)
            queue_board_papers(engine, ids[0], template, "warm-up")

            def queue_and_render(n: int, venture_id: str) -> None:
                payload = payload_for(template, venture_id, n)
                told = queue_board_papers(engine, venture_id, payload, f"audit:{n}:rendered")
                for member in told:
                    render_for(member, EVENT, payload)

            def queue_only(n: int, venture_id: str) -> None:
                payload = payload_for(template, venture_id, n)
                queue_board_papers(engine, venture_id, payload, f"audit:{n}:queued")

            def render_only(n: int, venture_id: str) -> None:
                payload = payload_for(template, venture_id, n)
                for member in board:
                    render_for(member, EVENT, payload)

            cases: dict[str, Callable[[int, str], None]] = {
                "both": queue_and_render,
                "queue": queue_only,
                "render": render_only,
            }
            seconds = dict.fromkeys(cases, 0.0)
            for n, venture_id in enumerate(ids):
                for name, case in cases.items():
                    start = time.perf_counter()
                    case(n, venture_id)
                    seconds[name] += time.perf_counter() - start
            with read_session(engine) as session:
                queued = len(session.exec(select(t.OutboxMessage.id)).all())
        finally:
            engine.dispose()
    messages = ventures * len(board)
    assert queued == 2 * messages + len(board), queued
    per_second = {name: messages / s for name, s in seconds.items()}
    easy = sum(1 for a in board if a.format == "easy-read")
    chose = {lang: sum(1 for a in board if a.languages == (lang,)) for lang in ("cy", "en")}
    mix = (
        f"{len(board) - easy} standard, {easy} Easy Read; {chose['cy']} chose Welsh, "
        f"{chose['en']} English, {len(board) - chose['cy'] - chose['en']} never asked"
    )
    where = f"Board of {len(board)} ({mix}), {ventures} ventures, one unit of work each, SQLite"
    return [
        (
            f"queue and render 'board-papers' for every Board member, {where}",
            f"{seconds['both']:.1f} s for {messages:,} messages "
            f"({per_second['both']:,.0f} messages/s)",
            f"{seconds['both'] / seconds['queue']:.2f}× the same queueing without rendering "
            f"({seconds['queue']:.1f} s, {per_second['queue']:,.0f} messages/s)",
        ),
        (
            "render 'board-papers' alone (each member's format; a Board message is in "
            "Welsh and English)",
            f"{per_second['render']:,.0f} messages/s ({seconds['render']:.1f} s for {messages:,})",
            f"{seconds['render'] / seconds['queue']:.2f}× the time of queueing them",
        ),
    ]


# --- 2. the relay against apprise, to SMTP on loopback -------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The SMTP server, in a process of its own (as a mail server is): counts what it takes.
SERVER = """
import logging, os, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

login = (os.environ["BENCH_SMTP_USER"].encode(), os.environ["BENCH_SMTP_PASSWORD"].encode())
count, lock = 0, threading.Lock()

class Counter:
    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
        return "250 OK"

def authenticate(server, session, envelope, mechanism, data):
    return AuthResult(
        success=isinstance(data, LoginPassword) and (data.login, data.password) == login
    )

# aiosmtpd warns, once, that it takes a login without TLS: it is loopback.
logging.getLogger("mail.log").setLevel(logging.ERROR)
controller = Controller(
    Counter(), hostname="127.0.0.1", port=int(sys.argv[1]), authenticator=authenticate,
    auth_require_tls=False,
)
controller.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes it
controller.stop()
print(count, flush=True)
"""


class Received:
    """How many messages the server took (known once it has stopped)."""

    count = -1


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    """An aiosmtpd server on 127.0.0.1 that wants a login (plain SMTP, as the tests'), in
    a process of its own: the relay's process does not share its interpreter with it."""
    received = Received()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"BENCH_SMTP_USER": SMTP_USER, "BENCH_SMTP_PASSWORD": PASSWORD},
    )
    assert server.stdout is not None
    try:
        assert server.stdout.readline().strip() == "ready", "the SMTP server did not start"
        yield port, received
    finally:
        out, _ = server.communicate(input="", timeout=60)
        received.count = int(out.split()[-1]) if out.split() else -1


def mailto(port: int, email: str) -> str:
    return (
        f"mailto://{SMTP_USER}:{PASSWORD}@127.0.0.1:{port}?from=cyd@example.org&to={email}&name=Cyd"
    )


def send_directly(url: str, message: Rendered) -> None:
    """What the relay's send comes down to: apprise, one URL, the HTML body."""
    sender = apprise.Apprise()
    sender.add(url)
    result = sender.notify(
        body=message.html, title=message.subject, body_format=apprise.NotifyFormat.HTML
    )
    assert result, "apprise did not deliver to the loopback server"


def relay_rows(messages: int, url: str | None, where: str) -> list[Row]:
    """The relay with its senders (`CYD_RELAY_CONCURRENCY`, default), the relay one at a
    time, and apprise sending the same bodies directly, in turns of `BATCH` messages
    each; `url`: the database (None: a SQLite file in a temporary folder)."""
    library = load_library()
    template = sample_payload(EVENT, library=library)
    sides = ("relay", "one", "apprise")
    total = WARMUP + 2 * messages  # queued: the relay's two sides send a share each
    with tempfile.TemporaryDirectory() as folder, smtp_server() as (port, server):
        programme = board_of_12(Path(folder), lambda email: mailto(port, email))
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'cyd.db'}")
        try:
            ids = prepare(engine, programme, library, math.ceil(total / 12))
            # The same messages for apprise: each member's rendered message, and URL.
            direct: list[tuple[str, Rendered]] = []
            for n, venture_id in enumerate(ids):
                payload = payload_for(template, venture_id, n)
                for member in queue_board_papers(
                    engine, venture_id, payload, f"audit:{n}", limit=total - len(direct)
                ):
                    rendered = render_for(member, EVENT, payload)
                    direct.append((mailto(port, member.email), rendered))
            assert len(direct) == total
            # Warm up both (apprise loads its plugins on first use).
            warm = send_due(engine, limit=WARMUP)
            assert warm.sent == WARMUP, warm
            for address, rendered in direct[:WARMUP]:
                send_directly(address, rendered)
            seconds = dict.fromkeys(sides, 0.0)
            for first in range(WARMUP, WARMUP + messages, BATCH):
                batch = direct[first : first + BATCH]
                for side in sides:
                    start = time.perf_counter()
                    if side == "apprise":
                        for address, rendered in batch:
                            send_directly(address, rendered)
                    else:
                        report = send_due(
                            engine, limit=len(batch), concurrency=1 if side == "one" else None
                        )
                        assert report.sent == len(batch), report
                    seconds[side] += time.perf_counter() - start
            with read_session(engine) as session:
                statuses = session.exec(select(t.OutboxMessage.status)).all()
        finally:
            engine.dispose()
    assert statuses.count("sent") == total, statuses
    assert server.count == total + WARMUP + messages, server.count
    rate = {side: messages / s for side, s in seconds.items()}
    senders = settings.current().relay_concurrency
    apprise_said = (
        f"apprise sending the same bodies directly, one after another, a fresh `Apprise()` "
        f"+ `notify()` each ({rate['apprise']:,.0f} messages/s, {seconds['apprise']:.1f} s)"
    )
    return [
        (
            f"relay `send_due` to an SMTP server on loopback (aiosmtpd in a process of its own, "
            f"login, plain SMTP), {messages} 'board-papers' messages, {where}, "
            f"{senders} senders (`CYD_RELAY_CONCURRENCY`), turns of {BATCH} with the two "
            "sides below",
            f"{rate['relay']:,.0f} messages/s, {1000 / rate['relay']:.1f} ms a message "
            f"({seconds['relay']:.1f} s; target ≥ 100)",
            f"{seconds['relay'] / seconds['apprise']:.2f}× the time of {apprise_said}",
        ),
        (
            f"the same relay one message at a time (`CYD_RELAY_CONCURRENCY=1`), {where}",
            f"{rate['one']:,.0f} messages/s, {1000 / rate['one']:.1f} ms a message "
            f"({seconds['one']:.1f} s)",
            f"{seconds['one'] / seconds['apprise']:.2f}× the time of apprise directly; "
            f"{seconds['relay'] / seconds['one']:.2f}× for {senders} senders",
        ),
    ]


def relay_benchmarks(messages: int) -> list[Row]:
    sync = settings.current().sqlite_sync.upper()
    rows = relay_rows(messages, None, f"SQLite file (`synchronous={sync}`)")
    try:
        with postgres_database() as url:
            rows += relay_rows(messages, url, "PostgreSQL")
    except OperationalError as error:
        where = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
        problem = " ".join(str(error.orig).split())
        rows.append(
            (
                "relay `send_due`, PostgreSQL",
                f"not run: PostgreSQL did not answer at {where} ({problem})",
                "-",
            )
        )
    return rows


def run() -> list[Row]:
    if os.environ.get("CYD_BENCH_RELAY_ONLY"):
        return relay_benchmarks(MESSAGES)
    return [*board_rows(VENTURES), *relay_benchmarks(MESSAGES)]
