"""Database faults end in one line that says whether the action was recorded, never a
traceback (issue 14: transient faults). The fault is real: a PostgreSQL connection
terminated by the server during a unit of work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

import models.db
from models.db import CommitUnknown, fault_line, make_engine, read_session, unit_of_work
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
