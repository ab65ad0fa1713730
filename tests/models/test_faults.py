"""Database faults end in one line that says whether the action was recorded, never a
traceback (issue 14: transient faults). The fault is real: a PostgreSQL connection
terminated by the server during a unit of work."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

import models.db
from models.db import (
    CommitUnknown,
    NotRecorded,
    fault_line,
    make_engine,
    read_session,
    retrying,
    unit_of_work,
)
from models.migrate import upgrade
from models.tables import AuditEntry
from tests.models.conftest import Backend, PostgresServer

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")


@pytest.mark.postgres
def test_a_connection_lost_at_commit_is_an_unknown_outcome(
    postgres_server: PostgresServer, postgres_database: Backend
) -> None:
    from models import audit

    engine = make_engine(postgres_database.url)

    def lost_at_commit() -> None:
        with unit_of_work(engine) as session:
            audit.append(session, "someone@example.org", "test.fault", None, {"n": 1})
            session.flush()
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
            with postgres_server.admin.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    try:
        with pytest.raises(CommitUnknown) as caught:
            lost_at_commit()
        assert "may or may not be recorded" in fault_line(caught.value)
        assert "terminating connection" in str(caught.value)
        # Here the server had not committed it: the entry is not there.
        with read_session(engine) as session:
            found = session.exec(select(AuditEntry).where(AuditEntry.action == "test.fault")).all()
        assert found == []
        # The pool hands out a working connection next time.
        with unit_of_work(engine) as session:
            session.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def test_the_line_says_whether_the_action_was_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    error = OperationalError("SELECT 1", {"secret": "x"}, Exception("server closed the connection"))
    monkeypatch.setattr(models.db, "_commits", 0)
    before = fault_line(error)
    assert before == (
        "the database failed (Exception: server closed the connection): nothing was "
        "recorded; try again"
    )
    monkeypatch.setattr(models.db, "_commits", 1)
    after = fault_line(error)
    assert after.startswith("the action was recorded, but what followed it failed")
    for line in (before, after):
        assert "secret" not in line
        assert "SELECT" not in line


# --- running a unit of work again after a transient fault (issue 14, item 5) ------------------


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def _entries(engine: Engine, action: str) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_a_transient_fault_before_the_commit_runs_the_whole_call_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import audit

    monkeypatch.setattr(models.db, "RETRY_PAUSE_S", 0.0)
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    upgrade(engine)
    tries: list[int] = []

    def record() -> str:
        with unit_of_work(engine) as session:
            audit.append(session, "someone@example.org", "test.retried", None, {})
            tries.append(1)
            if len(tries) < 3:
                raise _locked()
        return "done"

    try:
        assert retrying(record) == "done"
        assert len(tries) == 3
        assert _entries(engine, "test.retried") == 1  # rolled back twice, saved once
    finally:
        engine.dispose()


def test_after_every_attempt_one_line_says_nothing_was_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models.db, "RETRY_PAUSE_S", 0.0)
    tries: list[int] = []

    def always_locked() -> None:
        tries.append(1)
        raise _locked()

    monkeypatch.setattr(models.db, "_commits", 0)
    with pytest.raises(NotRecorded) as caught:
        retrying(always_locked)
    assert len(tries) == models.db.ATTEMPTS == 3
    assert fault_line(caught.value) == (
        "the database failed (OperationalError: database is locked), 3 times: nothing "
        "was recorded; try again later"
    )


def test_no_second_try_after_a_commit_or_for_what_no_retry_mends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import audit

    monkeypatch.setattr(models.db, "RETRY_PAUSE_S", 0.0)
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    upgrade(engine)
    tries: list[str] = []

    def recorded_then_lost() -> None:
        with unit_of_work(engine) as session:
            audit.append(session, "someone@example.org", "test.once", None, {})
        tries.append("after")
        raise _locked()  # what followed the action failed: the action is not done again

    def unknown() -> None:
        tries.append("unknown")
        raise CommitUnknown(_locked())

    def full() -> None:
        tries.append("full")
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    try:
        for call, error in ((recorded_then_lost, OperationalError), (unknown, CommitUnknown)):
            with pytest.raises(error):
                retrying(call)
        with pytest.raises(OperationalError):
            retrying(full)
        assert tries == ["after", "unknown", "full"]
        assert _entries(engine, "test.once") == 1
    finally:
        engine.dispose()


def test_a_lock_held_past_the_busy_timeout_is_waited_out_by_trying_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real lock: another connection holds the write lock (BEGIN IMMEDIATE) longer than
    the busy timeout; the first try fails with "database is locked", a later one saves."""
    from models import audit

    monkeypatch.setenv("CYD_TEST_LOCK_WAIT", "0.3")
    path = tmp_path / "cyd.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    tries: list[int] = []

    def record() -> None:
        tries.append(1)
        with unit_of_work(engine) as session:
            audit.append(session, "someone@example.org", "test.locked", None, {})

    try:
        retrying(record)
        assert len(tries) >= 2
        assert _entries(engine, "test.locked") == 1
    finally:
        release.join()
        holder.close()
        engine.dispose()


@pytest.mark.postgres
def test_a_connection_killed_before_the_commit_is_tried_again_and_saved_once(
    postgres_server: PostgresServer, postgres_database: Backend
) -> None:
    from models import audit

    engine = make_engine(postgres_database.url)
    tries: list[int] = []

    def record() -> None:
        with unit_of_work(engine) as session:
            audit.append(session, "someone@example.org", "test.killed", None, {"n": 1})
            session.flush()
            tries.append(1)
            if len(tries) == 1:
                pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
                with postgres_server.admin.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                session.execute(text("SELECT 1"))  # the connection is gone

    try:
        retrying(record)
        assert len(tries) == 2
        assert _entries(engine, "test.killed") == 1
    finally:
        engine.dispose()


def test_nested_commands_try_a_fault_three_times_not_nine(monkeypatch: pytest.MonkeyPatch) -> None:
    """`answer` calls `answer_many`, both commands: the inner one's tries are the tries."""
    monkeypatch.setattr(models.db, "RETRY_PAUSE_S", 0.0)
    tries: list[int] = []

    def inner() -> None:
        tries.append(1)
        raise _locked()

    with pytest.raises(NotRecorded) as caught:
        retrying(lambda: retrying(inner))
    assert len(tries) == 3
    assert caught.value.attempts == 3
