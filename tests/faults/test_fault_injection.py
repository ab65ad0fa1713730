"""Issue 14, item 9: faults injected into real `cyd` processes. Each ends with nothing
lost (what was committed is still there, or the loss is reported), nothing doubled (the
tables counted), and either a clean refusal (one line, no traceback) or a detected,
reported fault.

- the process killed (SIGKILL, `CYD_TEST_FAULT_AT`, models/faults.py) at each step of a
  vote and of the chair closing it, and of the relay (claimed, sent, marked);
- PostgreSQL connections terminated by the server while people vote;
- a SQLite lock held by another connection (shorter than the retries, and longer);
- a full disk (a small tmpfs where it can be mounted, else a file size limit);
- damaged pages;
- the WAL deleted while the database is open.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import make_engine, utcnow
from notifications.relay import LEASE, send_due
from services.commands import Cyd, advance_open, close_vote, vote
from tests.cli.support import CYD, ROOT, run_cyd
from tests.faults.conftest import (
    CHAIR,
    VENTURE,
    VOTERS,
    at_the_board,
    chain_sound,
    count,
    in_process,
    one_line,
    votes,
)
from tests.models.conftest import PostgresServer

pytestmark = pytest.mark.slow

KILLED = -signal.SIGKILL
FULL = {"CYD_SQLITE_SYNC": "full"}  # the production setting (the tests' default is normal)


def vote_args(member: str, choice: str = "approve") -> tuple[str, ...]:
    return ("board", "vote", VENTURE, "--member", member, "--choice", choice)


def decisions(folder: Path) -> int:
    return count(folder, "SELECT count(*) FROM decision WHERE venture_id = ?", VENTURE)


def audit_sound(folder: Path, *more: str) -> None:
    verified = run_cyd(folder, "audit", "verify", *more)
    assert verified.returncode == 0, verified.stdout + verified.stderr


# --- the process killed at each step --------------------------------------------------------


@pytest.mark.parametrize("step", ["before-commit", "after-commit"])
def test_a_vote_killed_at_each_step_is_there_once_or_not_at_all(board: Path, step: str) -> None:
    member = VOTERS[1]
    killed = run_cyd(board, *vote_args(member), env={"CYD_TEST_FAULT_AT": step})
    assert killed.returncode == KILLED, killed.stderr
    assert votes(board, member) == (0 if step == "before-commit" else 1)
    entries = chain_sound(board)
    again = run_cyd(board, *vote_args(member))  # the member tries again
    assert again.returncode == 0, again.stderr
    assert votes(board, member) == 1
    assert votes(board) == 1
    assert chain_sound(board) == entries + 1


def the_board_votes(folder: Path) -> None:
    cyd = in_process(folder)
    try:
        for member in VOTERS:
            vote(cyd, VENTURE, member=member, choice="approve")
    finally:
        cyd.engine.dispose()


@pytest.mark.parametrize("step", ["before-commit", "after-commit", "after-commit#2"])
def test_the_chair_closing_killed_at_each_step_ends_in_one_decision(board: Path, step: str) -> None:
    the_board_votes(board)
    close = ("board", "close", VENTURE, "--by", CHAIR)
    killed = run_cyd(board, *close, env={"CYD_TEST_FAULT_AT": step})
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    assert decisions(board) == (1 if step == "after-commit#2" else 0)
    chain_sound(board)
    # What the chair does next: close it again (refused once it is closed); and what
    # any later command, flow or sweep does: advance.
    again = run_cyd(board, *close)
    assert "Traceback" not in again.stderr
    cyd = in_process(board)
    try:
        advance_open(cyd)
        if step == "before-commit":  # it was never closed: nothing decided yet
            assert decisions(board) == (1 if again.returncode == 0 else 0)
            if again.returncode != 0:
                close_vote(cyd, VENTURE, by=CHAIR)
    finally:
        cyd.engine.dispose()
    assert decisions(board) == 1
    assert votes(board) == len(VOTERS)
    chain_sound(board)


@pytest.mark.parametrize("step", ["relay-claimed", "relay-sent", "relay-marked"])
def test_the_relay_killed_at_each_step_sends_everything_and_once(
    board: Path, tmp_path: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailboxes = tmp_path / "mailbox"
    env = {"CYD_MAILBOX_DIR": str(mailboxes)}
    pending = count(board, "SELECT count(*) FROM outbox_message WHERE status = 'pending'")
    assert pending >= 3
    killed = run_cyd(board, "notify", "send-due", env=env | {"CYD_TEST_FAULT_AT": f"{step}#2"})
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    rerun = run_cyd(board, "notify", "send-due", env=env)
    assert rerun.returncode == 0, rerun.stderr
    # The message in flight at the kill is left to its lease (sent or not, it is not
    # known); when the lease is over, another run takes it.
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(mailboxes))
    engine = make_engine(f"sqlite:///{board / 'cyd.db'}")
    try:
        send_due(engine, now=utcnow() + LEASE + dt.timedelta(seconds=1))
    finally:
        engine.dispose()
    statuses = count(board, "SELECT count(*) FROM outbox_message WHERE status != 'sent'")
    assert statuses == 0
    sent = count(board, "SELECT count(*) FROM outbox_message WHERE status = 'sent'")
    delivered = sorted(path.stem for path in mailboxes.rglob("*.eml"))
    keys = count(board, "SELECT count(DISTINCT idempotency_key) FROM outbox_message")
    # Each message in its mailbox once (a resend has the same key, the same file).
    assert len(delivered) == len(set(delivered)) == keys == sent
    chain_sound(board)


# --- PostgreSQL connections dropped -----------------------------------------------------------


@contextmanager
def terminating(server: PostgresServer, database: str, every: float) -> Iterator[list[int]]:
    """Terminate every connection to `database` but our own, every `every` seconds."""
    stop = threading.Event()
    killed: list[int] = []

    def loop() -> None:
        while not stop.wait(every):
            with server.admin.connect() as admin:
                found = admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                ).all()
                killed.append(len(found))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield killed
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.mark.postgres
def test_connections_killed_while_people_vote_each_vote_is_said_and_stored_truly(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    at_the_board(url)
    env = {"CYD_DATABASE_URL": url}
    database = make_url(url).database or ""
    said: dict[str, tuple[int, str]] = {}
    with terminating(postgres_server, database, every=0.01) as killed:
        for member in VOTERS[1:]:
            done = run_cyd(tmp_path, *vote_args(member), env=env)
            if done.returncode != 0:
                said[member] = (done.returncode, one_line(done.stderr))
            else:
                said[member] = (0, "")
                assert "Traceback" not in done.stderr
    assert sum(killed) > 0, said
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            for member, (code, line) in said.items():
                stored = connection.execute(
                    text(
                        "SELECT count(*) FROM vote JOIN person ON person.id = vote.member_id "
                        "WHERE venture_id = :v AND is_current AND email = :m"
                    ),
                    {"v": VENTURE, "m": member},
                ).scalar()
                if code == 0 or "the action was recorded" in line:
                    assert stored == 1, (member, line)
                elif "nothing was recorded" in line or "cannot use the database" in line:
                    assert stored == 0, (member, line)
                else:
                    assert "may or may not be recorded" in line, line
                    assert stored in (0, 1)
    finally:
        engine.dispose()
        postgres_server.drop_database(url)
    verified = run_cyd(tmp_path, "audit", "verify", env=env)
    assert verified.returncode in (0, 1)


# --- SQLite locks held ------------------------------------------------------------------------


@contextmanager
def write_lock(folder: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holds the write lock (BEGIN IMMEDIATE) until it commits."""
    holder = sqlite3.connect(folder / "cyd.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("COMMIT")
        holder.close()


def opened(process: subprocess.Popen[str], database: Path, timeout: float = 60) -> None:
    """Wait until the process has the database open (it is about to write)."""
    deadline = time.monotonic() + timeout
    fds = Path(f"/proc/{process.pid}/fd")
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if any(os.path.realpath(fd) == str(database) for fd in fds.iterdir()):
                return
        except OSError:
            pass
        time.sleep(0.05)


def test_a_lock_held_past_the_busy_timeout_is_waited_out(board: Path) -> None:
    member = VOTERS[2]
    env = dict(os.environ) | {
        "CYD_DATA_DIR": str(board),
        "CYD_DATABASE_URL": "",
        "CYD_TEST_LOCK_WAIT": "0.5",
    }
    env.pop("CYD_ORCHESTRATION", None)
    with write_lock(board) as holder:
        process = subprocess.Popen(
            [str(CYD), *vote_args(member)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        opened(process, (board / "cyd.db").resolve())
        time.sleep(1.2)  # the first try has waited its 0.5 s, and failed
        holder.execute("COMMIT")
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert votes(board, member) == 1


def test_a_lock_held_past_every_retry_is_one_line_and_nothing_recorded(board: Path) -> None:
    member = VOTERS[2]
    env = {"CYD_TEST_LOCK_WAIT": "0.2"}
    entries = chain_sound(board)
    with write_lock(board):
        done = run_cyd(board, *vote_args(member), env=env)
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "database is locked" in line
    assert "3 times: nothing was recorded" in line
    assert votes(board, member) == 0
    assert chain_sound(board) == entries


# --- a full disk ------------------------------------------------------------------------------


@contextmanager
def small_disk(folder: Path) -> Iterator[str]:
    """`folder` on a tmpfs of 4 MB when one can be mounted (CI runs as root); else the
    folder as it is, and a file size limit for `cyd` instead."""
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    try:
        yield "tmpfs" if mounted.returncode == 0 else "limit"
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_refuses_cleanly_and_loses_nothing(
    board_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    with small_disk(folder) as how:
        (folder / "cyd.db").write_bytes((board_template / "cyd.db").read_bytes())
        member = VOTERS[1]
        cyd = in_process(folder)
        try:
            vote(cyd, VENTURE, member=member, choice="approve")
        finally:
            cyd.engine.dispose()
        before = count(folder, "SELECT count(*) FROM audit_entry")
        reason = "a reason " * 200
        args = (*vote_args(VOTERS[2], "approve-with-conditions"), "--reason", reason)
        if how == "tmpfs":
            # The WAL emptied to nothing: the next commit needs room the disk has not.
            wal = sqlite3.connect(folder / "cyd.db", isolation_level=None)
            wal.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            wal.close()
            filler = folder / "filler"
            with suppress(OSError), filler.open("wb") as out:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            done = run_cyd(folder, *args, env=FULL)
        else:
            done = _limited(folder, args, (folder / "cyd.db").stat().st_size)
            filler = None
        if filler is not None:
            filler.unlink()  # (room again: even reading needs some, for the WAL)
        if done.returncode == 0:  # room was found (the WAL's own): then it is recorded
            assert how != "tmpfs", done.stdout
            assert votes(folder, VOTERS[2]) == 1
        else:
            line = one_line(done.stderr)
            assert "nothing was recorded" in line or "full" in line, line
            assert votes(folder, VOTERS[2]) == 0
            assert count(folder, "SELECT count(*) FROM audit_entry") == before
        assert votes(folder, member) == 1  # nothing lost
        again = run_cyd(folder, *args, env=FULL)
        assert again.returncode == 0, again.stderr
        assert votes(folder, VOTERS[2]) == 1
        chain_sound(folder)


def _limited(folder: Path, args: tuple[str, ...], size: int) -> subprocess.CompletedProcess[str]:
    """`cyd ARGS` allowed to make no file bigger than the database is now (a write past
    it fails, as on a full disk)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(folder), "CYD_DATABASE_URL": ""} | FULL
    return subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=limit,
    )


# --- damaged pages ----------------------------------------------------------------------------


def test_damaged_pages_are_found_and_refused_in_one_line(board: Path) -> None:
    path = board / "cyd.db"
    size = path.stat().st_size
    with path.open("r+b") as raw:
        page = 4096
        for offset in range(page * 2, size - page, page * 3):
            raw.seek(offset)
            raw.write(os.urandom(page))
    verified = run_cyd(board, "audit", "verify")
    assert verified.returncode == 1
    assert "damaged" in one_line(verified.stderr)
    for args in (vote_args(VOTERS[1]),):
        done = run_cyd(board, *args)
        assert done.returncode != 0, (args, done.stdout)
        line = one_line(done.stderr)
        assert "damaged" in line or "database" in line, line


# --- the WAL deleted while the database is open ----------------------------------------------


def wal_deleted_under(cyd: Cyd) -> None:
    """The `-wal` file deleted while `cyd` has the database open; then a process that
    opens it afterwards (the next command) is the last to close it: the WAL it finds is
    a new, empty one, and SQLite's own checkpoint on closing copies nothing."""
    database = Path(cyd.engine.url.database or "")
    wal = database.with_name(database.name + "-wal")
    assert wal.exists()
    wal.unlink()
    late = sqlite3.connect(database, isolation_level=None)
    with suppress(sqlite3.Error):
        late.execute("SELECT count(*) FROM vote").fetchall()
    cyd.engine.dispose()
    late.close()


def test_a_decision_survives_its_wal_being_deleted(
    board: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Board decides through a process that keeps the database open (as `cyd web`
    does); the `-wal` file is deleted under it: the decision and the votes stay."""
    monkeypatch.setenv("CYD_SQLITE_SYNC", "full")
    anchors = tmp_path / "anchors.txt"
    cyd = in_process(board)
    try:
        for member in VOTERS:
            vote(cyd, VENTURE, member=member, choice="approve")
        close_vote(cyd, VENTURE, by=CHAIR)
        assert run_cyd(board, "audit", "anchor", "--file", str(anchors)).returncode == 0
    finally:
        wal_deleted_under(cyd)
    assert decisions(board) == 1
    assert votes(board) == len(VOTERS)
    audit_sound(board, "--anchors", str(anchors))


def test_a_lost_tail_is_found_by_its_anchor(
    board: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the checkpoint after each commit, the votes live in the `-wal` file alone
    until SQLite checkpoints it; deleted, they are gone, and `cyd audit verify
    --anchors` says the anchored entry is missing (never "intact")."""
    import models.db

    monkeypatch.setattr(models.db, "CHECKPOINT_AFTER_COMMIT", False)
    anchors = tmp_path / "anchors.txt"
    cyd = in_process(board)
    try:
        for member in VOTERS[:2]:
            vote(cyd, VENTURE, member=member, choice="approve")
        assert run_cyd(board, "audit", "anchor", "--file", str(anchors)).returncode == 0
    finally:
        wal_deleted_under(cyd)
    verified = run_cyd(board, "audit", "verify", "--anchors", str(anchors))
    assert verified.returncode == 1, verified.stdout
    assert "Traceback" not in verified.stderr
    assert verified.stderr.strip(), verified.stdout


# --- a command run again: never recorded twice ---------------------------------------------


def test_a_vote_run_again_after_a_lock_is_recorded_once(
    board: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first try fails inside its unit of work (after its rows were written, before
    the commit); the second is the one recorded: one vote, one audit entry. A fault in
    the advancing after the vote's commit runs the advancing again, never the vote."""
    import models.db
    from models import audit
    from services import commands

    monkeypatch.setattr(models.db, "RETRY_PAUSE_S", 0.0)
    real_append = audit.append
    faults: list[str] = []

    def locked_once(
        session: object, actor: str, action: str, *args: object, **kw: object
    ) -> object:
        found = real_append(session, actor, action, *args, **kw)  # type: ignore[arg-type]
        if action == "vote.recorded" and not faults:
            faults.append(action)
            raise OperationalError_locked()
        return found

    monkeypatch.setattr(audit, "append", locked_once)
    real_advance = commands.Cyd.advance
    advanced: list[str] = []

    def advance_locked_once(self: commands.Cyd, venture_id: str) -> object:
        advanced.append(venture_id)
        if len(advanced) == 1:
            raise OperationalError_locked()
        return real_advance(self, venture_id)

    monkeypatch.setattr(commands.Cyd, "advance", advance_locked_once)
    cyd = in_process(board)
    try:
        vote(cyd, VENTURE, member=VOTERS[1], choice="approve")
    finally:
        cyd.engine.dispose()
    assert faults == ["vote.recorded"]
    assert len(advanced) == 2
    assert votes(board, VOTERS[1]) == 1
    recorded = "SELECT count(*) FROM audit_entry WHERE action = 'vote.recorded'"
    assert count(board, recorded) == 1
    chain_sound(board)


def OperationalError_locked() -> Exception:
    from sqlalchemy.exc import OperationalError

    return OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
