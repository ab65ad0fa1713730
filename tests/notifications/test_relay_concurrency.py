"""Exactly once with relays running at once: several threads, and several processes,
each running `send_due` with its own senders on the same SQLite file and the same
PostgreSQL database, against a real SMTP server on loopback.

Every delivery the server takes is counted (a list of what it received, not a mapping
by key: a second copy would be kept, not folded into the first), and each message is
known in it by its idempotency key, one per outbox message: each is delivered exactly
once, and every message is marked sent once (one attempt). A relay process killed
mid-batch beside another leaves what it had claimed to the lease.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine, utcnow
from notifications.relay import LEASE, RelayReport, send_due, sending
from tests.models.conftest import Backend
from tests.notifications.conftest import SmtpServer, example_data, load_programme, messages, queue

ROOT = Path(__file__).resolve().parents[2]
PER_PERSON = 4  # messages queued for each person of the example programme (15 people)
RELAYS = 3  # relays running at once
SENDERS = 4  # senders in each


def everyone_on(smtp: SmtpServer, engine: Engine) -> list[str]:
    """Every person of the example programme with one channel, to the SMTP server; the
    idempotency keys of `PER_PERSON` messages queued for each."""
    people = [p["email"] for p in example_data()["people"]]
    load_programme(engine, {email: [smtp.url(email)] for email in people})
    for n in range(PER_PERSON):
        for email in people:
            queue(engine, email, tag=f"{email}:{n}")
    keys = [m.idempotency_key for m in messages(engine)]
    assert len(keys) == len(set(keys)) == PER_PERSON * len(people)
    return keys


def delivered_once_each(smtp: SmtpServer, engine: Engine, keys: list[str]) -> None:
    deliveries = Counter(smtp.keys())
    assert sum(deliveries.values()) == len(keys)  # no delivery more than there are messages
    assert deliveries == Counter(keys)  # ... each message once
    rows = messages(engine)
    assert all(m.status == "sent" and m.attempts == 1 for m in rows), [
        (m.id, m.status, m.attempts) for m in rows if m.status != "sent" or m.attempts != 1
    ]


def until_none_left(engine: Engine, at: dt.datetime) -> RelayReport:
    """Run the relay until a run finds nothing to send (what the flow does each minute)."""
    total = RelayReport()
    while True:
        report = send_due(engine, now=at, limit=25, concurrency=SENDERS)
        total.add(report)
        if report.sent == 0 and report.failed == 0:
            return total


def test_relays_in_threads_each_with_senders_deliver_each_message_once(
    backend: Backend, smtp: SmtpServer
) -> None:
    keys = everyone_on(smtp, backend.engine)
    at = utcnow() + dt.timedelta(seconds=1)
    start = threading.Barrier(RELAYS)
    reports: list[RelayReport] = []
    errors: list[BaseException] = []

    def relay() -> None:
        engine = make_engine(backend.url)  # a relay of its own: its own connections
        try:
            start.wait()
            reports.append(until_none_left(engine, at))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=relay) for _ in range(RELAYS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sum(r.sent for r in reports) == len(keys)
    assert all(r.failed == r.dead == 0 for r in reports)
    delivered_once_each(smtp, backend.engine, keys)


RELAY_PROCESS = """
import datetime as dt, pathlib, sys, time
from models.db import make_engine
from notifications.relay import send_due

url, at, go = sys.argv[1], dt.datetime.fromisoformat(sys.argv[2]), pathlib.Path(sys.argv[3])
engine = make_engine(url)
while not go.exists():  # every relay ready (imported) before any starts
    time.sleep(0.01)
sent = 0
while True:
    report = send_due(engine, now=at, limit=25, concurrency=int(sys.argv[4]))
    sent += report.sent
    if report.sent == 0 and report.failed == 0:
        break
print(sent)
"""


def test_relays_in_processes_each_with_senders_deliver_each_message_once(
    backend: Backend, smtp: SmtpServer, tmp_path: Path
) -> None:
    keys = everyone_on(smtp, backend.engine)
    at = utcnow() + dt.timedelta(seconds=1)
    go = tmp_path / "go"
    relays = [
        subprocess.Popen(
            [sys.executable, "-c", RELAY_PROCESS, backend.url, at.isoformat(), str(go), "4"],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RELAYS)
    ]
    time.sleep(0.5)
    go.touch()
    sent = []
    for relay in relays:
        out, err = relay.communicate(timeout=300)
        assert relay.returncode == 0, err
        sent.append(int(out.split()[-1]))
    assert sum(sent) == len(keys)
    delivered_once_each(smtp, backend.engine, keys)


def test_a_relay_killed_mid_batch_beside_another_leaves_its_claims_to_the_lease(
    backend: Backend, smtp: SmtpServer, tmp_path: Path
) -> None:
    """Two relay processes at once; one is killed (SIGKILL) just after its fifth
    delivery, with others of its senders in flight. The other never takes what the
    killed one had claimed; once the lease is over, a run sends it: every message is
    delivered, and only the few the killed relay had in flight twice (the same key)."""
    keys = everyone_on(smtp, backend.engine)
    at = utcnow() + dt.timedelta(seconds=1)
    go = tmp_path / "go"

    def relay(**env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", RELAY_PROCESS, backend.url, at.isoformat(), str(go), "4"],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)} | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    killed, survivor = relay(CYD_TEST_FAULT_AT="relay-sent#5"), relay()
    time.sleep(0.5)
    go.touch()
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -9, err
    _, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    left = [m for m in messages(backend.engine) if m.status != "sent"]
    assert left, "the killed relay left nothing claimed"
    assert all(m.status == "pending" and m.next_attempt_at > at for m in left)
    assert until_none_left(backend.engine, at).sent == 0  # leased: not before the lease
    after = until_none_left(backend.engine, at + LEASE + dt.timedelta(seconds=1))
    assert after.sent == len(left)
    deliveries = Counter(smtp.keys())
    assert set(deliveries) == set(keys)  # every message delivered
    twice = [key for key, n in deliveries.items() if n > 1]
    assert all(n <= 2 for n in deliveries.values())
    # Only what the killed relay had in flight (never more than its senders' claims).
    assert len(twice) <= 2 * SENDERS
    assert set(twice) <= {m.idempotency_key for m in left}
    assert all(m.status == "sent" for m in messages(backend.engine))


def test_an_error_in_one_sender_stops_the_claims_and_the_rest_in_flight_is_recorded(
    backend: Backend, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug that raises while one message is being sent stops the run, with the error;
    what the other senders had in flight is delivered and marked sent first, and the one
    that raised stays claimed until its lease is over (then it goes, once)."""
    keys = everyone_on(smtp, backend.engine)
    broken = messages(backend.engine)[2].id
    real_render = sending.render

    def render(job: Any, carries: bool = False) -> Any:
        if job.message_id == broken:
            raise RuntimeError("a bug in a sender")
        return real_render(job, carries)

    monkeypatch.setattr(sending, "render", render)
    at = utcnow() + dt.timedelta(seconds=1)
    with pytest.raises(RuntimeError, match="a bug in a sender"):
        send_due(backend.engine, now=at, concurrency=SENDERS)
    rows = {m.id: m for m in messages(backend.engine)}
    assert (rows[broken].status, rows[broken].attempts) == ("pending", 0)
    assert rows[broken].next_attempt_at > at  # claimed: left to its lease
    delivered = Counter(smtp.keys())
    assert all(n == 1 for n in delivered.values())
    sent = {m.idempotency_key for m in rows.values() if m.status == "sent"}
    assert sent == set(delivered)  # everything delivered was marked sent
    assert 0 < len(sent) <= 2 * SENDERS  # the claims stopped
    monkeypatch.setattr(sending, "render", real_render)
    until_none_left(backend.engine, at)
    until_none_left(backend.engine, at + LEASE + dt.timedelta(seconds=1))
    delivered_once_each(smtp, backend.engine, keys)
